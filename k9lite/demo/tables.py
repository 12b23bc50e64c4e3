"""Server-side Table output (meta.k8s.io/v1 Table) for the demo cluster's API server.

kubectl has no client-side columns: `kubectl get` prints whatever the server's Table holds. This
module ports kube-apiserver's `pkg/printers/internalversion/printers.go` for the kinds the demo
cluster serves, and the generic NAME / Created At table for any other resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = [
    "InvalidIncludeObject",
    "InvalidTimestamp",
    "column_definitions",
    "human_duration",
    "table",
    "table_row",
]

_Obj = Mapping[str, Any]
_INCLUDE_OBJECT_VALUES = ("None", "Metadata", "Object")


class InvalidIncludeObject(ValueError):
    """The `includeObject` query parameter is not one of None, Metadata or Object."""

    def __init__(self, value: str) -> None:
        super().__init__(
            f"includeObject must be one of {', '.join(_INCLUDE_OBJECT_VALUES)}, not {value!r}"
        )


class InvalidTimestamp(ValueError):
    """A time field of an object is not an RFC 3339 timestamp."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__(f"{field} is not an RFC 3339 time: {value!r}")


@dataclass(frozen=True, slots=True)
class _Column:
    """One metav1.TableColumnDefinition; priority 1 columns appear only with `-o wide`."""

    name: str
    description: str
    type: str = "string"
    format: str = ""
    priority: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


@dataclass(frozen=True, slots=True)
class _Printer:
    """The column definitions of one resource and the pure function that fills a row's cells."""

    columns: tuple[_Column, ...]
    cells: Callable[[_Obj, datetime], list[Any]]


# Descriptions are the API's field docs (release-1.37 OpenAPI), as printers.go quotes SwaggerDoc().
_NAME = _Column(
    "Name",
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically. "
    "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
    "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
    format="name",
)
_CREATION_TIMESTAMP_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients "
    "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
    "system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)
_AGE = _Column("Age", _CREATION_TIMESTAMP_DOC)
_CONTAINERS = _Column("Containers", "Names of each container in the template.", priority=1)
_IMAGES = _Column("Images", "Images referenced by each container in the template.", priority=1)
_NODE_ADDRESSES_DOC = (
    "List of addresses reachable to the node. Queried from cloud provider, if available. More "
    "info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is "
    "declared as mergeable, but the merge key is not sufficiently unique, which can cause data "
    "corruption when it is merged. Callers should instead use a full-replacement patch. See "
    "https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change "
    "during the lifetime of a Node. However, there are some exceptions where this may not be "
    "possible, such as Pods that inherit a Node's address in its own status or consumers of the "
    "downward API (status.hostIP)."
)

