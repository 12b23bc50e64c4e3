"""The demo's default scenario as fixed raw objects, for snapshot tests that need no cluster.

W2, W3, W5 and W6 on master, worker1 and worker2, shaped as the demo's API server returns them
(listed once with `kubectl get -o json`), with fixed names, IPs, uids and creation times so that
every run draws the same screen: pod suffixes and ClusterIPs are the ones a seeded demo chose.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from kubernetes.client import Configuration

from k9lite.kube.config import Connection
from k9lite.kube.feed import StateFeed
from k9lite.kube.watch import KindStatus
from k9lite.ui.session import Session

__all__ = ["KINDS", "NOW", "connection", "feed", "raw_objects"]

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
"""The fixed "now" of every snapshot: ages are measured from it."""

KINDS = (
    "namespaces", "nodes", "pods", "services", "endpointslices", "deployments", "replicasets",
    "ingresses",
)  # fmt: skip

# When each part of the walkthrough was applied, before NOW.
_CLUSTER_AGE = timedelta(days=3, hours=4)
_W2_AGE = timedelta(hours=2, minutes=10)
_W3_AGE = timedelta(hours=1, minutes=35)
_W5_AGE = timedelta(minutes=42)
_W6_AGE = timedelta(minutes=12, seconds=30)

_NODES = {"master": "127.0.1.1", "worker1": "127.0.1.2", "worker2": "127.0.1.3"}
_POD_CIDRS = {"master": "127.244.1.0/24", "worker1": "127.244.2.0/24", "worker2": "127.244.3.0/24"}


def _time(age: timedelta) -> str:
    return (NOW - age).strftime("%Y-%m-%dT%H:%M:%SZ")


def _uid(kind: str, namespace: str, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"k9lite-demo/{kind}/{namespace}/{name}"))


def _meta(
    kind: str, name: str, age: timedelta, namespace: str = "", **extra: Any
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "creationTimestamp": _time(age),
        "name": name,
        "resourceVersion": "1",
        "uid": _uid(kind, namespace, name),
        **extra,
    }
    if namespace:
        meta["namespace"] = namespace
    return meta


def _owner(kind: str, name: str, namespace: str) -> list[dict[str, Any]]:
    api = "v1" if kind == "Service" else "apps/v1"
    return [
        {"apiVersion": api, "blockOwnerDeletion": True, "controller": True, "kind": kind,
         "name": name, "uid": _uid(kind, namespace, name)}
    ]  # fmt: skip


def _namespace(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": _meta("Namespace", name, _CLUSTER_AGE,
                          labels={"kubernetes.io/metadata.name": name}),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }  # fmt: skip


def _node(name: str) -> dict[str, Any]:
    labels = {
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
    }  # fmt: skip
    spec: dict[str, Any] = {"podCIDR": _POD_CIDRS[name], "podCIDRs": [_POD_CIDRS[name]]}
    if name == "master":
        labels["node-role.kubernetes.io/control-plane"] = ""
        spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": _meta("Node", name, _CLUSTER_AGE, labels=labels),
        "spec": spec,
        "status": {
            "addresses": [
                {"address": _NODES[name], "type": "InternalIP"},
                {"address": name, "type": "Hostname"},
            ],
            "allocatable": {"cpu": "2", "memory": "3923780Ki", "pods": "110"},
            "capacity": {"cpu": "2", "memory": "4026180Ki", "pods": "110"},
            "conditions": [
                {
                    "message": "kubelet is posting ready status",
                    "reason": "KubeletReady",
                    "status": "True",
                    "type": "Ready",
                }
            ],  # fmt: skip
            "nodeInfo": {
                "architecture": "amd64",
                "containerRuntimeVersion": "k9lite-demo://0.1.0",
                "kubeletVersion": "v1.37.1",
                "kubeProxyVersion": "v1.37.1",
                "operatingSystem": "linux",
                "osImage": "k9lite demo node",
            },  # fmt: skip
        },
    }


def _container(name: str, image: str, port: dict[str, Any] | None) -> dict[str, Any]:
    container: dict[str, Any] = {
        "image": image, "imagePullPolicy": "Always", "name": name, "resources": {},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
    }  # fmt: skip
    if port is not None:
        container["ports"] = [{**port, "protocol": "TCP"}]
    return container


# name, replicas, Deployment labels, pod labels, container, image, port, age, pod hash
_Workload = tuple[str, int, dict[str, str], dict[str, str], str, str, dict[str, Any] | None,
                  timedelta, str]  # fmt: skip
_WORKLOADS: tuple[_Workload, ...] = (
    ("hostname-server", 2, {"app": "hostname-server"}, {"app": "hostname-server"},
     "hostname-server", "takytaky/hostname", {"containerPort": 80}, _W2_AGE, "54dd5f4bf"),
    ("pod", 2, {"app": "pod"}, {"app": "pod"},
     "web", "takytaky/hostname", {"containerPort": 8080, "name": "http"}, _W5_AGE, "8b948dc77"),
    # W6: the Deployment's own label is not its pods' label, and my-service selects the former.
    ("my-deployment", 3, {"app": "my-app-2"}, {"app": "my-app"},
     "my-container", "my-image", None, _W6_AGE, "95b67447b"),
)  # fmt: skip

# pod name -> (node, pod IP): where the seeded demo's scheduler and kubelets put them.
_PODS = {
    "hostname-server-54dd5f4bf-2q8jf": ("worker1", "127.244.2.2"),
    "hostname-server-54dd5f4bf-ft7st": ("worker2", "127.244.3.2"),
    "pod-8b948dc77-b2wbq": ("worker2", "127.244.3.4"),
    "pod-8b948dc77-xfnbb": ("worker1", "127.244.2.5"),
    "my-deployment-95b67447b-sl68k": ("worker1", "127.244.2.3"),
    "my-deployment-95b67447b-tb9qr": ("worker2", "127.244.3.3"),
    "my-deployment-95b67447b-z77b5": ("worker1", "127.244.2.4"),
}


def _template(labels: dict[str, str], container: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": {"labels": labels},
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                 "schedulerName": "default-scheduler", "securityContext": {},
                 "terminationGracePeriodSeconds": 30},
    }  # fmt: skip


def _workload(w: _Workload) -> dict[str, list[dict[str, Any]]]:
    """A Deployment, its ReplicaSet and its Running, Ready pods."""
    name, replicas, labels, pod_labels, c_name, image, port, age, pod_hash = w
    container = _container(c_name, image, port)
    counts = {"availableReplicas": replicas, "readyReplicas": replicas, "replicas": replicas,
              "observedGeneration": 1}  # fmt: skip
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta("Deployment", name, age, "default", generation=1, labels=labels),
        "spec": {"progressDeadlineSeconds": 600, "replicas": replicas, "revisionHistoryLimit": 10,
                 "selector": {"matchLabels": pod_labels},
                 "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                              "type": "RollingUpdate"},
                 "template": _template(pod_labels, container)},
        "status": {**counts, "updatedReplicas": replicas, "conditions": [
            {"lastTransitionTime": _time(age), "lastUpdateTime": _time(age),
             "message": "Deployment has minimum availability.",
             "reason": "MinimumReplicasAvailable", "status": "True", "type": "Available"}]},
    }  # fmt: skip
    rs_name = f"{name}-{pod_hash}"
    rs_labels = {**pod_labels, "pod-template-hash": pod_hash}
    replica_set = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": _meta("ReplicaSet", rs_name, age, "default", generation=1, labels=rs_labels,
                          ownerReferences=_owner("Deployment", name, "default"),
                          annotations={"deployment.kubernetes.io/revision": "1"}),
        "spec": {"replicas": replicas, "selector": {"matchLabels": rs_labels},
                 "template": _template(rs_labels, container)},
        "status": {**counts, "fullyLabeledReplicas": replicas},
    }  # fmt: skip
    pods = []
    for pod_name in sorted(p for p in _PODS if p.startswith(f"{rs_name}-")):
        node, ip = _PODS[pod_name]
        started = _time(age - timedelta(seconds=4))
        pods.append({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": _meta("Pod", pod_name, age, "default", labels=rs_labels,
                              ownerReferences=_owner("ReplicaSet", rs_name, "default")),
            "spec": {**_template(rs_labels, container)["spec"], "nodeName": node,
                     "enableServiceLinks": True},
            "status": {
                "conditions": [
                    {"lastProbeTime": None, "lastTransitionTime": started, "status": "True",
                     "type": kind}
                    for kind in ("PodScheduled", "Initialized", "Ready", "ContainersReady")
                ],
                "containerStatuses": [
                    {"containerID": f"containerd://{_uid('Container', pod_name, c_name)}",
                     "image": image, "imageID": f"docker.io/{image}@sha256:{pod_hash * 7}",
                     "name": c_name, "ready": True, "restartCount": 0, "started": True,
                     "state": {"running": {"startedAt": started}}}
                ],
                "hostIP": _NODES[node], "hostIPs": [{"ip": _NODES[node]}], "phase": "Running",
                "podIP": ip, "podIPs": [{"ip": ip}], "qosClass": "BestEffort",
                "startTime": started,
            },
        })  # fmt: skip
    return {"deployments": [deployment], "replicasets": [replica_set], "pods": pods}


# name, type, ClusterIP, ports, selector, age, LoadBalancer ingress IP
_SERVICES: tuple[tuple[str, str, str, dict[str, Any], dict[str, str] | None, timedelta, str], ...]
_SERVICES = (
    ("kubernetes", "ClusterIP", "127.96.0.1",
     {"name": "https", "port": 443, "targetPort": 6443}, None, _CLUSTER_AGE, ""),
    ("clusterip-hostname-service", "ClusterIP", "127.96.34.103",
     {"port": 8080, "targetPort": 80}, {"app": "hostname-server"}, _W2_AGE, ""),
    ("nodeport-hostname-service", "NodePort", "127.96.145.185",
     {"nodePort": 30080, "port": 8080, "targetPort": 80}, {"app": "hostname-server"}, _W3_AGE, ""),
    ("svc-3", "LoadBalancer", "127.96.216.243",
     {"nodePort": 30259, "port": 9000, "targetPort": 8080}, {"app": "pod"}, _W5_AGE, "127.0.2.1"),
    ("my-service", "ClusterIP", "127.96.65.78",
     {"port": 80, "targetPort": 4000}, {"app": "my-app-2"}, _W6_AGE, ""),
)  # fmt: skip


def _service(name: str, kind: str, ip: str, port: dict[str, Any], selector: dict[str, str] | None,
             age: timedelta, lb_ip: str) -> dict[str, Any]:  # fmt: skip
    spec: dict[str, Any] = {
        "clusterIP": ip, "clusterIPs": [ip], "internalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
        "ports": [{**port, "protocol": "TCP"}], "sessionAffinity": "None", "type": kind,
    }  # fmt: skip
    if selector is not None:
        spec["selector"] = selector
    if kind != "ClusterIP":
        spec["externalTrafficPolicy"] = "Cluster"
    if kind == "LoadBalancer":
        spec["allocateLoadBalancerNodePorts"] = True
    labels = {"component": "apiserver", "provider": "kubernetes"} if selector is None else None
    extra = {"labels": labels} if labels else {}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta("Service", name, age, "default", **extra),
        "spec": spec,
        "status": {"loadBalancer": {"ingress": [{"ip": lb_ip, "ipMode": "VIP"}]} if lb_ip else {}},
    }


def _endpoint_slice(service: dict[str, Any], pods: list[dict[str, Any]]) -> dict[str, Any]:
    """The EndpointSlice controller's slice: the Ready pods the selector matches."""
    name = service["metadata"]["name"]
    spec = service["spec"]
    selector = spec.get("selector")
    port = spec["ports"][0]
    ports: list[dict[str, Any]] | None
    if selector is None:  # the `kubernetes` Service: the API server itself, named port
        endpoints = [{"addresses": ["127.0.0.1"], "conditions": {"ready": True}}]
        ports = [{"name": port["name"], "port": port["targetPort"], "protocol": "TCP"}]
    else:
        chosen = [p for p in pods if selector.items() <= p["metadata"]["labels"].items()]
        endpoints = [
            {"addresses": [p["status"]["podIP"]],
             "conditions": {"ready": True, "serving": True, "terminating": False},
             "nodeName": p["spec"]["nodeName"],
             "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": "default",
                           "uid": p["metadata"]["uid"]}}
            for p in chosen
        ]  # fmt: skip
        ports = [{"name": "", "port": port["targetPort"], "protocol": "TCP"}] if chosen else None
    labels = {"kubernetes.io/service-name": name}
    if selector is not None:
        labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io"
    slice_name = name if selector is None else f"{name}-{_uid('Slice', '', name)[:5]}"
    return {
        "addressType": "IPv4",
        "apiVersion": "discovery.k8s.io/v1",
        "endpoints": endpoints,
        "kind": "EndpointSlice",
        "metadata": _meta("EndpointSlice", slice_name,
                          timedelta(seconds=_age_seconds(service)), "default", labels=labels,
                          ownerReferences=_owner("Service", name, "default")),
        "ports": ports,
    }  # fmt: skip


