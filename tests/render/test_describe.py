"""describe(): kubectl describe's text for Services, Pods, Deployments, Nodes and Namespaces.

Expected texts were checked line by line against `kubectl describe` (v1.32) run on the demo
cluster with the same objects; lines kubectl prints from data k9lite does not watch (events,
volumes, IP families, resources) are left out.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

import pytest

from k9lite.model.state import ClusterState
from k9lite.render.describe import describe
from tests.model.manifests import (
    STARTED,
    deployment,
    endpoint,
    endpoint_slice,
    metadata,
    node,
    replica_set,
    running_pod,
    service,
)

NOW = datetime(2024, 5, 1, 10, 5, 0, tzinfo=timezone.utc)
W2_SERVICE = "clusterip-hostname-service"
POD1 = "hostname-server-54dd5f4bf-n6zwj"
POD2 = "hostname-server-54dd5f4bf-zc4h7"
RS = ("ReplicaSet", "hostname-server-54dd5f4bf", "uid-default-hostname-server-54dd5f4bf")


def _state(**kinds: list[dict[str, Any]]) -> ClusterState:
    state = ClusterState()
    for kind, raws in kinds.items():
        state.replace(kind, raws)
    return state


def _w2_service(**spec: Any) -> dict[str, Any]:
    return service(
        W2_SERVICE,
        selector={"app": "hostname-server"},
        spec={"clusterIP": "127.96.89.1", "clusterIPs": ["127.96.89.1"], **spec},
    )


def _w2_pods() -> list[dict[str, Any]]:
    return [
        running_pod(POD1, node="worker1", ip="127.244.2.2", owner=RS),
        running_pod(POD2, node="worker2", ip="127.244.3.2", owner=RS),
    ]


def _slice(*ips: str, ready: bool = True, name: str = "w2-abcde") -> dict[str, Any]:
    endpoints = [endpoint(ip, f"pod-{ip}", ready=ready) for ip in ips]
    return endpoint_slice(name, W2_SERVICE, endpoints=endpoints)


def _describe_service(slices: list[dict[str, Any]], pods: list[dict[str, Any]]) -> str:
    state = _state(services=[_w2_service()], endpointslices=slices, pods=pods)
    svc = state.get("services", "default", W2_SERVICE)
    assert svc is not None
    return describe("services", svc, state, now=NOW)


def _line(text: str, key: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(key))


# -- Services --------------------------------------------------------------------------------------


def test_w2_service_reads_as_kubectl_describe_svc() -> None:
    text = _describe_service([_slice("127.244.2.2", "127.244.3.2")], _w2_pods())
    assert text == (
        "Name:                     clusterip-hostname-service\n"
        "Namespace:                default\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 app=hostname-server\n"
        "Type:                     ClusterIP\n"
        "IP:                       127.96.89.1\n"
        "IPs:                      127.96.89.1\n"
        "Port:                     <unset>  8080/TCP\n"
        "TargetPort:               80/TCP\n"
        "Endpoints:                127.244.2.2:80,127.244.3.2:80\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Pods:\n"
        "  Name                             Ready  Status   IP           Node\n"
        "  ----                             -----  ------   --           ----\n"
        "  hostname-server-54dd5f4bf-n6zwj  1/1    Running  127.244.2.2  worker1\n"
        "  hostname-server-54dd5f4bf-zc4h7  1/1    Running  127.244.3.2  worker2\n"
    )


def test_service_keys_share_one_column() -> None:
    text = _describe_service([_slice("127.244.2.2")], [])
    for line in text.splitlines():
        key, _, value = line.partition(":")
        assert len(key) + 1 + len(value) - len(value.lstrip()) == len("Internal Traffic Policy:  ")


@pytest.mark.parametrize("slices", [[], [_slice()]], ids=["no slice", "empty slice"])
def test_service_without_endpoints_says_none(slices: list[dict[str, Any]]) -> None:
    text = _describe_service(slices, [])
    assert _line(text, "Endpoints:") == "Endpoints:                <none>"
    assert _line(text, "Pods:") == "Pods:                     <none>"
    assert "Not ready:" not in text


def test_service_with_five_endpoints_shows_three_and_a_count() -> None:
    ips = [f"10.0.0.{n}" for n in range(1, 6)]
    text = _describe_service([_slice(*ips)], [])
    assert _line(text, "Endpoints:") == (
        "Endpoints:                10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
    )


def test_not_ready_endpoints_are_listed_apart() -> None:
    # kubectl leaves not-ready endpoints out of Endpoints (and out of its "+ N more" count).
    slices = [
        _slice("10.0.0.1", "10.0.0.3", name="w2-a"),
        _slice("10.0.0.2", "10.0.0.4", ready=False, name="w2-b"),
    ]
    text = _describe_service(slices, [])
    assert _line(text, "Endpoints:") == "Endpoints:                10.0.0.1:80,10.0.0.3:80"
    assert _line(text, "Not ready:") == "Not ready:                10.0.0.2:80,10.0.0.4:80"


def test_each_port_lists_the_endpoints_of_its_slice_port() -> None:
    raw = _w2_service(
        type="LoadBalancer",
        ports=[
            {"name": "http", "port": 80, "targetPort": "web", "nodePort": 30080, "protocol": "TCP"},
            {"name": "dns", "port": 53, "targetPort": 5353, "nodePort": 30053, "protocol": "UDP"},
        ],
        externalTrafficPolicy="Local",
        externalIPs=["198.51.100.9"],
    )
    raw["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}, {"hostname": "lb.x"}]}}
    slice_ = _slice("10.0.0.1")
    slice_["ports"] = [
        {"name": "http", "port": 8080, "protocol": "TCP"},
        {"name": "dns", "port": 5353, "protocol": "UDP"},
    ]
    state = _state(services=[raw], endpointslices=[slice_])
    svc = state.get("services", "default", W2_SERVICE)
    assert svc is not None
    text = describe("services", svc, state, now=NOW)
    assert text.splitlines()[5:] == [
        "Type:                     LoadBalancer",
        "IP:                       127.96.89.1",
        "IPs:                      127.96.89.1",
        "External IPs:             198.51.100.9",
        "LoadBalancer Ingress:     203.0.113.7, lb.x",
        "Port:                     http  80/TCP",
        "TargetPort:               web/TCP",
        "NodePort:                 http  30080/TCP",
        "Endpoints:                10.0.0.1:8080",
        "Port:                     dns  53/UDP",
        "TargetPort:               5353/UDP",
        "NodePort:                 dns  30053/UDP",
        "Endpoints:                10.0.0.1:5353",
        "Session Affinity:         None",
        "External Traffic Policy:  Local",
        "Internal Traffic Policy:  Cluster",
        "Pods:                     <none>",
    ]


# -- Pods ------------------------------------------------------------------------------------------


def _crashlooping_pod() -> dict[str, Any]:
    raw = running_pod(POD1, node="worker1", ip="127.244.2.2", owner=RS)
    raw["metadata"]["labels"]["pod-template-hash"] = "54dd5f4bf"
    status = raw["status"]
    status["conditions"] = [
        {"type": "Ready", "status": "False", "reason": "ContainersNotReady"},
        {"type": "PodScheduled", "status": "True"},
    ]
    status["containerStatuses"] = [
        {
            "name": "hostname-server",
            "image": "takytaky/hostname",
            "ready": False,
            "started": False,
            "restartCount": 5,
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s"}},
            "lastState": {
                "terminated": {
                    "exitCode": 1,
                    "reason": "Error",
                    "startedAt": "2024-05-01T10:03:50Z",
                    "finishedAt": "2024-05-01T10:03:55Z",
                }
            },
        }
    ]
    return raw


def test_crashlooping_pod_reads_as_kubectl_describe_pod() -> None:
    state = _state(pods=[_crashlooping_pod()])
    pod = state.get("pods", "default", POD1)
    assert pod is not None
    assert describe("pods", pod, state, now=NOW) == (
        "Name:         hostname-server-54dd5f4bf-n6zwj\n"
        "Namespace:    default\n"
        "Node:         worker1/172.30.1.10\n"
        "Start Time:   Wed, 01 May 2024 10:00:05 +0000\n"
        "Labels:       app=hostname-server\n"
        "              pod-template-hash=54dd5f4bf\n"
        "Annotations:  <none>\n"
        "Status:       Running\n"
        "IP:           127.244.2.2\n"
        "IPs:\n"
        "  IP:           127.244.2.2\n"
        "Controlled By:  ReplicaSet/hostname-server-54dd5f4bf\n"
        "Containers:\n"
        "  hostname-server:\n"
        "    Image:          takytaky/hostname\n"
        "    Port:           80/TCP\n"
        "    State:          Waiting\n"
        "      Reason:       CrashLoopBackOff\n"
        "    Last State:     Terminated\n"
        "      Reason:       Error\n"
        "      Exit Code:    1\n"
        "      Started:      Wed, 01 May 2024 10:03:50 +0000\n"
        "      Finished:     Wed, 01 May 2024 10:03:55 +0000\n"
        "    Ready:          False\n"
        "    Restart Count:  5\n"
        "Conditions:\n"
        "  Type           Status\n"
        "  Ready          False\n"
        "  PodScheduled   True\n"
    )


def test_running_terminating_and_pending_pods() -> None:
    running = running_pod(POD2, node="worker2", ip="127.244.3.2")
    terminating = copy.deepcopy(running)
    terminating["metadata"]["deletionTimestamp"] = "2024-05-01T10:04:30Z"
    pending = {
        "metadata": metadata("pending"),
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        "status": {"phase": "Pending"},
    }
    pod = _state(pods=[running]).get("pods", "default", POD2)
    assert pod is not None
    text = describe("pods", pod, ClusterState(), now=NOW)
    assert "    State:          Running\n      Started:      Wed, 01 May 2024 10:00:05" in text
    assert _line(text, "    Ready:") == "    Ready:          True"
    pod = _state(pods=[terminating]).get("pods", "default", POD2)
    assert pod is not None
    text = describe("pods", pod, ClusterState(), now=NOW)
    assert _line(text, "Status:") == "Status:       Terminating (lasts 30s)"
    pod = _state(pods=[pending]).get("pods", "default", "pending")
    assert pod is not None
    text = describe("pods", pod, ClusterState(), now=NOW)
    assert _line(text, "Node:") == "Node:         <none>"
    assert _line(text, "IPs:") == "IPs:          <none>"
    assert "    Port:   <none>" in text
    assert "State:" not in text  # no status reported yet


# -- Deployments -----------------------------------------------------------------------------------


def test_deployment_reads_as_kubectl_describe_deployment() -> None:
    labels = {"app": "hostname-server"}
    container = {
        "name": "hostname-server",
        "image": "takytaky/hostname",
        "ports": [{"containerPort": 80}],
    }
    raw = deployment(
        "hostname-server", labels=labels, pod_labels=labels, replicas=2, container=container
    )
    owner = ("Deployment", "hostname-server", "uid-default-hostname-server")
    hashed = {**labels, "pod-template-hash": "54dd5f4bf"}
    new = replica_set("hostname-server-54dd5f4bf", pod_labels=hashed, replicas=2, owner=owner)
    new["spec"]["template"]["spec"]["containers"] = [container]
    old = replica_set("hostname-server-7c9f", pod_labels=hashed, replicas=0, owner=owner)
    older = replica_set("hostname-server-6b8d", pod_labels=hashed, replicas=1, owner=owner)
    state = _state(
        deployments=[raw], replicasets=[new, old, older], pods=[_crashlooping_pod(), _w2_pods()[1]]
    )
    d = state.get("deployments", "default", "hostname-server")
    assert d is not None
    assert describe("deployments", d, state, now=NOW) == (
        "Name:               hostname-server\n"
        "Namespace:          default\n"
        "CreationTimestamp:  Wed, 01 May 2024 10:00:00 +0000\n"
        "Labels:             app=hostname-server\n"
        "Annotations:        <none>\n"
        "Selector:           app=hostname-server\n"
        "Replicas:           2 desired | 2 updated | 2 total | 2 available | 0 unavailable\n"
        "StrategyType:       RollingUpdate\n"
        "Pod Template:\n"
        "  Labels:  app=hostname-server\n"
        "  Containers:\n"
        "   hostname-server:\n"
        "    Image:  takytaky/hostname\n"
        "    Port:   80/TCP\n"
        "Conditions:\n"
        "  Type           Status  Reason\n"
        "  ----           ------  ------\n"
        "  Available      True    MinimumReplicasAvailable\n"
        "  Progressing    True    NewReplicaSetAvailable\n"
        "OldReplicaSets:  hostname-server-6b8d (1/1 replicas created)\n"
        "NewReplicaSet:   hostname-server-54dd5f4bf (2/2 replicas created)\n"
        "Pods:\n"
        "  Name                             Ready  Status            IP           Node\n"
        "  ----                             -----  ------            --           ----\n"
        "  hostname-server-54dd5f4bf-n6zwj  0/1    CrashLoopBackOff  127.244.2.2  worker1\n"
        "  hostname-server-54dd5f4bf-zc4h7  1/1    Running           127.244.3.2  worker2\n"
    )


# -- Nodes and Namespaces --------------------------------------------------------------------------


def test_node_reads_as_kubectl_describe_node() -> None:
    raw = node(
        "master",
        "172.30.1.25",
        labels={"kubernetes.io/hostname": "master", "node-role.kubernetes.io/control-plane": ""},
    )
    raw["status"]["conditions"][0]["lastTransitionTime"] = STARTED
    done = running_pod("job-x", "batch", node="master")
    done["status"]["phase"] = "Succeeded"
    pods = [running_pod("web-1", "shop", node="master"), done, running_pod("elsewhere")]
    state = _state(nodes=[raw], pods=pods)
    found = state.get("nodes", "", "master")
    assert found is not None
    assert describe("nodes", found, state, now=NOW) == (
        "Name:               master\n"
        "Roles:              control-plane\n"
        "Labels:             kubernetes.io/hostname=master\n"
        "                    node-role.kubernetes.io/control-plane=\n"
        "Annotations:        <none>\n"
        "CreationTimestamp:  Wed, 01 May 2024 10:00:00 +0000\n"
        "Unschedulable:      false\n"
        "Conditions:\n"
        # kubectl ends these cells with a space, so the time column is one wider.
        "  Type    Status  LastTransitionTime                Reason         Message\n"
        "  ----    ------  ------------------                ------         -------\n"
        "  Ready   True    Wed, 01 May 2024 10:00:05 +0000   KubeletReady   "
        "kubelet is posting ready status\n"
        "Addresses:\n"
        "  InternalIP:  172.30.1.25\n"
        "  Hostname:    master\n"
        "System Info:\n"
        "  Kubelet Version:    v1.30.2\n"
        "PodCIDR:              192.168.235.128/26\n"
        "PodCIDRs:             192.168.235.128/26\n"
        "Non-terminated Pods:  (1 in total)\n"
        "  Namespace           Name   Age\n"
        "  ---------           ----   ---\n"
        "  shop                web-1  5m\n"
    )


def test_namespace_reads_as_kubectl_describe_namespace() -> None:
    raw = {
        "metadata": metadata(
            "shop",
            "",
            labels={"kubernetes.io/metadata.name": "shop"},
            annotations={
                "owner": "team-a",
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
            },
        ),
        "status": {"phase": "Terminating"},
    }
    state = _state(namespaces=[raw])
    ns = state.get("namespaces", "", "shop")
    assert ns is not None
    assert describe("namespaces", ns, state, now=NOW) == (
        "Name:         shop\n"
        "Labels:       kubernetes.io/metadata.name=shop\n"
        "Annotations:  owner: team-a\n"
        "Status:       Terminating\n"
    )


# -- Other kinds -----------------------------------------------------------------------------------


def test_other_kinds_show_their_metadata() -> None:
    labels = {"app": "web"}
    raw = replica_set("web-5d8f", pod_labels=labels, replicas=1, owner=("Deployment", "web", "u"))
    raw["metadata"]["annotations"] = {"note": "x" * 200}
    state = _state(replicasets=[raw])
    rs = state.get("replicasets", "default", "web-5d8f")
    assert rs is not None
    assert describe("replicasets", rs, state, now=NOW) == (
        "Name:               web-5d8f\n"
        "Namespace:          default\n"
        "CreationTimestamp:  Wed, 01 May 2024 10:00:00 +0000\n"
        "Labels:             app=web\n"
        f"Annotations:        note: {'x' * 134}...\n"
        "Controlled By:      Deployment/web\n"
    )


def test_a_kind_given_the_wrong_object_is_a_caller_bug() -> None:
    state = _state(pods=_w2_pods())
    pod = state.get("pods", "default", POD1)
    assert pod is not None
    with pytest.raises(TypeError, match="Service"):
        describe("services", pod, state, now=NOW)