_POD_COLUMNS = (
    _NAME,
    _Column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    _Column("Status", "The aggregate status of the containers in this pod."),
    _Column(
        "Restarts",
        "The number of times the containers in this pod have been restarted and when the last "
        "container in this pod has restarted.",
    ),
    _AGE,
    _Column(
        "IP",
        "podIP address allocated to the pod. Routable at least within the cluster. Empty if not "
        "yet allocated.",
        priority=1,
    ),
    _Column(
        "Node",
        "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate "
        "for scheduling by the scheduler defined in schedulerName. Once this field is set, the "
        "kubelet for this node becomes responsible for the lifecycle of this pod. This field "
        "should not be used to express a desire for the pod to be scheduled on a specific node. "
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
        priority=1,
    ),
    _Column(
        "Nominated Node",
        "nominatedNodeName is set only when this pod preempts other pods on the node, but it "
        "cannot be scheduled right away as preemption victims receive their graceful termination "
        "periods. This field does not guarantee that the pod will be scheduled on this node. "
        "Scheduler may decide to place the pod elsewhere if other nodes become available sooner. "
        "Scheduler may also decide to give the resources on this node to a higher priority pod "
        "that is created after preemption. As a result, this field may be different than "
        "PodSpec.nodeName when the pod is scheduled.",
        priority=1,
    ),
    _Column(
        "Readiness Gates",
        "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready "
        "when all its containers are ready AND all conditions specified in the readiness gates "
        'have status equal to "True" More info: '
        "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
        priority=1,
    ),
)
_SERVICE_COLUMNS = (
    _NAME,
    _Column(
        "Type",
        "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are "
        'ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a '
        "cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by "
        "the selector or if that is not specified, by manual construction of an Endpoints object "
        'or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the '
        "endpoints are published as a set of endpoints rather than a virtual IP. "
        '"NodePort" builds on ClusterIP and allocates a port on every node which routes to the '
        'same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an '
        "external load-balancer (if supported in the current cloud) which routes to the same "
        'endpoints as the clusterIP. "ExternalName" aliases this service to the specified '
        "externalName. Several other fields do not apply to ExternalName services. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types",
    ),
    _Column(
        "Cluster-IP",
        "clusterIP is the IP address of the service and is usually assigned randomly. If an "
        "address is specified manually, is in-range (as per system configuration), and is not in "
        "use, it will be allocated to the service; otherwise creation of the service will fail. "
        "This field may not be changed through updates unless the type field is also being "
        "changed to ExternalName (which requires this field to be blank) or the type field is "
        "being changed from ExternalName (in which case this field may optionally be specified, "
        'as describe above).  Valid values are "None", empty string (""), or a valid IP address. '
        'Setting this to "None" makes a "headless service" (no virtual IP), which is useful when '
        "direct endpoint connections are preferred and proxying is not required.  Only applies to "
        "types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a "
        "Service of type ExternalName, creation will fail. This field will be wiped when updating "
        "a Service to type ExternalName. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
    ),
    _Column(
        "External-IP",
        "externalIPs is a list of IP addresses for which nodes in the cluster will also accept "
        "traffic for this service.  These IPs are not managed by Kubernetes.  The user is "
        "responsible for ensuring that traffic arrives at a node with this IP.  A common example "
        "is external load-balancers that are not part of the Kubernetes system.",
    ),
    _Column(
        "Port(s)",
        "The list of ports that are exposed by this service. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
    ),
    _AGE,
    _Column(
        "Selector",
        "Route service traffic to pods with label keys and values matching this selector. If "
        "empty or not present, the service is assumed to have an external process managing its "
        "endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, "
        "and LoadBalancer. Ignored if type is ExternalName. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/",
        priority=1,
    ),
)
_DEPLOYMENT_COLUMNS = (
    _NAME,
    _Column("Ready", "Number of the pod with ready state"),
    # printers.go declares these two "string" yet fills them with integers.
    _Column(
        "Up-to-date",
        "Total number of non-terminating pods targeted by this deployment that have the desired "
        "template spec.",
    ),
    _Column(
        "Available",
        "Total number of available non-terminating pods (ready for at least minReadySeconds) "
        "targeted by this deployment.",
    ),
    _AGE,
    _CONTAINERS,
    _IMAGES,
    _Column(
        "Selector",
        "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be "
        "the ones affected by this deployment.",
        priority=1,
    ),
)
_REPLICA_SET_COLUMNS = (
    _NAME,
    _Column(
        "Desired",
        "Replicas is the number of desired pods. This is a pointer to distinguish between "
        "explicit zero and unspecified. Defaults to 1. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
        type="integer",
    ),
    _Column(
        "Current",
        "Replicas is the most recently observed number of non-terminating pods. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
        type="integer",
    ),
    _Column(
        "Ready",
        "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
        type="integer",
    ),
    _AGE,
    _CONTAINERS,
    _IMAGES,
    _Column(
        "Selector",
        "Selector is a label query over pods that should match the replica count. If the selector "
        "is empty, it is defaulted to the labels present on the pod template. Label keys and "
        "values that must match in order to be controlled by this replica set. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        priority=1,
    ),
)
_NODE_COLUMNS = (
    _NAME,
    _Column("Status", "The status of the node"),
    _Column("Roles", "The roles of the node"),
    _AGE,
    _Column("Version", "Kubelet Version reported by the node."),
    _Column("Internal-IP", _NODE_ADDRESSES_DOC, priority=1),
    _Column("External-IP", _NODE_ADDRESSES_DOC, priority=1),
    _Column(
        "OS-Image",
        "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
        priority=1,
    ),
    _Column(
        "Kernel-Version",
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        priority=1,
    ),
    _Column(
        "Container-Runtime",
        "ContainerRuntime Version reported by the node through runtime remote API (e.g. "
        "containerd://1.4.2).",
        priority=1,
    ),
)
_NAMESPACE_COLUMNS = (_NAME, _Column("Status", "The status of the namespace"), _AGE)
_ENDPOINTS_COLUMNS = (
    _NAME,
    _Column(
        "Endpoints",
        "The set of all endpoints is the union of all subsets. Addresses are placed into subsets "
        "according to the IPs they share. A single address with multiple ports, some of which "
        "are ready and some of which are not (because they come from different containers) will "
        "result in the address being displayed in different subsets for the different ports. No "
        "address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of "
        "addresses and ports that comprise a service.",
    ),
    _AGE,
)
_ENDPOINT_SLICE_COLUMNS = (
    _NAME,
    _Column(
        "AddressType",
        "addressType specifies the type of address carried by this EndpointSlice. All addresses "
        "in this slice must be the same type. This field is immutable after creation. The "
        "following address types are currently supported: * IPv4: Represents an IPv4 Address. * "
        "IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name. "
        "(Deprecated) The EndpointSlice controller only generates, and kube-proxy only processes, "
        'slices of addressType "IPv4" and "IPv6". No semantics are defined for the "FQDN" type.',
    ),
    _Column(
        "Ports",
        "ports specifies the list of network ports exposed by each endpoint in this slice. Each "
        "port must have a unique name. Each slice may include a maximum of 100 ports. Services "
        "always have at least 1 port, so EndpointSlices generated by the EndpointSlice "
        "controller will likewise always have at least 1 port. EndpointSlices used for other "
        "purposes may have an empty ports list.",
    ),
    _Column(
        "Endpoints",
        "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum "
        "of 1000 endpoints.",
    ),
    _AGE,
)
_INGRESS_COLUMNS = (
    _NAME,
    _Column(
        "Class",
        "The name of the IngressClass resource that should be used for additional configuration",
    ),
    _Column("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    _Column("Address", "Address is a list containing ingress points for the load-balancer"),
    _Column("Ports", "Ports of TLS configurations that open"),
    _AGE,
)
_EVENT_COLUMNS = (
    _Column(
        "Last Seen", "The time at which the most recent occurrence of this event was recorded."
    ),
    _Column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    _Column(
        "Reason",
        "This should be a short, machine understandable string that gives the reason for the "
        "transition into the object's current status.",
    ),
    _Column("Object", "The object that this event is about."),
    _Column(
        "Subobject",
        "If referring to a piece of an object instead of an entire object, this string should "
        "contain a valid JSON/Go field access statement, such as "
        "desiredState.manifest.containers[2]. For example, if the object reference is to a "
        'container within a pod, this would take on a value like: "spec.containers{name}" '
        '(where "name" refers to the name of the container that triggered the event) or if no '
        'container name is specified "spec.containers[2]" (container with index 2 in this pod). '
        "This syntax is chosen only to have some well-defined way of referencing a part of an "
        "object.",
        priority=1,
    ),
    _Column(
        "Source",
        "The component reporting this event. Should be a short machine understandable string.",
        priority=1,
    ),
    _Column("Message", "A human-readable description of the status of this operation."),
    _Column(
        "First Seen",
        "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
        priority=1,
    ),
    _Column("Count", "The number of times this event has occurred.", priority=1),
    _Column(_NAME.name, _NAME.description, format="name", priority=1),
)
# The default table convertor of k8s.io/apiserver, for resources without a printer.
_GENERIC_COLUMNS = (_NAME, _Column("Created At", _CREATION_TIMESTAMP_DOC, type="date"))


def human_duration(delta: timedelta) -> str:
    """Format an age as kubectl does (apimachinery's HumanDuration): ~2-3 significant figures."""
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    # Go truncates toward zero; up to 2 s in the future reads "0s" to absorb clock skew.
    seconds = abs(micros) // 1_000_000 * (1 if micros >= 0 else -1)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    years = days // 365
    if hours < 24 * 365 * 8:
        return f"{years}y{days % 365}d" if days % 365 else f"{years}y"
    return f"{years}y"


def column_definitions(resource: str) -> list[dict[str, Any]]:
    """The Table columnDefinitions for a plural resource name, priority 1 meaning `-o wide` only."""
    return [column.as_json() for column in _printer(resource).columns]


def table_row(
    resource: str, obj: _Obj, *, now: datetime, include_object: str = "Metadata"
) -> dict[str, Any]:
    """One Table row: the cells (always the wide set, as the API server prints) and the object."""
    row: dict[str, Any] = {"cells": _printer(resource).cells(obj, now)}
    if resource == "pods":
        conditions = _POD_ROW_CONDITIONS.get(_get(obj, "status", "phase"))
        if conditions is not None:
            row["conditions"] = [dict(condition) for condition in conditions]
    if include_object == "Metadata":
        row["object"] = {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata", {}),
        }
    elif include_object == "Object":
        row["object"] = obj
    elif include_object != "None":
        raise InvalidIncludeObject(include_object)
    return row


def table(
    resource: str,
    objects: Iterable[_Obj],
    *,
    now: datetime,
    include_object: str = "Metadata",
    resource_version: str,
    continue_token: str | None = None,
    remaining_item_count: int | None = None,
    with_column_definitions: bool = True,
) -> dict[str, Any]:
    """A meta.k8s.io/v1 Table; watch events after the first carry no column definitions."""
    if include_object not in _INCLUDE_OBJECT_VALUES:
        raise InvalidIncludeObject(include_object)
    metadata: dict[str, Any] = {"resourceVersion": resource_version}
    if continue_token is not None:
        metadata["continue"] = continue_token
    if remaining_item_count is not None:
        metadata["remainingItemCount"] = remaining_item_count
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": column_definitions(resource) if with_column_definitions else [],
        "rows": [
            table_row(resource, obj, now=now, include_object=include_object) for obj in objects
        ],
    }


