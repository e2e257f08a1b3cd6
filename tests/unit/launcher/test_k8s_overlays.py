"""Network policies of k8s/base (only the gateway reachable; egress to DNS, PostgreSQL, RabbitMQ and
S3 only) and the overlays k8s/overlays/{dev,production}: they build with kustomize, their core
kinds validate against Kubernetes 1.30 (strict), they wire PMIS to the operators' clusters by the
names those operators give, and no secret value is committed."""
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import yaml

from tests.unit.launcher.k8s_support import K8S, OVERLAYS, ROOT, built, is_custom, kubernetes_validate

BASE = K8S / "base"
needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
DATA_PORTS = {5432, 5672, 8333}  # PostgreSQL, RabbitMQ, SeaweedFS's S3 gateway


def base_documents(name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all((BASE / name).read_text(encoding="utf-8")) if doc]


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def ports(rules: list[dict]) -> set[tuple[int, str]]:
    return {(p["port"], p.get("protocol", "TCP")) for rule in rules for p in rule.get("ports", [])}


def test_every_pod_is_closed_both_ways_unless_a_policy_opens_it():
    policies = base_documents("network-policies.yaml")
    deny = [p for p in policies if p["spec"]["podSelector"] == {}
            and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
            and not p["spec"].get("ingress") and not p["spec"].get("egress")]
    assert len(deny) == 1


def test_only_the_gateway_accepts_connections_on_its_http_port():
    policies = base_documents("network-policies.yaml")
    opening = [p for p in policies if p["spec"].get("ingress")]
    assert [p["spec"]["podSelector"] for p in opening] == [{"matchLabels": {"app.kubernetes.io/name": "gateway"}}]
    [gateway] = [d for d in base_documents("gateway.yaml") if d["kind"] == "Deployment"]
    [container] = gateway["spec"]["template"]["spec"]["containers"]
    assert ports(opening[0]["spec"]["ingress"]) == {(p["containerPort"], "TCP") for p in container["ports"]}
    # Nothing else listens: no other Service, no other container port.
    for path in BASE.glob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc and doc.get("kind") == "Service":
                assert doc["metadata"]["name"] == "gateway", path.name
            if doc and doc.get("kind") == "Deployment" and doc["metadata"]["name"] != "gateway":
                assert not any(c.get("ports") for c in doc["spec"]["template"]["spec"]["containers"]), path.name