def _age_seconds(obj: dict[str, Any]) -> float:
    created = datetime.strptime(obj["metadata"]["creationTimestamp"], "%Y-%m-%dT%H:%M:%SZ")
    return (NOW - created.replace(tzinfo=timezone.utc)).total_seconds()


def raw_objects() -> dict[str, list[dict[str, Any]]]:
    """Every kind's objects, as a list of the default scenario would return them."""
    objects: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    objects["namespaces"] = [
        _namespace(n) for n in ("default", "kube-node-lease", "kube-public", "kube-system")
    ]
    objects["nodes"] = [_node(n) for n in _NODES]
    for workload in _WORKLOADS:
        for kind, items in _workload(workload).items():
            objects[kind].extend(items)
    objects["services"] = [_service(*s) for s in _SERVICES]
    objects["endpointslices"] = [_endpoint_slice(s, objects["pods"]) for s in objects["services"]]
    return objects


def feed() -> StateFeed:
    """A feed holding the whole scenario, every kind listed and live."""
    state_feed = StateFeed()
    for kind, items in raw_objects().items():
        state_feed.replace(kind, items)
        state_feed.status(kind, KindStatus("live"))
    return state_feed


def session() -> Session:
    """An unwatched session of the demo's context in "default", its feed holding the scenario."""
    return Session(connection(), "default", watch=False, feed=feed())