def _printer(resource: str) -> _Printer:
    return _PRINTERS.get(resource, _GENERIC_PRINTER)


def _get(obj: Any, *path: str) -> Any:
    """The value at a path of nested JSON objects, or None where any step is missing."""
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _parse_time(value: Any, field: str) -> datetime | None:
    """An RFC 3339 time (Time or MicroTime) as an aware datetime; None when unset (Go's zero)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidTimestamp(field, value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidTimestamp(field, value) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _since(value: Any, field: str, now: datetime) -> str:
    """printers.go translateTimestampSince: `<unknown>` for an unset time, else its age."""
    time = _parse_time(value, field)
    return "<unknown>" if time is None else human_duration(now - time)


def _age(obj: _Obj, now: datetime) -> str:
    return _since(_get(obj, "metadata", "creationTimestamp"), "metadata.creationTimestamp", now)


def _name(obj: _Obj) -> str:
    return str(_get(obj, "metadata", "name") or "")


def _format_labels(labels: Mapping[str, str] | None) -> str:
    """labels.FormatLabels: sorted `k=v` pairs joined by commas, `<none>` when empty."""
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels)) if labels else "<none>"


def _format_selector(selector: _Obj | None) -> str | None:
    """metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, "" when empty.

    None when an expression has an unknown operator, which the API server's validation rejects.
    """
    labels = _get(selector, "matchLabels") or {}
    requirements = [(key, f"{key}={value}") for key, value in labels.items()]
    for expression in _get(selector, "matchExpressions") or []:
        key = expression.get("key", "")
        values = ",".join(sorted(expression.get("values") or []))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(expression.get("operator", ""))
        if text is None:
            return None
        requirements.append((key, text))
    return ",".join(text for _, text in sorted(requirements, key=lambda pair: pair[0]))


def _layout_containers(pod_spec: Any) -> list[str]:
    """The CONTAINERS and IMAGES cells: names and images joined by commas."""
    containers = _get(pod_spec, "containers") or []
    return [
        ",".join(str(container.get("name", "")) for container in containers),
        ",".join(str(container.get("image", "")) for container in containers),
    ]


def _list_with_more(items: list[str], empty: str) -> str:
    """At most three items, then `+ N more...`, as kubectl lists endpoints."""
    text = ",".join(items[:3])
    if len(items) > 3:
        return f"{text} + {len(items) - 3} more..."
    return text or empty


def _host_port(host: str, port: Any) -> str:
    """net.JoinHostPort: IPv6 hosts are bracketed."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _load_balancer_addresses(status: Any) -> list[str]:
    """A sorted set of the load balancer's ingress IPs, else hostnames (wide: never clipped)."""
    found = {entry.get("ip") or entry.get("hostname") for entry in _get(status, "ingress") or []}
    return sorted(address for address in found if address)


