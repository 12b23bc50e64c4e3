"""Raw objects as the API server returns them (the dicts `orjson.loads` gives), for model tests."""

from __future__ import annotations

from typing import Any

CREATED = "2024-05-01T10:00:00Z"
STARTED = "2024-05-01T10:00:05Z"


def metadata(
    name: str,
    namespace: str = "default",
    *,
    uid: str | None = None,
    labels: dict[str, str] | None = None,
    owner: tuple[str, str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """metadata with a uid derived from the name unless given; owner = (kind, name, uid)."""
    meta: dict[str, Any] = {
        "name": name,
        "uid": uid or f"uid-{namespace}-{name}",
        "resourceVersion": "1",
        "creationTimestamp": CREATED,
        **extra,
    }
    if namespace:
        meta["namespace"] = namespace
    if labels is not None:
        meta["labels"] = labels
    if owner is not None:
        kind, owner_name, owner_uid = owner
        meta["ownerReferences"] = [
            {
                "apiVersion": "apps/v1",
                "kind": kind,
                "name": owner_name,
                "uid": owner_uid,
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    return meta


def conditions(**statuses: bool) -> list[dict[str, Any]]:
    return [
        {"type": kind, "status": "True" if ok else "False", "lastTransitionTime": STARTED}
        for kind, ok in statuses.items()
    ]


def running_pod(
    name: str,
    namespace: str = "default",
    *,
    labels: dict[str, str] | None = None,
    node: str = "worker1",
    ip: str = "192.168.235.140",
    owner: tuple[str, str, str] | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    """A Running, Ready pod of W2's hostname-server, as its kubelet reports it."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata(
            name,
            namespace,
            uid=uid,
            labels={"app": "hostname-server"} if labels is None else labels,
            owner=owner,
        ),
        "spec": {
            "nodeName": node,
            "containers": [
                {
                    "name": "hostname-server",
                    "image": "takytaky/hostname",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                }
            ],
            "restartPolicy": "Always",
        },
        "status": {
            "phase": "Running",
            "hostIP": "172.30.1.10",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": STARTED,
            "conditions": conditions(
                Initialized=True, Ready=True, ContainersReady=True, PodScheduled=True
            ),
            "containerStatuses": [
                {
                    "name": "hostname-server",
                    "image": "docker.io/takytaky/hostname:latest",
                    "ready": True,
                    "started": True,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": STARTED}},
                }
            ],
        },
    }


def service(
    name: str,
    namespace: str = "default",
    *,
    selector: dict[str, str] | None = None,
    spec: dict[str, Any] | None = None,
    status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Service; `spec` entries override the ClusterIP defaults the API server fills in."""
    full_spec: dict[str, Any] = {
        "type": "ClusterIP",
        "clusterIP": "10.106.104.217",
        "clusterIPs": ["10.106.104.217"],
        "ports": [{"protocol": "TCP", "port": 8080, "targetPort": 80}],
        "sessionAffinity": "None",
        "internalTrafficPolicy": "Cluster",
    }
    if selector is not None:
        full_spec["selector"] = selector
    full_spec.update(spec or {})
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(name, namespace),
        "spec": full_spec,
        "status": status or {"loadBalancer": {}},
    }


def endpoint(
    ip: str, pod: str, *, node: str = "worker1", namespace: str = "default", **conds: bool
) -> dict[str, Any]:
    return {
        "addresses": [ip],
        "conditions": conds,
        "nodeName": node,
        "targetRef": {"kind": "Pod", "name": pod, "namespace": namespace, "uid": f"uid-{pod}"},
    }


def endpoint_slice(
    name: str,
    service_name: str | None,
    namespace: str = "default",
    *,
    endpoints: list[dict[str, Any]] | None = None,
    port: int = 80,
) -> dict[str, Any]:
    labels = {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}
    if service_name is not None:
        labels["kubernetes.io/service-name"] = service_name
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": metadata(name, namespace, labels=labels),
        "addressType": "IPv4",
        "ports": [{"name": "", "port": port, "protocol": "TCP"}],
        "endpoints": endpoints or [],
    }


def deployment(
    name: str,
    namespace: str = "default",
    *,
    labels: dict[str, str],
    pod_labels: dict[str, str],
    replicas: int,
    container: dict[str, Any],
    ready: int | None = None,
) -> dict[str, Any]:
    """A Deployment whose own labels may differ from its pods' labels (W6)."""
    ready = replicas if ready is None else ready
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(name, namespace, labels=labels, generation=1),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": pod_labels},
            "template": {"metadata": {"labels": pod_labels}, "spec": {"containers": [container]}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
        },
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "conditions": [
                {
                    "type": "Available",
                    "status": "True" if ready == replicas else "False",
                    "reason": "MinimumReplicasAvailable",
                    "message": "Deployment has minimum availability.",
                    "lastTransitionTime": STARTED,
                },
                {
                    "type": "Progressing",
                    "status": "True",
                    "reason": "NewReplicaSetAvailable",
                    "message": f'ReplicaSet "{name}-5d8f9c" has successfully progressed.',
                    "lastTransitionTime": STARTED,
                },
            ],
        },
    }


def replica_set(
    name: str,
    namespace: str = "default",
    *,
    pod_labels: dict[str, str],
    replicas: int,
    owner: tuple[str, str, str] | None,
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": metadata(name, namespace, labels=pod_labels, owner=owner),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": pod_labels},
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {"containers": [{"name": "app", "image": "nginx"}]},
            },
        },
        "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas},
    }


def node(
    name: str, internal_ip: str, *, labels: dict[str, str], ready: str = "True"
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": metadata(name, "", labels=labels),
        "spec": {"podCIDR": "192.168.235.128/26", "podCIDRs": ["192.168.235.128/26"]},
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": internal_ip},
                {"type": "Hostname", "address": name},
            ],
            "conditions": [
                {
                    "type": "Ready",
                    "status": ready,
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                }
            ],
            "nodeInfo": {"kubeletVersion": "v1.30.2"},
        },
    }


def ingress_manifest() -> dict[str, Any]:
    """W7's Ingress: example.com/web1 -> web1:80, /web2 -> web2:http."""
    return {
        "metadata": metadata("web", annotations={"kubernetes.io/ingress.class": "nginx"}),
        "spec": {
            "defaultBackend": {
                "resource": {"apiGroup": "k8s.example.com", "kind": "Bucket", "name": "static"}
            },
            "rules": [
                {
                    "host": "example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/web1",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "web1", "port": {"number": 80}}},
                            },
                            {
                                "path": "/web2",
                                "pathType": "Exact",
                                "backend": {"service": {"name": "web2", "port": {"name": "http"}}},
                            },
                        ]
                    },
                }
            ],
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}},
    }