def connection() -> Connection:
    """The demo's context, at a fixed address (the real demo picks a free port)."""
    return Connection(
        context="k9lite-demo",
        server="https://127.0.0.1:6443",
        namespace="default",
        user="demo-admin",
        source="/tmp/k9lite-demo/kubeconfig",
        loader=Configuration,
    )


# What the demo's components record about each kind (the demo cluster's EventRecorder).
_EVENT_REASONS = {
    "Pod": [
        ("Scheduled", "default-scheduler", "Successfully assigned {ns}/{name} to worker1", 1),
        ("Pulled", "kubelet", 'Container image "takytaky/hostname" already present', 1),
        ("Created", "kubelet", "Created container: hostname-server", 1),
        ("Started", "kubelet", "Started container hostname-server", 1),
    ],
    "Deployment": [
        ("ScalingReplicaSet", "deployment-controller", "Scaled up replica set {name} to 2", 1),
    ],
    "Node": [("NodeReady", "kubelet", "Node {name} status is now: NodeReady", 3)],
}


def events(
    connection: Connection, kind: str, namespace: str, name: str, uid: str
) -> list[dict[str, Any]]:
    """The Events of one object, fixed (describe reads them from the API server)."""
    found = []
    for number, (reason, component, message, count) in enumerate(_EVENT_REASONS.get(kind, [])):
        stamp = _time(timedelta(minutes=5 - number))
        found.append(
            {
                "metadata": _meta("Event", f"{name}.{number}", timedelta(minutes=5), namespace),
                "involvedObject": {"kind": kind, "name": name, "namespace": namespace, "uid": uid},
                "reason": reason,
                "message": message.format(ns=namespace, name=name),
                "source": {"component": component},
                "firstTimestamp": _time(timedelta(hours=1)) if count > 1 else stamp,
                "lastTimestamp": stamp,
                "count": count,
                "type": "Normal",
            }
        )
    return found