# Row conditions of finished pods (metav1.RowCompleted), as printPod sets them.
_POD_ROW_CONDITIONS: dict[Any, list[dict[str, str]]] = {
    "Succeeded": [
        {
            "type": "Completed",
            "status": "True",
            "reason": "Succeeded",
            "message": "The pod has completed successfully.",
        }
    ],
    "Failed": [
        {"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}
    ],
}


def _condition_true(conditions: Any, condition_type: str) -> bool:
    """Whether the first condition of a type has status True (Go loops stop at the first)."""
    for condition in conditions or []:
        if condition.get("type") == condition_type:
            return bool(condition.get("status") == "True")
    return False


def _terminated_reason(terminated: _Obj, prefix: str) -> str:
    """A terminated container's reason, else `Signal:N` or `ExitCode:N`."""
    if terminated.get("reason"):
        return f"{prefix}{terminated['reason']}"
    if terminated.get("signal"):
        return f"{prefix}Signal:{terminated['signal']}"
    return f"{prefix}ExitCode:{terminated.get('exitCode', 0)}"


@dataclass(slots=True)
class _RestartTally:
    """Restart count and the latest `lastState.terminated.finishedAt` over some containers."""

    count: int = 0
    last: datetime | None = None

    def add(self, status: _Obj) -> None:
        self.count += int(status.get("restartCount", 0))
        finished = _parse_time(
            _get(status, "lastState", "terminated", "finishedAt"), "lastState.terminated.finishedAt"
        )
        if finished is not None and (self.last is None or finished > self.last):
            self.last = finished


def _pod_cells(pod: _Obj, now: datetime) -> list[Any]:
    """printPod: READY, STATUS (reason), RESTARTS with the last restart's age, and wide cells."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    # Sidecars are init containers with restartPolicy Always; they count as containers.
    sidecars = {name for name, c in init_specs.items() if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(sidecars)
    ready = 0
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    all_restarts, sidecar_restarts = _RestartTally(), _RestartTally()
    initializing = False
    for index, container in enumerate(status.get("initContainerStatuses") or []):
        all_restarts.add(container)
        is_sidecar = container.get("name") in sidecars
        if is_sidecar:
            sidecar_restarts.add(container)
        state = container.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if is_sidecar and container.get("started"):
            ready += 1 if container.get("ready") else 0
            continue
        if terminated is not None:
            reason = _terminated_reason(terminated, "Init:")
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = f"Init:{waiting['reason']}"
        else:
            reason = f"Init:{index}/{len(init_specs)}"
        initializing = True
        break

    restarts = all_restarts
    if not initializing or _condition_true(status.get("conditions"), "Initialized"):
        restarts = sidecar_restarts
        has_running = False
        for container in reversed(status.get("containerStatuses") or []):
            restarts.add(container)
            state = container.get("state") or {}
            terminated, waiting = state.get("terminated"), state.get("waiting")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = _terminated_reason(terminated, "")
            elif container.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        # A pod whose last container completed while another still runs is not Completed.
        if reason == "Completed" and has_running:
            ready_condition = _condition_true(status.get("conditions"), "Ready")
            reason = "Running" if ready_condition else "NotReady"

    if _get(pod, "metadata", "deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    restarts_cell = str(restarts.count)
    if restarts.count and restarts.last is not None:
        restarts_cell += f" ({human_duration(now - restarts.last)} ago)"

    # v1 -> internal conversion: podIP wins over podIPs[0] when both are set.
    pod_ip = status.get("podIP") or _get((status.get("podIPs") or [{}])[0], "ip") or "<none>"
    gates = spec.get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        conditions = status.get("conditions") or []
        passed = sum(_condition_true(conditions, gate.get("conditionType", "")) for gate in gates)
        gates_cell = f"{passed}/{len(gates)}"
    return [
        _name(pod),
        f"{ready}/{total}",
        reason,
        restarts_cell,
        _age(pod, now),
        pod_ip,
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        gates_cell,
    ]


def _service_external_ip(spec: _Obj, status: _Obj) -> str:
    """getServiceExternalIP: what reaches the Service from outside, per Service type."""
    service_type = spec.get("type")
    external_ips = list(spec.get("externalIPs") or [])
    if service_type in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) or "<none>"
    if service_type == "LoadBalancer":
        # Without a cloud controller (or MetalLB) nothing fills status.loadBalancer.
        addresses = _load_balancer_addresses(status.get("loadBalancer")) + external_ips
        return ",".join(addresses) or "<pending>"
    if service_type == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def _service_cells(service: _Obj, now: datetime) -> list[Any]:
    """printService: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S) and the wide SELECTOR."""
    spec, status = service.get("spec") or {}, service.get("status") or {}
    # v1 -> internal conversion: clusterIP wins over clusterIPs[0]; "None" marks headless.
    cluster_ip = spec.get("clusterIP") or (spec.get("clusterIPs") or ["<none>"])[0] or "<none>"
    ports = ",".join(
        # The API defaults a port's protocol to TCP.
        f"{port.get('port')}:{port['nodePort']}/{port.get('protocol', 'TCP')}"
        if port.get("nodePort")
        else f"{port.get('port')}/{port.get('protocol', 'TCP')}"
        for port in spec.get("ports") or []
    )
    return [
        _name(service),
        spec.get("type", ""),
        cluster_ip,
        _service_external_ip(spec, status),
        ports or "<none>",
        _age(service, now),
        _format_labels(spec.get("selector")),
    ]


def _deployment_cells(deployment: _Obj, now: datetime) -> list[Any]:
    """printDeployment: READY ready/desired, UP-TO-DATE, AVAILABLE, and the wide cells."""
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    selector = _format_selector(spec.get("selector"))
    return [
        _name(deployment),
        # The API defaults spec.replicas to 1.
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        int(status.get("updatedReplicas", 0)),
        int(status.get("availableReplicas", 0)),
        _age(deployment, now),
        *_layout_containers(_get(spec, "template", "spec")),
        "<invalid>" if selector is None else selector,
    ]


def _replica_set_cells(replica_set: _Obj, now: datetime) -> list[Any]:
    """printReplicaSet: DESIRED, CURRENT, READY as integers, and the wide cells."""
    spec, status = replica_set.get("spec") or {}, replica_set.get("status") or {}
    selector = _format_selector(spec.get("selector"))
    return [
        _name(replica_set),
        int(spec.get("replicas", 1)),
        int(status.get("replicas", 0)),
        int(status.get("readyReplicas", 0)),
        _age(replica_set, now),
        *_layout_containers(_get(spec, "template", "spec")),
        # metav1.FormatLabelSelector, unlike the Deployment's cell, shows `<none>` when empty.
        "<error>" if selector is None else selector or "<none>",
    ]


def _node_address(node: _Obj, address_type: str) -> str:
    for address in _get(node, "status", "addresses") or []:
        if address.get("type") == address_type:
            return str(address.get("address", ""))
    return "<none>"


def _node_cells(node: _Obj, now: datetime) -> list[Any]:
    """printNode: STATUS from the Ready condition, ROLES from role labels, and the wide cells."""
    # printNode keeps the last Ready condition it sees.
    ready = [c for c in _get(node, "status", "conditions") or [] if c.get("type") == "Ready"]
    states = ["Unknown"]
    if ready:
        states = ["Ready" if ready[-1].get("status") == "True" else "NotReady"]
    if _get(node, "spec", "unschedulable"):
        states.append("SchedulingDisabled")
    roles: set[str] = set()
    for key, value in (_get(node, "metadata", "labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key != "node-role.kubernetes.io/":
            roles.add(key.removeprefix("node-role.kubernetes.io/"))
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    info = _get(node, "status", "nodeInfo") or {}
    return [
        _name(node),
        ",".join(states),
        ",".join(sorted(roles)) or "<none>",
        _age(node, now),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


def _namespace_cells(namespace: _Obj, now: datetime) -> list[Any]:
    return [_name(namespace), _get(namespace, "status", "phase") or "", _age(namespace, now)]


def _endpoints_cells(endpoints: _Obj, now: datetime) -> list[Any]:
    """printEndpoints: every address:port pair, at most three shown."""
    subsets = endpoints.get("subsets") or []
    pairs: list[str] = []
    for subset in subsets:
        ips = [str(address.get("ip", "")) for address in subset.get("addresses") or []]
        # A headless Service may have no ports: its endpoints are bare IPs.
        ports = [port.get("port") for port in subset.get("ports") or []]
        pairs += [_host_port(ip, port) for port in ports for ip in ips] if ports else ips
    return [
        _name(endpoints),
        _list_with_more(pairs, "") if subsets else "<none>",
        _age(endpoints, now),
    ]


def _endpoint_slice_cells(endpoint_slice: _Obj, now: datetime) -> list[Any]:
    """printEndpointSlice: ports (number, else name, else `*`) and endpoint addresses."""
    ports = [
        str(port["port"]) if port.get("port") is not None else port.get("name") or "*"
        for port in endpoint_slice.get("ports") or []
    ]
    addresses = [
        str(address)
        for endpoint in endpoint_slice.get("endpoints") or []
        for address in endpoint.get("addresses") or []
    ]
    return [
        _name(endpoint_slice),
        endpoint_slice.get("addressType", ""),
        _list_with_more(ports, "<unset>"),
        _list_with_more(addresses, "<unset>"),
        _age(endpoint_slice, now),
    ]


def _ingress_hosts(rules: list[_Obj]) -> str:
    """formatHosts: the first three rule hosts; `+ N more...` once a rule follows the third."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        more = more or len(hosts) == 3
        if not more and rule.get("host"):
            hosts.append(str(rule["host"]))
    if not hosts:
        return "*"
    # printers.go counts every rule past the third, hostless ones included.
    return f"{','.join(hosts)} + {len(rules) - 3} more..." if more else ",".join(hosts)


