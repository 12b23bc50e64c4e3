"""kube-apiserver's static defaulting (SetDefaults_* of core/v1, apps/v1, discovery/v1).

Only what the real server fills in from the object alone: never allocation (ClusterIPs,
NodePorts, names), which needs the store, and never admission (admission.py).
Applied in place and idempotent, so create and every update can run it; each kind's strategy
(`kinds/`) names its defaulter.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "default_deployment",
    "default_endpoint_slice",
    "default_endpoints",
    "default_namespace",
    "default_pod",
    "default_pod_spec",
    "default_replica_set",
    "default_rolling_update",
    "default_service",
    "default_template",
    "spec_of",
]

_Spec = dict[str, Any]


def _spec(obj: dict[str, Any]) -> _Spec:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list field; anything else is left for validation to report."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _image_tag_is_latest(image: str) -> bool:
    """parsers.ParseImageName: no tag and no digest means `:latest`."""
    name, _, digest = image.partition("@")
    # A ':' before the last '/' is a registry port (localhost:5000/nginx), not a tag.
    tag = name.rpartition("/")[2].partition(":")[2]
    return tag == "latest" or (not tag and not digest)


def _default_container(container: dict[str, Any]) -> None:
    """SetDefaults_Container and SetDefaults_ContainerPort."""
    if not container.get("imagePullPolicy"):
        latest = _image_tag_is_latest(str(container.get("image", "")))
        container["imagePullPolicy"] = "Always" if latest else "IfNotPresent"
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    # `resources` is a struct, not a pointer, in Go: it is always written, as `{}` when unset.
    container.setdefault("resources", {})
    for port in _dicts(container.get("ports")):
        port.setdefault("protocol", "TCP")
    for field in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(field)
        if isinstance(probe, dict):
            _default_probe(probe)


def _default_probe(probe: dict[str, Any]) -> None:
    """SetDefaults_Probe and SetDefaults_HTTPGetAction."""
    probe.setdefault("timeoutSeconds", 1)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("failureThreshold", 3)
    http_get = probe.get("httpGet")
    if isinstance(http_get, dict):
        http_get.setdefault("path", "/")
        http_get.setdefault("scheme", "HTTP")


def default_pod_spec(spec: _Spec) -> None:
    """SetDefaults_PodSpec, and the container defaults inside it."""
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("securityContext", {})
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("schedulerName", "default-scheduler")
    for container in _dicts(spec.get("containers")) + _dicts(spec.get("initContainers")):
        _default_container(container)


def default_template(spec: _Spec) -> None:
    template = spec.get("template")
    if isinstance(template, dict):
        default_pod_spec(_spec(template))
        metadata = template.get("metadata")
        if isinstance(metadata, dict):
            # A template's ObjectMeta is a struct: Go writes its zero creationTimestamp as null.
            metadata.setdefault("creationTimestamp", None)


def default_pod(pod: dict[str, Any]) -> None:
    spec = _spec(pod)
    default_pod_spec(spec)
    # SetDefaults_Pod, not SetDefaults_PodSpec: templates in Deployments never show it.
    spec.setdefault("enableServiceLinks", True)


def default_replica_set(replica_set: dict[str, Any]) -> None:
    spec = _spec(replica_set)
    spec.setdefault("replicas", 1)
    default_template(spec)


def spec_of(obj: dict[str, Any]) -> _Spec:
    """An object's spec, made an empty one when missing or not an object."""
    return _spec(obj)


def default_rolling_update(spec: _Spec, field: str, **rolling_defaults: Any) -> None:
    """A workload's update strategy: RollingUpdate unless told, with its rollingUpdate knobs."""
    strategy = spec.setdefault(field, {})
    if isinstance(strategy, dict):
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            if isinstance(rolling, dict):
                for key, value in rolling_defaults.items():
                    rolling.setdefault(key, value)


def default_deployment(deployment: dict[str, Any]) -> None:
    spec = _spec(deployment)
    spec.setdefault("replicas", 1)
    default_rolling_update(spec, "strategy", maxUnavailable="25%", maxSurge="25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    default_template(spec)


def default_service(service: dict[str, Any]) -> None:
    """SetDefaults_Service; IP families are kept simple: IPv4 single-stack unless ExternalName."""
    spec = _spec(service)
    spec.setdefault("type", "ClusterIP")
    service_type = spec["type"]
    affinity = spec.setdefault("sessionAffinity", "None")
    if affinity == "None":
        spec.pop("sessionAffinityConfig", None)
    elif affinity == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client_ip = config.get("clientIP") if isinstance(config, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    for port in _dicts(spec.get("ports")):
        port.setdefault("protocol", "TCP")
        if port.get("targetPort") in (None, 0, "") and "port" in port:
            port["targetPort"] = port["port"]
    externally_accessible = service_type in ("NodePort", "LoadBalancer") or (
        service_type == "ClusterIP" and bool(spec.get("externalIPs"))
    )
    if externally_accessible:
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if service_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        spec.setdefault("internalTrafficPolicy", "Cluster")
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
    if service_type == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)


def default_namespace(namespace: dict[str, Any]) -> None:
    """SetDefaults_Namespace (the name label) and the strategy's `kubernetes` finalizer."""
    metadata = namespace.get("metadata")
    if isinstance(metadata, dict) and metadata.get("name"):
        labels = metadata.get("labels")
        if not isinstance(labels, dict):
            labels = metadata["labels"] = {}
        labels["kubernetes.io/metadata.name"] = metadata["name"]
    _spec(namespace).setdefault("finalizers", ["kubernetes"])


def default_endpoints(endpoints: dict[str, Any]) -> None:
    for subset in _dicts(endpoints.get("subsets")):
        for port in _dicts(subset.get("ports")):
            port.setdefault("protocol", "TCP")


def default_endpoint_slice(endpoint_slice: dict[str, Any]) -> None:
    for port in _dicts(endpoint_slice.get("ports")):
        port.setdefault("name", "")
        port.setdefault("protocol", "TCP")
