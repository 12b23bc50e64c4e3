"""managedFields as the real server keeps them: exact FieldsV1 against the recording, and the
owners after create, patch, label, scale and status writes over real HTTPS with real clients.

The rules followed are structured-merge-diff's (kubernetes-sigs/structured-merge-diff
`typed/compare.go`, `merge/update.go`): an Update's manager owns what it added or changed, and
the others lose it; `.` marks a node the manager created.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from kubernetes import client, config

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.managed_fields import track, writing_as
from k9lite.demo.store import clone
from tests.conftest import Kubectl, wait_for
from tests.demo.kinds import strategy
from tests.demo.test_api_errors import connect

RECORDED = Path(__file__).with_name("differential") / "recorded"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"


def _entries(obj: dict[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {
        (e["manager"], e.get("subresource")): e for e in obj["metadata"].get("managedFields", ())
    }


def test_a_created_deployment_is_owned_field_by_field_as_recorded() -> None:
    recorded = json.loads((RECORDED / "deployments.json").read_text())["body"]["items"][0]
    applied = json.loads(
        recorded["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    )
    applied["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": "{}"}
    strategy("deployments").defaults(applied)
    with writing_as("kubectl-client-side-apply"):
        track("Deployment", "apps/v1", applied, None)
    (entry,) = applied["metadata"]["managedFields"]
    expected = _entries(recorded)[("kubectl-client-side-apply", None)]
    # The recorded owner of spec.replicas moved to the scale subresource's manager. (A copy:
    # FieldsV1 nodes are shared with every equal node, and never changed in place.)
    fields = clone(entry["fieldsV1"])
    del fields["f:spec"]["f:replicas"]
    assert fields == expected["fieldsV1"]
    assert entry["operation"] == "Update" and entry["apiVersion"] == "apps/v1"


@pytest.fixture
def http(cluster: DemoCluster) -> Iterator[httpx.Client]:
    with connect(cluster) as raw:
        yield raw


def test_kubectl_and_the_client_keep_their_own_fields(
    cluster: DemoCluster, kubectl: Kubectl, http: httpx.Client
) -> None:
    kubectl("create", "deployment", "owned", "--image=nginx:1.27", "--replicas=1")
    kubectl("label", "deployment", "owned", "tier=web")
    api = config.new_client_from_config(config_file=str(cluster.kubeconfig_path))
    try:
        client.AppsV1Api(api).patch_namespaced_deployment_scale(
            "owned", "default", {"spec": {"replicas": 2}}
        )
    finally:
        api.close()
    patched = http.patch(
        f"{DEPLOY}/owned?fieldManager=alice",
        content=b'{"spec":{"minReadySeconds":5}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text

    def settled() -> dict[str, Any] | None:
        deploy: dict[str, Any] = http.get(f"{DEPLOY}/owned").json()
        return deploy if ("kube-controller-manager", "status") in _entries(deploy) else None

    entries = _entries(wait_for(settled, message="the controller's status entry"))
    created = entries[("kubectl-create", None)]["fieldsV1"]
    assert "f:template" in created["f:spec"]
    # Ownership moved: the scale subresource's manager owns replicas now, alice minReadySeconds.
    assert "f:replicas" not in created["f:spec"]
    assert entries[("OpenAPI-Generator", "scale")]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert "time" not in entries[("OpenAPI-Generator", "scale")]
    assert entries[("alice", None)]["fieldsV1"] == {"f:spec": {"f:minReadySeconds": {}}}
    assert entries[("kubectl-label", None)]["fieldsV1"] == {
        "f:metadata": {"f:labels": {"f:tier": {}}}
    }
    status = entries[("kube-controller-manager", "status")]["fieldsV1"]
    assert "f:conditions" in status["f:status"]


def test_pods_carry_the_creator_and_their_kubelets_status(http: httpx.Client) -> None:
    pods = http.get("/api/v1/namespaces/default/pods").json()["items"]
    owned = [p for p in pods if p["metadata"].get("ownerReferences")]
    assert owned, "the default scenario has controller-made pods"
    for pod in owned:
        entries = _entries(pod)
        spec = entries[("kube-controller-manager", None)]["fieldsV1"]["f:spec"]
        # Admission adds the token volume after the field manager ran: nobody owns it.
        assert "f:volumes" not in spec and "f:serviceAccountName" not in spec
        assert pod["spec"]["volumes"][0]["name"].startswith("kube-api-access-")
        kubelet = entries[("kubelet", "status")]["fieldsV1"]["f:status"]
        assert {"f:podIP", "f:phase", "f:containerStatuses"} <= kubelet.keys()
        assert ("kube-scheduler", None) not in entries, "a binding is no update"