def _ingress_cells(ingress: _Obj, now: datetime) -> list[Any]:
    """printIngress: CLASS, HOSTS, ADDRESS of the load balancer, PORTS 80 (and 443 with TLS)."""
    spec = ingress.get("spec") or {}
    return [
        _name(ingress),
        spec.get("ingressClassName") or "<none>",
        _ingress_hosts(spec.get("rules") or []),
        ",".join(_load_balancer_addresses(_get(ingress, "status", "loadBalancer"))),
        "80, 443" if spec.get("tls") else "80",
        _age(ingress, now),
    ]


def _event_cells(event: _Obj, now: datetime) -> list[Any]:
    """printEvent: ages of the last and first occurrence, the involved object, and the count."""
    first_seen = _since(event.get("firstTimestamp"), "firstTimestamp", now)
    if not event.get("firstTimestamp"):
        first_seen = _since(event.get("eventTime"), "eventTime", now)
    last_seen = _since(event.get("lastTimestamp"), "lastTimestamp", now)
    if not event.get("lastTimestamp"):
        last_seen = first_seen
    count = int(event.get("count", 0))
    series = event.get("series")
    if series is not None:
        last_seen = _since(series.get("lastObservedTime"), "series.lastObservedTime", now)
        count = int(series.get("count", 0))
    elif count == 0:
        # Events of the events.k8s.io API that happened once carry no count.
        count = 1
    involved = event.get("involvedObject") or {}
    kind = str(involved.get("kind", "")).lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    component = _get(event, "source", "component") or event.get("reportingController") or ""
    host = _get(event, "source", "host") or event.get("reportingInstance") or ""
    return [
        last_seen,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        f"{component}, {host}" if host else component,
        str(event.get("message", "")).strip(),
        first_seen,
        count,
        _name(event),
    ]


