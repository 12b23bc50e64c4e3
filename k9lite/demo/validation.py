"""kube-apiserver's validation of the objects the demo cluster serves, with its messages.

Restates the parts of k8s.io/kubernetes `pkg/apis/{core,apps,networking,discovery}/validation`
that the walkthroughs reach. Runs after `apply_defaults`, on create and on update; cross-object
rules (NodePort uniqueness, ClusterIP allocation) belong to the registry, which owns the store.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from k9lite.model.selectors import (
    LabelSelector,
    SelectorError,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_value,
    is_port_name,
    is_qualified_name,
    join_errors,
    regex_error,
)

__all__ = ["Cause", "invalid_message", "validate"]

_NODE_PORT_RANGE = (30000, 32767)
_PROTOCOLS = ("SCTP", "TCP", "UDP")
_IMMUTABLE = "field is immutable"
_PERCENT_ERROR = regex_error(
    "a valid percent string must be a numeric string followed by an ending '%'",
    "[0-9]+%",
    "1%",
    "93%",
)
_NEGATIVE = "must be greater than or equal to 0"


@dataclass(frozen=True, slots=True)
class Cause:
    """One StatusCause of a 422: the field path, the message body and the metav1.CauseType."""

    field: str
    message: str
    reason: str


def invalid_message(kind: str, name: str, causes: Sequence[Cause]) -> str:
    """The 422 Status message; `kind` is the GroupKind as Go prints it ("Deployment.apps")."""
    reasons = join_errors(f"{cause.field}: {cause.message}" for cause in causes)
    return f"{kind} {json.dumps(name, ensure_ascii=False)} is invalid: {reasons}"


def validate(
    resource: str, obj: Mapping[str, Any], *, old: Mapping[str, Any] | None = None
) -> list[Cause]:
    """Every rule `obj` breaks, in kube-apiserver's order; `old` is the stored object on update."""
    check = _Checker()
    _metadata(check, obj, _NAME_CHECKS.get(resource, is_dns1123_subdomain))
    rules = _RULES.get(resource)
    if rules is not None:
        rules(check, obj, old)
    return check.causes


