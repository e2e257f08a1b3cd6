"""Helpers for the k8s/ tests: build an overlay offline, validate core kinds with
kubernetes-validate, and validate custom resources against the CRDs vendored in k8s/crds.

The CRD check is stricter than the API server's pruning: an object schema that neither declares
`additionalProperties` nor `x-kubernetes-preserve-unknown-fields` is treated as closed, so a
misspelled field fails here instead of being silently dropped by the cluster. CEL rules
(`x-kubernetes-validations`) are not evaluated."""
import copy
import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "k8s"
CRDS = K8S / "crds"
OVERLAYS = ("dev", "production")
SECRET_EXAMPLE_SUFFIX = ".example"
# Kinds kubernetes-validate knows: everything in the core API groups.
CORE_GROUPS = {"", "apps", "batch", "policy", "autoscaling", "networking.k8s.io"}


def group_of(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def is_custom(doc: dict) -> bool:
    return group_of(doc["apiVersion"]) not in CORE_GROUPS


def load_documents(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@functools.cache
def _built(overlay: str) -> str:
    """`kubectl kustomize` of an overlay, with each git-ignored secret file replaced by its
    committed *.example (the build needs the files; their values do not matter here)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy_root = Path(tmp) / "k8s"
        shutil.copytree(K8S, copy_root, ignore=shutil.ignore_patterns("crds"))
        for example in copy_root.rglob(f"*{SECRET_EXAMPLE_SUFFIX}"):
            shutil.copy(example, example.with_name(example.name.removesuffix(SECRET_EXAMPLE_SUFFIX)))
        result = subprocess.run(["kubectl", "kustomize", str(copy_root / "overlays" / overlay)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def built(overlay: str) -> list[dict]:
    return load_documents(_built(overlay))


def kubernetes_validate(docs: list[dict], directory: Path) -> subprocess.CompletedProcess:
    path = directory / "manifests.yaml"
    path.write_text(yaml.safe_dump_all(docs, allow_unicode=True), encoding="utf-8")
    exe = Path(sys.executable).parent / "kubernetes-validate"
    return subprocess.run([str(exe), "--strict", "-k", "1.30", str(path)], capture_output=True, text=True,
                          timeout=180)


@functools.cache
def crds() -> dict[tuple[str, str], tuple[Path, dict]]:
    """(group, kind) -> (file, CRD) for every CRD vendored under k8s/crds."""
    found = {}
    for path in sorted(CRDS.rglob("*.yaml")):
        for doc in load_documents(path.read_text(encoding="utf-8")):
            if doc.get("kind") == "CustomResourceDefinition":
                found[(doc["spec"]["group"], doc["spec"]["names"]["kind"])] = (path, doc)
    return found


def closed(schema: dict) -> dict:
    """A copy of an OpenAPI v3 structural schema in which unknown fields are refused."""
    schema = copy.deepcopy(schema)

    def close(node):
        if not isinstance(node, dict):
            return
        if node.get("x-kubernetes-embedded-resource"):
            # An embedded object always accepts its own apiVersion, kind and metadata.
            properties = node.setdefault("properties", {})
            properties.setdefault("apiVersion", {"type": "string"})
            properties.setdefault("kind", {"type": "string"})
            properties.setdefault("metadata", {"type": "object", "x-kubernetes-preserve-unknown-fields": True})
        pattern = node.get("pattern")
        if isinstance(pattern, str) and "(?i)" in pattern[1:]:
            # Go's RE2 takes an inline flag anywhere ("^(?i)(abort|warn)?$"); Python only at the start.
            node["pattern"] = "(?i)" + pattern.replace("(?i)", "")
        is_object = node.get("type") == "object" or "properties" in node
        if is_object and "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
            node["additionalProperties"] = False
        for child in node.get("properties", {}).values():
            close(child)
        for key in ("items", "additionalProperties", "not"):
            close(node.get(key))
        for key in ("allOf", "anyOf", "oneOf"):
            for child in node.get(key, []):
                close(child)

    close(schema)
    return schema


@functools.cache
def spec_validator(group: str, kind: str, version: str) -> jsonschema.Draft4Validator:
    path, crd = crds()[(group, kind)]
    [served] = [v for v in crd["spec"]["versions"] if v["name"] == version and v.get("served")] or [None]
    assert served, f"{kind}: {group}/{version} is not served by {path.relative_to(ROOT)}"
    schema = closed(served["schema"]["openAPIV3Schema"]["properties"]["spec"])
    # OpenAPI v3.0 schemas are draft 4 in their validation keywords; `nullable` and the
    # x-kubernetes-* extensions are ignored by jsonschema.
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def custom_resource_errors(doc: dict) -> list[str]:
    """Every way a custom resource differs from its vendored CRD (empty: valid)."""
    group, _, version = doc["apiVersion"].rpartition("/")
    kind = doc["kind"]
    if (group, kind) not in crds():
        return [f"{kind} ({group}): no CRD vendored in k8s/crds"]
    errors = [f"unknown top-level field {key!r}" for key in set(doc) - {"apiVersion", "kind", "metadata", "spec"}]
    if not doc.get("metadata", {}).get("name"):
        errors.append("metadata.name is missing")
    validator = spec_validator(group, kind, version)
    errors += [f"{'.'.join(['spec', *map(str, e.absolute_path)])}: {e.message}"
               for e in validator.iter_errors(doc.get("spec", {}))]
    return errors
