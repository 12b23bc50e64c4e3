"""The official Python client against the demo cluster: list, watch, patch scale, delete, 410."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kubernetes import client, config, watch
from kubernetes.client.exceptions import ApiException

from k9lite.demo.cluster import DemoCluster
from tests.conftest import running_pods, wait_for


@pytest.fixture
def api(cluster: DemoCluster) -> Iterator[client.ApiClient]:
    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig_path))
    yield api_client
    api_client.close()


def test_list_pods_and_services(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    pods = core.list_namespaced_pod("default", label_selector="app=hostname-server")
    assert len(pods.items) == 2
    assert all(p.status.pod_ip.startswith("127.244.") and p.spec.node_name for p in pods.items)
    services = {s.metadata.name: s for s in core.list_service_for_all_namespaces().items}
    assert services["nodeport-hostname-service"].spec.ports[0].node_port == 30080
    assert services["svc-3"].status.load_balancer.ingress[0].ip.startswith("127.0.2.")


def test_patch_scale_is_watched(api: client.ApiClient, cluster: DemoCluster) -> None:
    apps = client.AppsV1Api(api)
    core = client.CoreV1Api(api)
    listed = core.list_namespaced_pod("default", label_selector="app=hostname-server")
    # The client sends a dict body as a strategic merge patch.
    scale = apps.patch_namespaced_deployment_scale(
        "hostname-server", "default", {"spec": {"replicas": 3}}
    )
    assert scale.spec.replicas == 3
    added = set()
    for event in watch.Watch().stream(
        core.list_namespaced_pod,
        "default",
        label_selector="app=hostname-server",
        resource_version=listed.metadata.resource_version,
        timeout_seconds=10,
    ):
        if event["type"] == "ADDED":
            added.add(event["object"].metadata.name)
            break
    assert len(added) == 1
    assert added <= {p.metadata.name for p in core.list_namespaced_pod("default").items}


def test_a_replica_set_scaled_to_zero_still_says_replicas_0(
    api: client.ApiClient, cluster: DemoCluster
) -> None:
    """ReplicaSetStatus.replicas has no omitempty (k8s.io/api apps/v1 types.go), and the client
    refuses a status without it (a ValidationError reading the ReplicaSet)."""
    apps = client.AppsV1Api(api)
    apps.patch_namespaced_deployment_scale("hostname-server", "default", {"spec": {"replicas": 0}})
    wait_for(lambda: not running_pods(cluster, "hostname-server-"), message="no pods")

    def emptied() -> list[client.V1ReplicaSet]:
        sets = apps.list_namespaced_replica_set("default", label_selector="app=hostname-server")
        return [rs for rs in sets.items if rs.status.replicas == 0 and rs.spec.replicas == 0]

    (emptied_set,) = wait_for(emptied, message="the ReplicaSet's status at 0 replicas")
    raw = apps.read_namespaced_replica_set(
        emptied_set.metadata.name, "default", _preload_content=False
    )
    assert '"replicas":0' in raw.data.decode().split('"status"', 1)[1]


def test_delete_deployment_cascades(api: client.ApiClient, cluster: DemoCluster) -> None:
    apps = client.AppsV1Api(api)
    apps.delete_namespaced_deployment("hostname-server", "default", propagation_policy="Background")
    with pytest.raises(ApiException) as missing:
        apps.read_namespaced_deployment("hostname-server", "default")
    assert missing.value.status == 404
    wait_for(
        lambda: (
            not running_pods(cluster, "hostname-server-")
            and not apps.list_namespaced_replica_set(
                "default", label_selector="app=hostname-server"
            ).items
        ),
        message="the ReplicaSet and pods to be garbage-collected",
    )


def test_watch_after_history_expiry_gets_410_and_relist_recovers(
    api: client.ApiClient, cluster: DemoCluster
) -> None:
    core = client.CoreV1Api(api)
    listed = core.list_namespaced_pod("default")
    old_version = listed.metadata.resource_version
    client.AppsV1Api(api).patch_namespaced_deployment_scale(
        "pod", "default", {"spec": {"replicas": 3}}
    )
    wait_for(lambda: len(running_pods(cluster, "pod-")) == 3, message="a third pod")
    cluster.expire_watch_history()
    with pytest.raises(ApiException) as expired:
        for _ in watch.Watch().stream(
            core.list_namespaced_pod, "default", resource_version=old_version, timeout_seconds=5
        ):
            pass
    assert expired.value.status == 410
    relisted = core.list_namespaced_pod("default")
    names = {p.metadata.name for p in relisted.items}
    assert set(running_pods(cluster, "")) <= names
    assert len([n for n in names if n.startswith("pod-")]) == 3