def _render(value: Any) -> str:
    """field.Error's rendering of a bad value: plain numbers, quoted strings, JSON otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class _Checker:
    """Collects causes in order, and reads fields whose JSON type may be wrong."""

    def __init__(self) -> None:
        self.causes: list[Cause] = []

    def invalid(self, field: str, value: Any, detail: str) -> None:
        self.causes.append(
            Cause(field, f"Invalid value: {_render(value)}: {detail}", "FieldValueInvalid")
        )

    def each_invalid(self, field: str, value: Any, details: Sequence[str]) -> None:
        for detail in details:
            self.invalid(field, value, detail)

    def required(self, field: str, detail: str = "") -> None:
        message = f"Required value: {detail}" if detail else "Required value"
        self.causes.append(Cause(field, message, "FieldValueRequired"))

    def forbidden(self, field: str, detail: str) -> None:
        self.causes.append(Cause(field, f"Forbidden: {detail}", "FieldValueForbidden"))

    def duplicate(self, field: str, value: Any) -> None:
        self.causes.append(
            Cause(field, f"Duplicate value: {_render(value)}", "FieldValueDuplicate")
        )

    def one_of(self, field: str, value: str, supported: Sequence[str]) -> None:
        """Required when empty, Unsupported when not one of `supported` (listed as given)."""
        if not value:
            self.required(field)
        elif value not in supported:
            listed = ", ".join(json.dumps(choice) for choice in supported)
            self.causes.append(
                Cause(
                    field,
                    f"Unsupported value: {_render(value)}: supported values: {listed}",
                    "FieldValueNotSupported",
                )
            )

    # Typed reads. The real server refuses a wrongly typed body while decoding it (400); here
    # it becomes one cause, so validation never trips over an unexpected type.

    def _typed(self, obj: Mapping[str, Any], key: str, field: str, kind: type, name: str) -> Any:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.invalid(field, value, f"must be of type {name}")
            return None
        return value

    def text(self, obj: Mapping[str, Any], key: str, field: str) -> str:
        value: str | None = self._typed(obj, key, field, str, "string")
        return value or ""

    def integer(self, obj: Mapping[str, Any], key: str, field: str) -> int | None:
        value: int | None = self._typed(obj, key, field, int, "integer")
        return value

    def mapping(self, obj: Mapping[str, Any], key: str, field: str) -> Mapping[str, Any]:
        value: Mapping[str, Any] | None = self._typed(obj, key, field, dict, "object")
        return value or {}

    def objects(self, obj: Mapping[str, Any], key: str, field: str) -> list[Mapping[str, Any]]:
        """A list of objects; items of another type are reported and skipped."""
        value: list[Any] = self._typed(obj, key, field, list, "array") or []
        items: list[Mapping[str, Any]] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append(item)
            else:
                self.invalid(f"{field}[{index}]", item, "must be of type object")
        return items

    def string_map(self, obj: Mapping[str, Any], key: str, field: str) -> dict[str, str]:
        """Labels, annotations, selectors: string to string, other values reported."""
        strings = {}
        for name, value in self.mapping(obj, key, field).items():
            if isinstance(value, str):
                strings[name] = value
            else:
                self.invalid(f"{field}[{name}]", value, "must be of type string")
        return strings

    # Shared rules.

    def labels(self, labels: Mapping[str, str], field: str) -> None:
        """ValidateLabels: every key a qualified name, every value a label value."""
        for key, value in labels.items():
            self.each_invalid(field, key, is_qualified_name(key))
            self.each_invalid(field, value, is_label_value(value))

    def annotations(self, obj: Mapping[str, Any], field: str) -> None:
        """ValidateAnnotations; keys are checked in lower case, so "Example.com/Key" passes."""
        for key in self.string_map(obj, "annotations", field):
            self.each_invalid(field, key, is_qualified_name(key.lower()))

    def port_number(self, port: int, field: str) -> None:
        if not 1 <= port <= 65535:
            self.invalid(field, port, "must be between 1 and 65535, inclusive")

    def port_number_or_name(self, obj: Mapping[str, Any], key: str, field: str) -> None:
        """ValidatePortNumOrName: an int-or-string, as targetPort is."""
        value = obj.get(key)
        if isinstance(value, str):
            self.each_invalid(field, value, is_port_name(value))
        elif (number := self.integer(obj, key, field)) is not None:
            self.port_number(number, field)

    def non_negative(self, obj: Mapping[str, Any], key: str, field: str) -> int | None:
        value = self.integer(obj, key, field)
        if value is not None and value < 0:
            self.invalid(field, value, _NEGATIVE)
        return value

    def protocol(self, port: Mapping[str, Any], field: str) -> None:
        self.one_of(field, self.text(port, "protocol", field), _PROTOCOLS)

    def ip(self, value: str, field: str) -> bool:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            self.invalid(
                field, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
            )
            return False
        return True


# -- metadata -----------------------------------------------------------------------------------


def _mask_trailing_dash(name: str) -> str:
    # apimachinery's maskTrailingDash really replaces the last two characters with "a".
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def _metadata(
    check: _Checker, obj: Mapping[str, Any], name_check: Callable[[str], list[str]]
) -> None:
    """ValidateObjectMeta: name (or generateName prefix), namespace, labels, annotations."""
    meta = check.mapping(obj, "metadata", "metadata")
    name = check.text(meta, "name", "metadata.name")
    prefix = check.text(meta, "generateName", "metadata.generateName")
    if prefix:
        check.each_invalid("metadata.generateName", prefix, name_check(_mask_trailing_dash(prefix)))
    if name:
        check.each_invalid("metadata.name", name, name_check(name))
    elif not prefix:
        check.required("metadata.name", "name or generateName is required")
    namespace = check.text(meta, "namespace", "metadata.namespace")
    if namespace:
        check.each_invalid("metadata.namespace", namespace, is_dns1123_label(namespace))
    check.labels(check.string_map(meta, "labels", "metadata.labels"), "metadata.labels")
    check.annotations(meta, "metadata.annotations")


# -- pods ---------------------------------------------------------------------------------------


def _container(check: _Checker, container: Mapping[str, Any], field: str, names: set[str]) -> None:
    name = check.text(container, "name", f"{field}.name")
    if not name:
        check.required(f"{field}.name")
    else:
        check.each_invalid(f"{field}.name", name, is_dns1123_label(name))
        if name in names:
            check.duplicate(f"{field}.name", name)
        names.add(name)
    if not check.text(container, "image", f"{field}.image"):
        check.required(f"{field}.image")
    port_names: set[str] = set()
    for index, port in enumerate(check.objects(container, "ports", f"{field}.ports")):
        at = f"{field}.ports[{index}]"
        port_name = check.text(port, "name", f"{at}.name")
        if port_name:
            if problems := is_port_name(port_name):
                check.each_invalid(f"{at}.name", port_name, problems)
            elif port_name in port_names:
                check.duplicate(f"{at}.name", port_name)
            port_names.add(port_name)
        container_port = check.integer(port, "containerPort", f"{at}.containerPort")
        if not container_port:
            check.required(f"{at}.containerPort")
        else:
            check.port_number(container_port, f"{at}.containerPort")
        host_port = check.integer(port, "hostPort", f"{at}.hostPort")
        if host_port:
            check.port_number(host_port, f"{at}.hostPort")
        check.protocol(port, f"{at}.protocol")
    check.one_of(
        f"{field}.imagePullPolicy",
        check.text(container, "imagePullPolicy", f"{field}.imagePullPolicy"),
        ("Always", "IfNotPresent", "Never"),
    )
    check.one_of(
        f"{field}.terminationMessagePolicy",
        check.text(container, "terminationMessagePolicy", f"{field}.terminationMessagePolicy"),
        ("File", "FallbackToLogsOnError"),
    )


def _pod_spec(check: _Checker, spec: Mapping[str, Any], field: str) -> None:
    """ValidatePodSpec, for pods and pod templates alike."""
    names: set[str] = set()
    containers = check.objects(spec, "containers", f"{field}.containers")
    if not containers:
        check.required(f"{field}.containers")
    for index, container in enumerate(containers):
        _container(check, container, f"{field}.containers[{index}]", names)
    check.one_of(
        f"{field}.restartPolicy",
        check.text(spec, "restartPolicy", f"{field}.restartPolicy"),
        ("Always", "OnFailure", "Never"),
    )
    check.one_of(
        f"{field}.dnsPolicy",
        check.text(spec, "dnsPolicy", f"{field}.dnsPolicy"),
        ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"),
    )
    check.non_negative(
        spec, "terminationGracePeriodSeconds", f"{field}.terminationGracePeriodSeconds"
    )


def _pod(check: _Checker, pod: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    _pod_spec(check, check.mapping(pod, "spec", "spec"), "spec")


# -- Deployments and ReplicaSets ----------------------------------------------------------------


def _label_selector(check: _Checker, spec: Mapping[str, Any], field: str) -> LabelSelector | None:
    """ValidateLabelSelector, then the selector itself; None when it has errors or is absent."""
    if spec.get("selector") is None:
        check.required(field)
        return None
    selector = check.mapping(spec, "selector", field)
    causes_before = len(check.causes)
    match_labels = check.string_map(selector, "matchLabels", f"{field}.matchLabels")
    check.labels(match_labels, f"{field}.matchLabels")
    expressions = check.objects(selector, "matchExpressions", f"{field}.matchExpressions")
    for index, expression in enumerate(expressions):
        at = f"{field}.matchExpressions[{index}]"
        operator = check.text(expression, "operator", f"{at}.operator")
        values = expression.get("values") or []
        if operator in ("In", "NotIn"):
            if not values:
                check.required(
                    f"{at}.values", "must be specified when `operator` is 'In' or 'NotIn'"
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                check.forbidden(
                    f"{at}.values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
        else:
            check.invalid(f"{at}.operator", operator, "not a valid selector operator")
        key = check.text(expression, "key", f"{at}.key")
        check.each_invalid(f"{at}.key", key, is_qualified_name(key))
        for value_index, value in enumerate(values):
            check.each_invalid(f"{at}.values[{value_index}]", value, is_label_value(str(value)))
    # Any error above also makes LabelSelectorAsSelector fail, which is reported on its own.
    broken = len(check.causes) > causes_before
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        check.invalid(field, selector, "empty selector is invalid for deployment")
    if not broken:
        try:
            return LabelSelector.from_label_selector(selector)
        except SelectorError:
            pass
    check.invalid(field, selector, "invalid label selector")
    return None


def _int_or_percent(check: _Checker, rolling: Mapping[str, Any], key: str, field: str) -> int:
    """A positive int or "N%" (IsValidPercent); returns the number for the both-zero rule."""
    value = rolling.get(key)
    if isinstance(value, str):
        if not (value.endswith("%") and value[:-1].isdigit() and value[:-1].isascii()):
            check.invalid(field, value, _PERCENT_ERROR)
            return -1
        return int(value[:-1])
    return check.non_negative(rolling, key, field) or 0


def _deployment_strategy(check: _Checker, spec: Mapping[str, Any]) -> None:
    strategy = check.mapping(spec, "strategy", "spec.strategy")
    strategy_type = check.text(strategy, "type", "spec.strategy.type")
    rolling = strategy.get("rollingUpdate")
    if strategy_type == "Recreate":
        if rolling is not None:
            check.forbidden(
                "spec.strategy.rollingUpdate",
                "may not be specified when strategy `type` is 'Recreate'",
            )
    elif strategy_type == "RollingUpdate":
        rolling_update = check.mapping(strategy, "rollingUpdate", "spec.strategy.rollingUpdate")
        at = "spec.strategy.rollingUpdate"
        unavailable = _int_or_percent(
            check, rolling_update, "maxUnavailable", f"{at}.maxUnavailable"
        )
        surge = _int_or_percent(check, rolling_update, "maxSurge", f"{at}.maxSurge")
        if unavailable == 0 and surge == 0:
            check.invalid(
                f"{at}.maxUnavailable",
                rolling_update.get("maxUnavailable"),
                "may not be 0 when `maxSurge` is 0",
            )
        if isinstance(rolling_update.get("maxUnavailable"), str) and unavailable > 100:
            check.invalid(
                f"{at}.maxUnavailable",
                rolling_update["maxUnavailable"],
                "must not be greater than 100%",
            )
    else:
        check.causes.append(
            Cause(
                "spec.strategy",
                f'Unsupported value: {_render(strategy)}: supported values: "Recreate", '
                '"RollingUpdate"',
                "FieldValueNotSupported",
            )
        )


def _replicated(
    deployment: bool,
) -> Callable[[_Checker, Mapping[str, Any], Mapping[str, Any] | None], None]:
    """ValidateDeploymentSpec or ValidateReplicaSetSpec, plus apps/v1 selector immutability."""

    def rules(check: _Checker, obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
        spec = check.mapping(obj, "spec", "spec")
        check.non_negative(spec, "replicas", "spec.replicas")
        min_ready = check.non_negative(spec, "minReadySeconds", "spec.minReadySeconds") or 0
        has_selector = spec.get("selector") is not None
        selector = _label_selector(check, spec, "spec.selector")
        template = check.mapping(spec, "template", "spec.template")
        template_meta = check.mapping(template, "metadata", "spec.template.metadata")
        template_labels = check.string_map(template_meta, "labels", "spec.template.labels")
        # A missing selector selects nothing (labels.Nothing), so it cannot match either.
        if not has_selector or (selector is not None and not selector.matches(template_labels)):
            check.invalid(
                "spec.template.metadata.labels",
                template_labels,
                "`selector` does not match template `labels`",
            )
        # Sic: ValidatePodTemplateSpec reports template labels without `.metadata`.
        check.labels(template_labels, "spec.template.labels")
        check.annotations(template_meta, "spec.template.annotations")
        template_spec = check.mapping(template, "spec", "spec.template.spec")
        _pod_spec(check, template_spec, "spec.template.spec")
        restart = template_spec.get("restartPolicy")
        if restart and restart != "Always":
            check.causes.append(
                Cause(
                    "spec.template.spec.restartPolicy",
                    f'Unsupported value: {_render(restart)}: supported values: "Always"',
                    "FieldValueNotSupported",
                )
            )
        if deployment:
            _deployment_strategy(check, spec)
            check.non_negative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit")
            deadline = check.non_negative(
                spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds"
            )
            if deadline is not None and deadline <= min_ready:
                check.invalid(
                    "spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"
                )
        if old is not None:
            old_selector = (old.get("spec") or {}).get("selector")
            if _normalized_selector(spec.get("selector")) != _normalized_selector(old_selector):
                check.invalid("spec.selector", spec.get("selector"), _IMMUTABLE)

    return rules


def _normalized_selector(selector: Any) -> Any:
    # Semantic equality: an empty matchLabels or matchExpressions is the same as none.
    if not isinstance(selector, dict):
        return selector
    return {key: value for key, value in selector.items() if value not in (None, {}, [])}


# -- Services -----------------------------------------------------------------------------------


def _cluster_ips(spec: Mapping[str, Any]) -> list[str]:
    """spec.clusterIPs as the strategy syncs it from spec.clusterIP."""
    ips = spec.get("clusterIPs")
    if isinstance(ips, list) and ips:
        return [str(ip) for ip in ips]
    cluster_ip = spec.get("clusterIP")
    return [str(cluster_ip)] if cluster_ip else []


def _service(check: _Checker, service: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    """ValidateService and ValidateServiceUpdate, plus the NodePort range the allocator checks."""
    spec = check.mapping(service, "spec", "spec")
    service_type = check.text(spec, "type", "spec.type")
    cluster_ips = _cluster_ips(spec)
    headless = cluster_ips == ["None"]
    if old is not None:
        _service_update(check, spec, check.mapping(old, "spec", "spec"))
    ports = check.objects(spec, "ports", "spec.ports")
    if not ports and not headless and service_type != "ExternalName":
        check.required("spec.ports")
    if service_type in ("LoadBalancer", "NodePort") and headless:
        check.invalid(
            "spec.clusterIPs[0]", "None", f"may not be set to 'None' for {service_type} services"
        )
    elif service_type == "ExternalName":
        for family_field in ("clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            present = cluster_ips if family_field == "clusterIPs" else spec.get(family_field)
            if present:
                check.forbidden(f"spec.{family_field}", "may not be set for ExternalName services")
        # The CNAME may end with a dot, marking it fully qualified.
        cname = check.text(spec, "externalName", "spec.externalName").removesuffix(".")
        if cname:
            check.each_invalid("spec.externalName", cname, is_dns1123_subdomain(cname))
        else:
            check.required("spec.externalName")
    port_names: set[str] = set()
    for index, port in enumerate(ports):
        _service_port(check, port, f"spec.ports[{index}]", len(ports) > 1, port_names)
    selector = check.string_map(spec, "selector", "spec.selector")
    check.labels(selector, "spec.selector")
    check.one_of(
        "spec.sessionAffinity",
        check.text(spec, "sessionAffinity", "spec.sessionAffinity"),
        ("ClientIP", "None"),
    )
    if service_type != "ExternalName":
        given = spec.get("clusterIPs")
        if (
            isinstance(given, list)
            and given
            and spec.get("clusterIP")
            and given[0] != spec["clusterIP"]
        ):
            check.invalid("spec.clusterIPs", given, "first value must match `clusterIP`")
        for index, cluster_ip in enumerate(cluster_ips):
            if not (index == 0 and cluster_ip == "None"):
                check.ip(cluster_ip, f"spec.clusterIPs[{index}]")
    check.one_of(
        "spec.type", service_type, ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
    )
    _node_ports(check, ports, service_type)
    seen: set[tuple[Any, Any]] = set()
    for index, port in enumerate(ports):
        key = (port.get("protocol"), port.get("port"))
        if key in seen:
            check.duplicate(f"spec.ports[{index}]", {"port": key[1], "protocol": key[0]})
        seen.add(key)
    if spec.get("allocateLoadBalancerNodePorts") is not None and service_type != "LoadBalancer":
        check.forbidden(
            "spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"
        )
    if service_type == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        # Sic: kube-apiserver names this field without its `spec.` prefix.
        check.required("allocateLoadBalancerNodePorts")
    _traffic_policies(check, spec, service_type)


def _service_update(check: _Checker, spec: Mapping[str, Any], old_spec: Mapping[str, Any]) -> None:
    """validateUpgradeDowngradeClusterIPs, single-stack: the primary ClusterIP never changes."""
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return
    new_ips, old_ips = _cluster_ips(spec), _cluster_ips(old_spec)
    # An update that leaves clusterIP out keeps the allocated one, as the registry fills it in.
    if old_ips and new_ips and new_ips[0] != old_ips[0] and not new_ips == old_ips == ["None"]:
        check.invalid("spec.clusterIPs[0]", new_ips, "may not change once set")


def _service_port(
    check: _Checker, port: Mapping[str, Any], field: str, name_required: bool, names: set[str]
) -> None:
    name = check.text(port, "name", f"{field}.name")
    if name_required and not name:
        check.required(f"{field}.name")
    elif name:
        check.each_invalid(f"{field}.name", name, is_dns1123_label(name))
        if name in names:
            check.duplicate(f"{field}.name", name)
        names.add(name)
    number = check.integer(port, "port", f"{field}.port")
    check.port_number(number or 0, f"{field}.port")
    check.protocol(port, f"{field}.protocol")
    check.port_number_or_name(port, "targetPort", f"{field}.targetPort")


def _node_ports(check: _Checker, ports: Sequence[Mapping[str, Any]], service_type: str) -> None:
    seen: set[tuple[Any, int]] = set()
    low, high = _NODE_PORT_RANGE
    for index, port in enumerate(ports):
        field = f"spec.ports[{index}].nodePort"
        node_port = check.integer(port, "nodePort", field)
        if not node_port:
            continue
        if service_type not in ("NodePort", "LoadBalancer"):
            check.forbidden(field, f"may not be used when `type` is '{service_type}'")
            continue
        if (port.get("protocol"), node_port) in seen:
            check.duplicate(field, node_port)
        seen.add((port.get("protocol"), node_port))
        if not low <= node_port <= high:
            # The NodePort allocator's error, reported by the real server as a 422 as well.
            check.invalid(
                field,
                node_port,
                "provided port is not in the valid range. "
                f"The range of valid ports is {low}-{high}",
            )


def _traffic_policies(check: _Checker, spec: Mapping[str, Any], service_type: str) -> None:
    external = check.text(spec, "externalTrafficPolicy", "spec.externalTrafficPolicy")
    externally_accessible = service_type in ("NodePort", "LoadBalancer") or (
        service_type == "ClusterIP" and bool(spec.get("externalIPs"))
    )
    if not externally_accessible:
        if external:
            check.invalid(
                "spec.externalTrafficPolicy",
                external,
                "may only be set for externally-accessible services",
            )
    else:
        check.one_of("spec.externalTrafficPolicy", external, ("Cluster", "Local"))
    internal = check.text(spec, "internalTrafficPolicy", "spec.internalTrafficPolicy")
    if internal or service_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        check.one_of("spec.internalTrafficPolicy", internal, ("Cluster", "Local"))


# -- Endpoints, EndpointSlices, Ingresses ------------------------------------------------------


def _endpoint_ports(
    check: _Checker, ports: Sequence[Mapping[str, Any]], field: str, *, endpoints: bool
) -> None:
    """Ports of Endpoints subsets (numbered, named when several) or of EndpointSlices."""
    names: set[str] = set()
    for index, port in enumerate(ports):
        at = f"{field}[{index}]"
        name = check.text(port, "name", f"{at}.name")
        if endpoints and len(ports) > 1 and not name:
            check.required(f"{at}.name")
        elif name:
            check.each_invalid(f"{at}.name", name, is_dns1123_label(name))
        if not endpoints:
            if name in names:
                check.duplicate(f"{at}.name", name)
            names.add(name)
        number = check.integer(port, "port", f"{at}.port")
        # An EndpointSlice port may be left out: it then means "all ports".
        if number is not None or endpoints:
            check.port_number(number or 0, f"{at}.port")
        check.protocol(port, f"{at}.protocol")


def _endpoints(
    check: _Checker, endpoints: Mapping[str, Any], old: Mapping[str, Any] | None
) -> None:
    for index, subset in enumerate(check.objects(endpoints, "subsets", "subsets")):
        at = f"subsets[{index}]"
        if not subset.get("addresses") and not subset.get("notReadyAddresses"):
            check.required(at, "must specify `addresses` or `notReadyAddresses`")
        for kind in ("addresses", "notReadyAddresses"):
            for position, address in enumerate(check.objects(subset, kind, f"{at}.{kind}")):
                ip_field = f"{at}.{kind}[{position}].ip"
                check.ip(check.text(address, "ip", ip_field), ip_field)
        ports = check.objects(subset, "ports", f"{at}.ports")
        if not ports:
            check.required(f"{at}.ports")
        _endpoint_ports(check, ports, f"{at}.ports", endpoints=True)


def _endpoint_slice(
    check: _Checker, endpoint_slice: Mapping[str, Any], old: Mapping[str, Any] | None
) -> None:
    address_type = check.text(endpoint_slice, "addressType", "addressType")
    check.one_of("addressType", address_type, ("FQDN", "IPv4", "IPv6"))
    for index, endpoint in enumerate(check.objects(endpoint_slice, "endpoints", "endpoints")):
        field = f"endpoints[{index}].addresses"
        addresses = endpoint.get("addresses")
        if not isinstance(addresses, list) or not addresses:
            check.required(field, "must contain at least 1 address")
            continue
        for position, address in enumerate(addresses):
            at = f"{field}[{position}]"
            if address_type in ("IPv4", "IPv6") and check.ip(str(address), at):
                if ipaddress.ip_address(str(address)).version != int(address_type[-1]):
                    check.invalid(at, address, f"must be a valid {address_type} address")
            elif address_type == "FQDN":
                check.each_invalid(at, address, is_dns1123_subdomain(str(address)))
    _endpoint_ports(
        check, check.objects(endpoint_slice, "ports", "ports"), "ports", endpoints=False
    )


def _ingress_backend(check: _Checker, backend: Mapping[str, Any], field: str) -> None:
    service = backend.get("service")
    if not isinstance(service, dict):
        check.invalid(field, "", "resource or service backend is required")
        return
    name = check.text(service, "name", f"{field}.service.name")
    if not name:
        check.required(f"{field}.service.name")
    else:
        check.each_invalid(f"{field}.service.name", name, is_dns1035_label(name))
    port = check.mapping(service, "port", f"{field}.service.port")
    port_name = check.text(port, "name", f"{field}.service.port.name")
    port_number = check.integer(port, "number", f"{field}.service.port.number")
    if port_name and port_number:
        check.invalid(field, "", "cannot set both port name & port number")
    elif port_name:
        check.each_invalid(f"{field}.service.port.name", port_name, is_port_name(port_name))
    elif port_number:
        check.port_number(port_number, f"{field}.service.port.number")
    else:
        check.required(field, "port name or number is required")


def _ingress(check: _Checker, ingress: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    spec = check.mapping(ingress, "spec", "spec")
    rules = check.objects(spec, "rules", "spec.rules")
    default = spec.get("defaultBackend")
    if not rules and default is None:
        check.invalid(
            "spec", spec.get("rules"), "either `defaultBackend` or `rules` must be specified"
        )
    if isinstance(default, dict):
        _ingress_backend(check, default, "spec.defaultBackend")
    for index, rule in enumerate(rules):
        at = f"spec.rules[{index}]"
        host = check.text(rule, "host", f"{at}.host")
        if host:
            _ingress_host(check, host, f"{at}.host")
        http = rule.get("http")
        if not isinstance(http, dict):
            continue
        paths = check.objects(http, "paths", f"{at}.http.paths")
        if not paths:
            check.required(f"{at}.http.paths")
        for position, path in enumerate(paths):
            _ingress_path(check, path, f"{at}.http.paths[{position}]")


def _ingress_host(check: _Checker, host: str, field: str) -> None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        # A wildcard host is "*." followed by a subdomain.
        check.each_invalid(field, host, is_dns1123_subdomain(host.removeprefix("*.")))
    else:
        check.invalid(field, host, "must be a DNS name, not an IP address")


def _ingress_path(check: _Checker, path: Mapping[str, Any], field: str) -> None:
    path_type = check.text(path, "pathType", f"{field}.pathType")
    if not path_type:
        check.required(f"{field}.pathType", "pathType must be specified")
        return
    check.one_of(f"{field}.pathType", path_type, ("Exact", "ImplementationSpecific", "Prefix"))
    value = check.text(path, "path", f"{field}.path")
    if path_type in ("Exact", "Prefix") and not value.startswith("/"):
        check.invalid(f"{field}.path", value, "must be an absolute path")
    _ingress_backend(check, check.mapping(path, "backend", f"{field}.backend"), f"{field}.backend")


_Rules = Callable[[_Checker, Mapping[str, Any], Mapping[str, Any] | None], None]

_NAME_CHECKS: dict[str, Callable[[str], list[str]]] = {
    "services": is_dns1035_label,
    "namespaces": is_dns1123_label,
}
_RULES: dict[str, _Rules] = {
    "pods": _pod,
    "deployments": _replicated(deployment=True),
    "replicasets": _replicated(deployment=False),
    "services": _service,
    "endpoints": _endpoints,
    "endpointslices": _endpoint_slice,
    "ingresses": _ingress,
}
