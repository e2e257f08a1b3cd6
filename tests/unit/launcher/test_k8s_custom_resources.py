"""The custom resources (CloudNativePG, its Barman Cloud Plugin, the RabbitMQ Cluster Operator,
KEDA) validate offline against the CRDs vendored in k8s/crds, with unknown fields refused; the
SeaweedFS chart values name only keys the chart has; k8s/crds/README.md states every version."""
import copy
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.unit.launcher.k8s_support import (
    CRDS,
    K8S,
    OVERLAYS,
    ROOT,
    built,
    closed,
    crds,
    custom_resource_errors,
    is_custom,
    load_documents,
)

# Every file of k8s/ that holds custom resources, as committed (the overlays' patches are checked
# after the build below).
SOURCES = [K8S / "base" / "stats-ingest-scaling.yaml", K8S / "operators" / "postgres.yaml",
           K8S / "operators" / "rabbitmq.yaml", K8S / "operators" / "recovery" / "pmis-db-restored.yaml",
           K8S / "observability" / "podmonitor.yaml", K8S / "observability" / "alerts.yaml"]
KINDS_USED = {("postgresql.cnpg.io", "Cluster"), ("postgresql.cnpg.io", "Pooler"),
              ("postgresql.cnpg.io", "ScheduledBackup"), ("barmancloud.cnpg.io", "ObjectStore"),
              ("rabbitmq.com", "RabbitmqCluster"), ("keda.sh", "ScaledObject"), ("keda.sh", "TriggerAuthentication"),
              ("monitoring.coreos.com", "PodMonitor"), ("monitoring.coreos.com", "PrometheusRule")}
SEAWEEDFS_DEFAULTS = CRDS / "seaweedfs-chart-4.44.0" / "values.yaml"
SEAWEEDFS_VALUES = [K8S / "operators" / "seaweedfs-values.yaml", K8S / "overlays" / "dev" / "seaweedfs-values.yaml"]
needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")


def source_resources() -> list[tuple[str, dict]]:
    return [(f"{path.relative_to(K8S)}:{doc['kind']}/{doc['metadata']['name']}", doc)
            for path in SOURCES for doc in load_documents(path.read_text(encoding="utf-8"))]


def test_every_custom_kind_in_k8s_has_its_crd_vendored():
    found = {(doc["apiVersion"].rpartition("/")[0], doc["kind"]) for _, doc in source_resources()}
    assert found == KINDS_USED
    assert set(crds()) == KINDS_USED, "vendor only the CRDs that are used"
    for path in K8S.rglob("*.yaml"):
        # The overlays' patches are partial resources: checked after the build, below.
        if CRDS in path.parents or "overlays" in path.parts or path.name == "kustomization.yaml":
            continue
        for doc in load_documents(path.read_text(encoding="utf-8")):
            if "apiVersion" in doc and is_custom(doc):
                assert path in SOURCES, f"{path.relative_to(ROOT)} holds custom resources: add it to SOURCES"


@pytest.mark.parametrize("name,doc", source_resources(), ids=lambda v: v if isinstance(v, str) else "")
def test_committed_custom_resource_matches_its_crd(name, doc):
    assert custom_resource_errors(doc) == [], name


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_built_overlay_custom_resources_match_their_crds(overlay):
    custom = [doc for doc in built(overlay) if is_custom(doc)]
    assert {doc["kind"] for doc in custom} >= {"Cluster", "Pooler", "RabbitmqCluster", "ScaledObject"}
    for doc in custom:
        assert custom_resource_errors(doc) == [], f"{overlay}: {doc['kind']}/{doc['metadata']['name']}"


def misspellings(doc: dict):
    """The resource with one field renamed: at the top of spec, and one object deeper."""
    top = next(iter(doc["spec"]))
    wrong = copy.deepcopy(doc)
    wrong["spec"][top + "s"] = wrong["spec"].pop(top)
    yield wrong
    nested = next((key for key, value in doc["spec"].items() if isinstance(value, dict) and value), None)
    if nested:
        inner = next(iter(doc["spec"][nested]))
        wrong = copy.deepcopy(doc)
        wrong["spec"][nested][inner.upper()] = wrong["spec"][nested].pop(inner)
        yield wrong


