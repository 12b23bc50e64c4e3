"""ValidatePodSpec and its containers, for Pods and the pod templates of workloads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from k9lite.demo.validation.checker import Checker
from k9lite.model.names import is_dns1123_label, is_port_name

__all__ = ["pod_rules", "validate_pod_spec"]


def _container(check: Checker, container: Mapping[str, Any], field: str, names: set[str]) -> None:
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


def validate_pod_spec(check: Checker, spec: Mapping[str, Any], field: str) -> None:
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


_MUTABLE = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be "
    "set to 1 if it was previously negative)"
)


def pod_rules(check: Checker, pod: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    spec = check.mapping(pod, "spec", "spec")
    validate_pod_spec(check, spec, "spec")
    if old is not None and _frozen(spec) != _frozen(old.get("spec") or {}, spec):
        # ValidatePodUpdate; the real message goes on with a Go diff of the two specs, which
        # the demo leaves out.
        check.forbidden("spec", _MUTABLE)


def _frozen(spec: Mapping[str, Any], new: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The part of a pod spec no update may change: images, the deadline, tolerations added
    and a grace period raised from negative to 1 masked out. `new`, when the old spec is
    given, decides what of the tolerations and the grace period may differ."""
    frozen = dict(spec)
    for key in ("containers", "initContainers"):
        frozen[key] = [{**c, "image": None} for c in spec.get(key) or ()]
    frozen.pop("activeDeadlineSeconds", None)
    frozen["tolerations"] = list(spec.get("tolerations") or ())
    if new is not None:
        added = list(new.get("tolerations") or ())
        if added[: len(frozen["tolerations"])] == frozen["tolerations"]:
            frozen["tolerations"] = added
        grace = spec.get("terminationGracePeriodSeconds")
        if isinstance(grace, int) and grace < 0 and new.get("terminationGracePeriodSeconds") == 1:
            frozen["terminationGracePeriodSeconds"] = 1
    return frozen
