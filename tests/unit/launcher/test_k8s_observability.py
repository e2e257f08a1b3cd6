"""k8s/observability, the kustomize Component with the metrics ports, scrape definition, alert rules
and Grafana dashboard: it builds onto the base, every container of a pod gets a metrics port of its
own that the PodMonitor names, the patched Deployments still validate, and every metric the rules
and the dashboard use is one the code defines."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from services.shared.observability import metrics

ROOT = Path(__file__).resolve().parents[3]
BASE = ROOT / "k8s" / "base"
COMPONENT = ROOT / "k8s" / "observability"
ALERTS = COMPONENT / "alerts.yaml"
DASHBOARD = COMPONENT / "pmis-dashboard.json"
METRIC = re.compile(r"\bpmis_[a-z_]+")


def defined_metrics() -> set[str]:
    """The names of metrics.py's metrics (a counter's without its _total)."""
    return {value.describe()[0].name for value in vars(metrics).values() if isinstance(value, MetricWrapperBase)}


def used_metric(name: str) -> str:
    for suffix in ("_bucket", "_count", "_sum", "_total"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def rules() -> list[dict]:
    doc = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return [rule for group in doc["spec"]["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_the_rules_and_the_dashboard_use_only_metrics_the_code_defines():
    defined = defined_metrics()
    used = {used_metric(name) for expr in [r["expr"] for r in rules()] + dashboard_expressions()
            for name in METRIC.findall(expr)}
    assert used and used <= defined, used - defined


def test_alerts_cover_outbox_age_ingest_lag_error_rate_and_dead_letters():
    by_metric = " ".join(rule["expr"] for rule in rules())
    for metric in ("pmis_outbox_oldest_unsent_seconds", "pmis_stats_ingest_lag_seconds",
                   'pmis_http_request_seconds_count{status="5xx"}', "pmis_service_call_errors_total",
                   "pmis_dead_letters"):
        assert metric in by_metric
    assert all(rule["labels"]["severity"] in {"warning", "critical"} and rule["annotations"]["summary"]
               for rule in rules())


def test_the_dashboard_is_grafana_json_with_a_panel_per_expression():
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert dashboard["uid"] == "pmis-overview" and len(ids) == len(set(ids)) >= 12


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list[dict]:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    overlay = tmp_path_factory.mktemp("overlay")
    (overlay / "kustomization.yaml").write_text(yaml.safe_dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "resources": [os.path.relpath(BASE, overlay)], "components": [os.path.relpath(COMPONENT, overlay)]}))
    result = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def test_every_container_serves_metrics_on_a_port_of_its_own_that_the_podmonitor_scrapes(built):
    (monitor,) = [doc for doc in built if doc["kind"] == "PodMonitor"]
    scraped = {endpoint["port"] for endpoint in monitor["spec"]["podMetricsEndpoints"]}
    deployments = [doc for doc in built if doc["kind"] == "Deployment"]
    assert len(deployments) >= 8
    for deployment in deployments:
        assert deployment["metadata"]["labels"]["app.kubernetes.io/part-of"] == "pmis"  # the monitor's selector
        ports = []
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            setting = {e["name"]: e["value"] for e in container.get("env", [])}.get("PMIS_METRICS_PORT")
            named = {p["containerPort"]: p["name"] for p in container.get("ports", []) if p["name"] in scraped}
            assert setting and int(setting) in named, (deployment["metadata"]["name"], container["name"])
            ports.append(int(setting))
        assert len(ports) == len(set(ports)), deployment["metadata"]["name"]  # one network namespace a pod
    (config,) = [doc for doc in built if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "pmis-config"]
    assert config["data"]["PMIS_LOG_FORMAT"] == "json"
    (dashboard,) = [doc for doc in built if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] ==
                    "pmis-grafana-dashboard"]
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(dashboard["data"]["pmis-dashboard.json"])["uid"] == "pmis-overview"


def test_the_patched_deployments_validate_against_kubernetes_1_30(built, tmp_path):
    exe = Path(sys.executable).parent / "kubernetes-validate"
    assert exe.exists(), f"kubernetes-validate is not installed next to {sys.executable}"
    core = [doc for doc in built if doc["kind"] in ("Deployment", "ConfigMap")]
    path = tmp_path / "built.yaml"
    path.write_text(yaml.safe_dump_all(core))
    result = subprocess.run([str(exe), "--strict", "-k", "1.30", str(path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