@pytest.mark.parametrize("name,doc", source_resources(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_misspelled_field_is_refused(name, doc):
    for wrong in misspellings(doc):
        errors = custom_resource_errors(wrong)
        assert errors and all("unexpected" in e or "required" in e for e in errors), (name, errors)


def test_the_validator_catches_deep_typos_and_wrong_types():
    [cluster] = [doc for path, doc in source_resources() if doc["kind"] == "Cluster" and "recovery" not in path]
    wrong = copy.deepcopy(cluster)
    wrong["spec"]["postgresql"]["synchronous"]["methd"] = wrong["spec"]["postgresql"]["synchronous"].pop("method")
    assert any("methd" in e for e in custom_resource_errors(wrong))
    wrong = copy.deepcopy(cluster)
    wrong["spec"]["instances"] = "3"
    assert any("is not of type 'integer'" in e for e in custom_resource_errors(wrong))
    [scaled] = [doc for _, doc in source_resources() if doc["kind"] == "ScaledObject"]
    wrong = copy.deepcopy(scaled)
    wrong["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behaviour"] = {}
    assert any("behaviour" in e for e in custom_resource_errors(wrong))
    wrong = copy.deepcopy(cluster)
    wrong["apiVersion"] = "postgresql.cnpg.io/v2"
    with pytest.raises(AssertionError, match="not served"):
        custom_resource_errors(wrong)


def test_closing_keeps_declared_open_maps_and_preserved_fields_open():
    schema = {"type": "object", "properties": {
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "fixed": {"type": "object", "properties": {"a": {"type": "string"}}},
        "empty": {"type": "object"}}}
    strict = closed(schema)
    assert strict["additionalProperties"] is False
    assert strict["properties"]["labels"]["additionalProperties"] == {"type": "string"}
    assert "additionalProperties" not in strict["properties"]["free"]
    assert strict["properties"]["fixed"]["additionalProperties"] is False
    assert strict["properties"]["empty"]["additionalProperties"] is False
    assert "additionalProperties" not in schema, "the CRD itself is left as it was"


def test_crd_readme_states_each_vendored_version_and_commit():
    readme = (CRDS / "README.md").read_text(encoding="utf-8")
    directories = sorted(p.name for p in CRDS.iterdir() if p.is_dir())
    assert directories
    for directory in directories:
        assert f"`{directory}/`" in readme, directory
    assert len(re.findall(r"\b[0-9a-f]{40}\b", readme)) >= len(directories), "one commit per source"
    for path, _ in crds().values():
        assert path.name in readme, path.name


def key_paths(values: dict, prefix=()) -> list[tuple[str, ...]]:
    paths = []
    for key, value in values.items():
        paths.append((*prefix, key))
        if isinstance(value, dict) and value:
            paths += key_paths(value, (*prefix, key))
    return paths


def unknown_chart_keys(values: dict, defaults: dict, defaults_text: str) -> list[str]:
    """Keys of a values file the chart does not have. A key the defaults show only as a
    commented example (`# createBuckets:`) counts as known."""
    unknown = []
    for path in key_paths(values):
        node = defaults
        for key in path:
            if isinstance(node, dict) and key in node:
                node = node[key]
                continue
            if not re.search(rf"^\s*#\s*{re.escape(key)}:", defaults_text, re.M):
                unknown.append(".".join(path))
            break
    return unknown


@pytest.mark.parametrize("path", SEAWEEDFS_VALUES, ids=lambda p: str(p.relative_to(K8S)))
def test_seaweedfs_values_use_only_keys_of_the_chart(path: Path):
    text = SEAWEEDFS_DEFAULTS.read_text(encoding="utf-8")
    values = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert unknown_chart_keys(values, yaml.safe_load(text), text) == []
    assert unknown_chart_keys({"s3": {"enableAuht": True}}, yaml.safe_load(text), text) == ["s3.enableAuht"]


def test_seaweedfs_serves_the_buckets_and_secret_the_manifests_name():
    values = yaml.safe_load(SEAWEEDFS_VALUES[0].read_text(encoding="utf-8"))
    buckets = {b["name"] for b in values["s3"]["createBuckets"]}
    config = yaml.safe_load((K8S / "base" / "configmap.yaml").read_text(encoding="utf-8"))["data"]
    [store] = [doc for _, doc in source_resources() if doc["kind"] == "ObjectStore"]
    assert buckets == {config["PMIS_S3_BUCKET"], store["spec"]["configuration"]["destinationPath"].split("/")[2]}
    assert values["s3"]["enableAuth"] is True and not any(b["anonymousRead"] for b in values["s3"]["createBuckets"])
    kustomization = yaml.safe_load((K8S / "operators" / "kustomization.yaml").read_text(encoding="utf-8"))
    generated = {g["name"]: g for g in kustomization["secretGenerator"]}
    assert values["s3"]["existingConfigSecret"] in generated
    assert any(f.startswith("seaweedfs_s3_config=") for f in generated[values["s3"]["existingConfigSecret"]]["files"])
    assert f":{values['s3']['port']}" in store["spec"]["configuration"]["endpointURL"]


def test_deploy_guide_installs_the_vendored_versions():
    guide = (ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    for directory in (p.name for p in CRDS.iterdir() if p.is_dir()):
        version = directory.rpartition("-")[2]
        assert re.search(rf"\bv?{re.escape(version)}\b", guide), f"docs/DEPLOY.md does not name {directory}"
