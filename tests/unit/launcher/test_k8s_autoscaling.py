"""The stats ingesters' autoscaling, checked offline: KEDA's ScaledObject and
TriggerAuthentication against KEDA's CRDs (vendored in k8s/crds, unknown fields refused),
the HorizontalPodAutoscaler KEDA derives from them against Kubernetes 1.30, and the triggers
against the queues the ingesters really consume."""
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from services.shared.messaging.topology import subscriptions
from services.stats.service import StatsService
from tests.unit.launcher.k8s_support import custom_resource_errors

BASE = Path(__file__).resolve().parents[3] / "k8s" / "base"
SCALING = BASE / "stats-ingest-scaling.yaml"

# RabbitMQ scaler metadata keys (KEDA docs); `host` comes from the TriggerAuthentication.
RABBITMQ_KEYS = {"protocol", "mode", "value", "activationValue", "queueName", "vhostName", "unsafeSsl", "timeout"}


def documents(path: Path) -> dict:
    return {doc["kind"]: doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc}


@pytest.fixture(scope="module")
def scaling():
    return documents(SCALING)


def test_keda_objects_match_their_crds(scaling):
    assert custom_resource_errors(scaling["ScaledObject"]) == []
    assert custom_resource_errors(scaling["TriggerAuthentication"]) == []


def test_scales_the_ingest_deployment_between_bounds(scaling):
    spec = scaling["ScaledObject"]["spec"]
    target = documents(BASE / "stats-ingest.yaml")["Deployment"]
    assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                      "name": target["metadata"]["name"]}
    assert "replicas" not in target["spec"], "KEDA owns the replica count"
    assert target["spec"]["template"]["spec"]["containers"][0]["command"] == ["python", "-m", "services.stats.ingest"]
    assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
    scale_down = spec["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]
    assert scale_down["stabilizationWindowSeconds"] >= 60


def test_one_http_trigger_per_ingested_queue(scaling):
    """protocol http: the management API counts unacknowledged messages too (a batch in
    flight is still work); every queue the ingesters consume drives the scale."""
    triggers = scaling["ScaledObject"]["spec"]["triggers"]
    auth = scaling["TriggerAuthentication"]
    consumed = {queue for _, _, queue in subscriptions(StatsService)}
    assert consumed and {t["metadata"]["queueName"] for t in triggers} == consumed
    assert len(triggers) == len(consumed)
    for trigger in triggers:
        assert trigger["type"] == "rabbitmq"
        assert set(trigger["metadata"]) <= RABBITMQ_KEYS
        assert trigger["metadata"]["protocol"] == "http" and trigger["metadata"]["mode"] == "QueueLength"
        assert int(trigger["metadata"]["value"]) > 0
        assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
    [secret] = auth["spec"]["secretTargetRef"]
    assert secret["parameter"] == "host" and secret["name"] == "pmis-secrets"
    for overlay in ("dev", "production"):
        example = BASE.parent / "overlays" / overlay / "secrets" / "pmis.env.example"
        assert f"\n{secret['key']}=" in example.read_text(encoding="utf-8"), f"{overlay}: secret key undocumented"


def test_the_derived_autoscaler_validates_against_kubernetes_1_30(scaling, tmp_path):
    """KEDA creates an autoscaling/v2 HorizontalPodAutoscaler from the ScaledObject: the bounds
    and behavior are passed through unchanged, so they must be valid there."""
    spec = scaling["ScaledObject"]["spec"]
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": f"keda-hpa-{scaling['ScaledObject']['metadata']['name']}"},
           "spec": {"scaleTargetRef": spec["scaleTargetRef"], "minReplicas": spec["minReplicaCount"],
                    "maxReplicas": spec["maxReplicaCount"],
                    "behavior": spec["advanced"]["horizontalPodAutoscalerConfig"]["behavior"],
                    "metrics": [{"type": "External", "external": {
                        "metric": {"name": f"s{i}-rabbitmq"},
                        "target": {"type": "AverageValue", "averageValue": t["metadata"]["value"]}}}
                        for i, t in enumerate(spec["triggers"])]}}
    path = tmp_path / "hpa.yaml"
    path.write_text(yaml.safe_dump(hpa), encoding="utf-8")
    exe = Path(sys.executable).parent / "kubernetes-validate"
    result = subprocess.run([str(exe), "--strict", "-k", "1.30", str(path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
