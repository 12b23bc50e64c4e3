"""Which rules each resource gets, and validate(), which runs them in kube-apiserver's order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from k9lite.demo.rbac.validation import (
    binding_rules,
    cluster_role_rules,
    is_path_segment_name,
    role_rules,
)
from k9lite.demo.validation.checker import Cause, Checker, Rules
from k9lite.demo.validation.endpoints import endpoint_slice_rules, endpoints_rules
from k9lite.demo.validation.ingresses import ingress_rules
from k9lite.demo.validation.metadata import validate_object_meta
from k9lite.demo.validation.pods import pod_rules
from k9lite.demo.validation.services import service_rules
from k9lite.demo.validation.workloads import replicated_rules
from k9lite.model.names import is_dns1035_label, is_dns1123_label, is_dns1123_subdomain

__all__ = ["validate"]


_NAME_CHECKS: dict[str, Callable[[str], list[str]]] = {
    "services": is_dns1035_label,
    "namespaces": is_dns1123_label,
    "roles": is_path_segment_name,
    "rolebindings": is_path_segment_name,
    "clusterroles": is_path_segment_name,
    "clusterrolebindings": is_path_segment_name,
}
_RULES: dict[str, Rules] = {
    "pods": pod_rules,
    "deployments": replicated_rules(deployment=True),
    "replicasets": replicated_rules(deployment=False),
    "services": service_rules,
    "endpoints": endpoints_rules,
    "endpointslices": endpoint_slice_rules,
    "ingresses": ingress_rules,
    "roles": role_rules,
    "clusterroles": cluster_role_rules,
    "rolebindings": binding_rules(cluster=False),
    "clusterrolebindings": binding_rules(cluster=True),
}


def validate(
    resource: str, obj: Mapping[str, Any], *, old: Mapping[str, Any] | None = None
) -> list[Cause]:
    """Every rule `obj` breaks, in kube-apiserver's order; `old` is the stored object on update."""
    check = Checker()
    validate_object_meta(check, obj, _NAME_CHECKS.get(resource, is_dns1123_subdomain))
    rules = _RULES.get(resource)
    if rules is not None:
        rules(check, obj, old)
    return check.causes