def _generic_cells(obj: _Obj, now: datetime) -> list[Any]:
    """The default table convertor: name and creationTimestamp as RFC 3339 in UTC."""
    created = _parse_time(_get(obj, "metadata", "creationTimestamp"), "metadata.creationTimestamp")
    moment = created.astimezone(timezone.utc) if created else datetime(1, 1, 1, tzinfo=timezone.utc)
    return [_name(obj), moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")]


_PRINTERS: dict[str, _Printer] = {
    "pods": _Printer(_POD_COLUMNS, _pod_cells),
    "services": _Printer(_SERVICE_COLUMNS, _service_cells),
    "deployments": _Printer(_DEPLOYMENT_COLUMNS, _deployment_cells),
    "replicasets": _Printer(_REPLICA_SET_COLUMNS, _replica_set_cells),
    "nodes": _Printer(_NODE_COLUMNS, _node_cells),
    "namespaces": _Printer(_NAMESPACE_COLUMNS, _namespace_cells),
    "endpoints": _Printer(_ENDPOINTS_COLUMNS, _endpoints_cells),
    "endpointslices": _Printer(_ENDPOINT_SLICE_COLUMNS, _endpoint_slice_cells),
    "ingresses": _Printer(_INGRESS_COLUMNS, _ingress_cells),
    "events": _Printer(_EVENT_COLUMNS, _event_cells),
}
_GENERIC_PRINTER = _Printer(_GENERIC_COLUMNS, _generic_cells)