def test_egress_is_dns_and_the_data_services_only():
    policies = base_documents("network-policies.yaml")
    egress = [rule for p in policies for rule in p["spec"].get("egress", [])]
    assert ports(egress) == {(53, "UDP"), (53, "TCP")} | {(port, "TCP") for port in DATA_PORTS}
    [dns] = [rule for rule in egress if (53, "UDP") in ports([rule])]
    assert dns["to"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                          "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}]
    assert all(p["spec"]["podSelector"] == {} for p in policies if p["spec"].get("egress"))
    config = base_documents("configmap.yaml")[0]["data"]
    assert int(config["PMIS_S3_ENDPOINT"].rpartition(":")[2]) in DATA_PORTS


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_core_kinds_validate_against_kubernetes_1_30(overlay, tmp_path):
    core = [doc for doc in built(overlay) if not is_custom(doc)]
    assert {"Deployment", "Job", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Secret",
            "Namespace"} <= {doc["kind"] for doc in core}
    result = kubernetes_validate(core, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_wires_pmis_to_the_operators_clusters(overlay):
    docs = built(overlay)
    secrets = by_kind(docs, "Secret")
    [app_secret] = [name for name in secrets if name.startswith("pmis-secrets-")]
    # Every reference to pmis-secrets, KEDA's included, follows the generated (hashed) name.
    assert {"pmis-secrets-" + app_secret.rpartition("-")[2]} == {app_secret}
    for deployment in by_kind(docs, "Deployment").values():
        refs = {r["secretRef"]["name"] for c in deployment["spec"]["template"]["spec"]["containers"]
                for r in c["envFrom"] if "secretRef" in r}
        assert refs == {app_secret}
    [auth] = by_kind(docs, "TriggerAuthentication").values()
    assert {ref["name"] for ref in auth["spec"]["secretTargetRef"]} == {app_secret}

    example_file = K8S / "overlays" / overlay / "secrets" / "pmis.env.example"
    example = dict(line.split("=", 1) for line in example_file.read_text(encoding="utf-8").splitlines()
                   if line and not line.startswith("#"))
    assert set(example) >= {"PMIS_DATABASE_URL", "PMIS_AMQP_URI", "PMIS_RABBITMQ_MANAGEMENT_URL",
                            "PMIS_S3_ACCESS_KEY", "PMIS_S3_SECRET_KEY", "PMIS_SECRET_KEY"}
    assert set(secrets[app_secret]["data"]) == set(example)
    [cluster] = by_kind(docs, "Cluster").values()
    [pooler] = by_kind(docs, "Pooler").values()
    [broker] = by_kind(docs, "RabbitmqCluster").values()
    assert pooler["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    data_namespace = cluster["metadata"]["namespace"]
    database = urlsplit(example["PMIS_DATABASE_URL"])
    assert database.hostname == f"{pooler['metadata']['name']}.{data_namespace}.svc"
    assert database.path == "/" + cluster["spec"]["bootstrap"]["initdb"]["database"]
    assert database.username == cluster["spec"]["bootstrap"]["initdb"]["owner"]
    assert urlsplit(example["PMIS_AMQP_URI"]).hostname == f"{broker['metadata']['name']}.{data_namespace}.svc"
    assert urlsplit(example["PMIS_RABBITMQ_MANAGEMENT_URL"]).hostname == urlsplit(example["PMIS_AMQP_URI"]).hostname
    config = by_kind(docs, "ConfigMap")["pmis-config"]["data"]
    assert config["PMIS_S3_ENDPOINT"] == f"seaweedfs-s3.{data_namespace}.svc:8333"
    # The Secrets the operators read are generated beside them.
    referenced = {cluster["spec"]["bootstrap"]["initdb"]["secret"]["name"],
                  broker["spec"]["secretBackend"]["externalSecret"]["name"]}
    for store in by_kind(docs, "ObjectStore").values():
        referenced |= {ref["name"] for ref in store["spec"]["configuration"]["s3Credentials"].values()}
    assert referenced <= {name for name, s in secrets.items() if s["metadata"]["namespace"] == data_namespace}
    assert by_kind(docs, "Job")["migrate"]["metadata"]["namespace"] == "pmis"


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_migration_step_selects_the_job_and_everything_it_reads(overlay):
    """docs/DEPLOY.md "Upgrade" applies `-l 'app.kubernetes.io/component in (migration,config)'`
    first and waits for the Job: that selection is the Job and the settings it reads, nothing else."""
    selected = [doc for doc in built(overlay)
                if doc["metadata"].get("labels", {}).get("app.kubernetes.io/component") in ("migration", "config")]
    assert sorted(doc["kind"] for doc in selected) == ["ConfigMap", "Job", "Secret"]
    [job] = [doc for doc in selected if doc["kind"] == "Job"]
    pod = job["spec"]["template"]["spec"]
    read = {name for c in pod["initContainers"] + pod["containers"] for ref in c["envFrom"]
            for name in [ref.get("configMapRef", ref.get("secretRef", {})).get("name")]}
    assert read == {doc["metadata"]["name"] for doc in selected if doc["kind"] != "Job"}
    assert "app.kubernetes.io/component in (migration,config)" in (ROOT / "docs" / "DEPLOY.md").read_text(
        encoding="utf-8")


@needs_kubectl
def test_production_is_highly_available_and_backed_up():
    docs = built("production")
    [cluster] = by_kind(docs, "Cluster").values()
    [broker] = by_kind(docs, "RabbitmqCluster").values()
    [pooler] = by_kind(docs, "Pooler").values()
    [backup] = by_kind(docs, "ScheduledBackup").values()
    [store] = by_kind(docs, "ObjectStore").values()
    assert cluster["spec"]["instances"] == 3 and broker["spec"]["replicas"] == 3 and pooler["spec"]["instances"] >= 2
    assert cluster["spec"]["postgresql"]["synchronous"]["number"] >= 1
    [archiver] = [p for p in cluster["spec"]["plugins"] if p.get("isWALArchiver")]
    assert archiver["parameters"]["barmanObjectName"] == store["metadata"]["name"]
    assert backup["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    assert backup["spec"]["method"] == "plugin"
    assert backup["spec"]["pluginConfiguration"]["name"] == archiver["name"]
    assert len(backup["spec"]["schedule"].split()) == 6, "CloudNativePG's schedule starts with seconds"
    # Session pooling: services/stats/compaction.py holds a session-level advisory lock.
    assert pooler["spec"]["pgbouncer"]["poolMode"] == "session"
    assert "gateway" in by_kind(docs, "Ingress")


def pod_connections(deployment: dict, max_workers: int) -> int:
    """The PostgreSQL connections one Pod keeps open: a nameko part pools one per worker
    (services/shared/db.py), a relay two (it publishes on one and LISTENs for the writers' NOTIFY
    on the other), an ingester one, the stats background part's compactor one more
    (services/stats/compaction.py); the gateway holds none."""
    total = 0
    for container in deployment["spec"]["template"]["spec"]["containers"]:
        command = container["command"]
        if command[0] == "nameko":
            total += max_workers + (1 if command[-1] == "services.shared.service_parts:stats_background" else 0)
        elif "services.shared.messaging.relay" in command:
            total += 2
        elif command != ["python", "-m", "gateway"]:
            total += 1
    return total


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_database_connection_budget(overlay):
    """Session pooling: every pool stays open, so the pools of every Pod at the autoscalers'
    maxima (plus the migrate Job) must fit through the poolers with one of them down, and the
    poolers' server connections in max_connections with room for the operator, replication,
    superusers and ops.backup."""
    docs = built(overlay)
    max_workers = int(by_kind(docs, "ConfigMap")["pmis-config"]["data"]["PMIS_MAX_WORKERS"])
    maxima = {h["spec"]["scaleTargetRef"]["name"]: h["spec"]["maxReplicas"]
              for h in by_kind(docs, "HorizontalPodAutoscaler").values()}
    maxima |= {s["spec"]["scaleTargetRef"]["name"]: s["spec"]["maxReplicaCount"]
               for s in by_kind(docs, "ScaledObject").values()}
    deployments = by_kind(docs, "Deployment")
    clients = 2 + sum(pod_connections(d, max_workers) * maxima.get(name, d["spec"].get("replicas", 1))
                      for name, d in deployments.items())
    [pooler] = by_kind(docs, "Pooler").values()
    [cluster] = by_kind(docs, "Cluster").values()
    per_pooler = int(pooler["spec"]["pgbouncer"]["parameters"]["max_db_connections"])
    assert int(pooler["spec"]["pgbouncer"]["parameters"]["default_pool_size"]) <= per_pooler
    instances = pooler["spec"]["instances"]
    assert clients <= max(instances - 1, 1) * per_pooler, f"{clients} client connections"
    assert int(pooler["spec"]["pgbouncer"]["parameters"]["max_client_conn"]) >= clients
    assert instances * per_pooler + 50 <= int(cluster["spec"]["postgresql"]["parameters"]["max_connections"])


@needs_kubectl
def test_production_egress_reaches_only_the_operators_pods():
    docs = built("production")
    egress = by_kind(docs, "NetworkPolicy")["data-egress"]["spec"]["egress"]
    [pooler] = by_kind(docs, "Pooler").values()
    [broker] = by_kind(docs, "RabbitmqCluster").values()
    data_namespace = pooler["metadata"]["namespace"]
    expected = {5432: {"cnpg.io/poolerName": pooler["metadata"]["name"]},
                5672: {"app.kubernetes.io/name": broker["metadata"]["name"]},
                8333: {"app.kubernetes.io/name": "seaweedfs", "app.kubernetes.io/component": "s3"}}
    assert {port for port, _ in ports(egress)} == set(expected)
    for rule in egress:
        [(port, _)] = ports([rule])
        assert rule["to"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": data_namespace}},
                               "podSelector": {"matchLabels": expected[port]}}]


@needs_kubectl
def test_dev_is_one_of_everything_without_backups():
    docs = built("dev")
    [cluster] = by_kind(docs, "Cluster").values()
    assert cluster["spec"]["instances"] == 1 and cluster["spec"]["enablePDB"] is False
    assert "synchronous" not in cluster["spec"]["postgresql"] and "plugins" not in cluster["spec"]
    assert not by_kind(docs, "ScheduledBackup") and not by_kind(docs, "ObjectStore")
    assert [b["spec"]["replicas"] for b in by_kind(docs, "RabbitmqCluster").values()] == [1]
    assert {h["spec"]["minReplicas"] for h in by_kind(docs, "HorizontalPodAutoscaler").values()} == {1}


def test_no_secret_value_is_committed():
    tracked = subprocess.run(["git", "ls-files", "k8s"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    secret_files = [path for path in tracked if "/secrets/" in path]
    assert secret_files and all(path.endswith((".example", "/.gitignore")) for path in secret_files)
    for example in secret_files:
        if example.endswith(".example"):
            real = example.removesuffix(".example")
            ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", real], cwd=ROOT)
            assert ignored.returncode == 0, f"{real} would not be ignored by git"
            assert "CHANGE-ME" in (ROOT / example).read_text(encoding="utf-8"), example
    for path in K8S.rglob("*.yaml"):
        if "crds" in path.relative_to(K8S).parts:
            continue
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert not (isinstance(doc, dict) and doc.get("kind") == "Secret"), path
