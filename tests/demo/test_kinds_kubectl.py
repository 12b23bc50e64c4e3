"""StatefulSets, DaemonSets, Jobs, ConfigMaps and Secrets through the real kubectl.

Columns follow kubernetes pkg/printers/internalversion/printers.go (statefulSet-, daemonSet-,
job-, configMap- and secretColumnDefinitions and their print* functions); defaults follow
SetDefaults_StatefulSet, SetDefaults_DaemonSet, SetDefaults_Job and SetDefaults_Secret, and the
Secret's stringData merge Convert_v1_Secret_To_core_Secret.
"""

from __future__ import annotations

import base64
import json

import pytest
import yaml

from tests.conftest import Kubectl

MANIFESTS = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  serviceName: web
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
status: {readyReplicas: 2}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: agent, image: busybox}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: pi, image: perl}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1", b: "2"}
binaryData: {c: AAE=}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {user: YWRtaW4=}
stringData: {password: s3cret}
"""


def _table(kubectl: Kubectl, *args: str) -> list[list[str]]:
    """kubectl's table output as words per line (the AGE of a fresh object is one word)."""
    return [line.split() for line in kubectl("get", *args).splitlines()]


@pytest.fixture
def applied(kubectl: Kubectl) -> Kubectl:
    out = kubectl("apply", "-f", "-", stdin=MANIFESTS)
    assert out.split("\n")[:5] == [
        "statefulset.apps/web created",
        "daemonset.apps/agent created",
        "job.batch/pi created",
        "configmap/settings created",
        "secret/creds created",
    ]
    return kubectl


def test_statefulset_columns_defaults_and_status(applied: Kubectl) -> None:
    header, row = _table(applied, "sts", "web", "-o", "wide")
    assert header == ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]
    # The status in the created body is dropped: a status subresource owns it.
    assert row[:2] == ["web", "0/2"] and row[3:] == ["nginx", "nginx:1.27"]
    spec = yaml.safe_load(applied("get", "sts", "web", "-o", "yaml"))["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["revisionHistoryLimit"] == 10
    applied(
        "patch", "sts", "web", "--subresource=status", "--type=merge",
        "-p", '{"status":{"replicas":2,"readyReplicas":1}}',
    )  # fmt: skip
    assert _table(applied, "statefulsets")[1][:2] == ["web", "1/2"]


def test_daemonset_columns(applied: Kubectl) -> None:
    header, row = _table(applied, "ds", "agent", "-o", "wide")
    assert header == [
        "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR",
        "AGE", "CONTAINERS", "IMAGES", "SELECTOR",
    ]  # fmt: skip
    assert row[:7] == ["agent", "0", "0", "0", "0", "0", "kubernetes.io/os=linux"]
    assert row[8:] == ["agent", "busybox", "app=agent"]
    strategy = yaml.safe_load(applied("get", "ds", "agent", "-o", "yaml"))["spec"]
    assert strategy["updateStrategy"]["rollingUpdate"] == {"maxUnavailable": 1, "maxSurge": 0}


def test_job_columns_selector_and_status(applied: Kubectl) -> None:
    header, row = _table(applied, "job", "pi")
    assert header == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    # No startTime yet: DURATION is empty, so the row has one word fewer.
    assert row[:3] == ["pi", "Running", "0/1"] and len(row) == 4
    job = yaml.safe_load(applied("get", "job", "pi", "-o", "yaml"))
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert job["spec"]["template"]["metadata"]["labels"]["job-name"] == "pi"
    # Go writes a template's zero creationTimestamp as null, from the create on.
    assert job["spec"]["template"]["metadata"]["creationTimestamp"] is None
    assert (job["spec"]["completions"], job["spec"]["backoffLimit"]) == (1, 6)
    status = {
        "startTime": "2026-01-01T00:00:00Z",
        "completionTime": "2026-01-01T00:01:05Z",
        "succeeded": 1,
        "conditions": [{"type": "Complete", "status": "True"}],
    }
    applied(
        "patch", "job", "pi", "--subresource=status", "--type=merge",
        "-p", json.dumps({"status": status}),
    )  # fmt: skip
    assert _table(applied, "jobs")[1][:4] == ["pi", "Complete", "1/1", "65s"]


def test_a_job_that_restarts_always_is_invalid(kubectl: Kubectl) -> None:
    result = kubectl.run(
        "create", "-f", "-", check=False,
        stdin=json.dumps({
            "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "bad"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}},
        }),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        'The Job "bad" is invalid: spec.template.spec.restartPolicy: Unsupported value: '
        '"Always": supported values: "OnFailure", "Never"'
    )


def test_configmap_and_secret_columns_and_data(applied: Kubectl) -> None:
    assert _table(applied, "cm", "settings")[0] == ["NAME", "DATA", "AGE"]
    # DATA counts data and binaryData.
    assert _table(applied, "cm", "settings")[1][:2] == ["settings", "3"]
    assert _table(applied, "secret", "creds")[0] == ["NAME", "TYPE", "DATA", "AGE"]
    assert _table(applied, "secret", "creds")[1][:3] == ["creds", "Opaque", "2"]
    secret = yaml.safe_load(applied("get", "secret", "creds", "-o", "yaml"))
    assert "stringData" not in secret
    assert {k: base64.b64decode(v).decode() for k, v in secret["data"].items()} == {
        "user": "admin",
        "password": "s3cret",
    }
    assert secret["type"] == "Opaque"


def test_every_kind_listed_across_namespaces_then_deleted(applied: Kubectl) -> None:
    rows = _table(applied, "sts,ds,job,cm,secret", "-A")
    names = {row[1] for row in rows if row and row[0] == "default"}
    assert names >= {
        "statefulset.apps/web",
        "daemonset.apps/agent",
        "job.batch/pi",
        "configmap/settings",
        "secret/creds",
    }
    deleted = applied("delete", "-f", "-", stdin=MANIFESTS).splitlines()
    assert [line.split(" ")[0] for line in deleted] == [
        "statefulset.apps",
        "daemonset.apps",
        "job.batch",
        "configmap",
        "secret",
    ]
    result = applied.run("get", "sts,ds,job,cm,secret", check=False)
    assert result.stdout == ""
    assert result.stderr.strip() == "No resources found in default namespace."


def test_kubectl_create_configmap_and_secret_send_protobuf(kubectl: Kubectl) -> None:
    """Both are sent as application/vnd.kubernetes.protobuf (core/v1 generated.proto)."""
    assert kubectl("create", "configmap", "c", "--from-literal=x=1", "--from-literal=y=2") == (
        "configmap/c created\n"
    )
    assert kubectl("create", "secret", "generic", "s", "--from-literal=token=hello") == (
        "secret/s created\n"
    )
    assert yaml.safe_load(kubectl("get", "cm", "c", "-o", "yaml"))["data"] == {"x": "1", "y": "2"}
    secret = yaml.safe_load(kubectl("get", "secret", "s", "-o", "yaml"))
    assert (secret["type"], secret["data"]) == ("Opaque", {"token": "aGVsbG8="})
