"""Validation of the RBAC kinds, as kubernetes `pkg/apis/rbac/validation/validation.go` does it.

RBAC names are path segments (`system:discovery` is a valid name), every rule has verbs,
resource rules name groups and resources, and a binding's roleRef never changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from k9lite.demo.resources import RBAC_GROUP
from k9lite.demo.validation.checker import Cause, Checker, Rules, render

__all__ = [
    "binding_rules",
    "cluster_role_rules",
    "is_path_segment_name",
    "role_rules",
]

_SUBJECT_KINDS = ("ServiceAccount", "User", "Group")


def is_path_segment_name(name: str) -> list[str]:
    """path.IsValidPathSegmentName: what RBAC object and role names must be."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


def _not_supported(check: Checker, field: str, value: str, supported: tuple[str, ...]) -> None:
    listed = ", ".join(render(choice) for choice in supported)
    check.causes.append(
        Cause(
            field,
            f"Unsupported value: {render(value)}: supported values: {listed}",
            "FieldValueNotSupported",
        )
    )


def _policy_rules(check: Checker, obj: Mapping[str, Any], *, namespaced: bool) -> None:
    """ValidatePolicyRule for each of `rules`."""
    for index, rule in enumerate(check.objects(obj, "rules", "rules")):
        field = f"rules[{index}]"
        if not rule.get("verbs"):
            check.required(f"{field}.verbs", "verbs must contain at least one value")
        urls = rule.get("nonResourceURLs")
        if urls:
            if namespaced:
                check.invalid(
                    f"{field}.nonResourceURLs",
                    urls,
                    "namespaced rules cannot apply to non-resource URLs",
                )
            if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
                check.invalid(
                    f"{field}.nonResourceURLs",
                    urls,
                    "rules cannot apply to both regular resources and non-resource URLs",
                )
            continue
        if not rule.get("apiGroups"):
            check.required(
                f"{field}.apiGroups", "resource rules must supply at least one api group"
            )
        if not rule.get("resources"):
            check.required(f"{field}.resources", "resource rules must supply at least one resource")


def role_rules(check: Checker, obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    _policy_rules(check, obj, namespaced=True)


def cluster_role_rules(
    check: Checker, obj: Mapping[str, Any], old: Mapping[str, Any] | None
) -> None:
    _policy_rules(check, obj, namespaced=False)


def _subject(check: Checker, subject: Mapping[str, Any], field: str, namespaced: bool) -> None:
    """ValidateRoleBindingSubject."""
    if not subject.get("name"):
        check.required(f"{field}.name")
    kind, group = str(subject.get("kind", "")), str(subject.get("apiGroup", ""))
    if kind == "ServiceAccount":
        if group:
            _not_supported(check, f"{field}.apiGroup", group, ("",))
        if not namespaced and not subject.get("namespace"):
            check.required(f"{field}.namespace")
    elif kind in ("User", "Group"):
        if group != RBAC_GROUP:
            _not_supported(check, f"{field}.apiGroup", group, (RBAC_GROUP,))
    else:
        _not_supported(check, f"{field}.kind", kind, _SUBJECT_KINDS)


def _role_ref_text(role_ref: Mapping[str, Any]) -> str:
    """A RoleRef as Go's %#v prints it in the `cannot change roleRef` message."""
    return (
        f"rbac.RoleRef{{APIGroup:{render(str(role_ref.get('apiGroup', '')))}, "
        f"Kind:{render(str(role_ref.get('kind', '')))}, "
        f"Name:{render(str(role_ref.get('name', '')))}}}"
    )


def binding_rules(*, cluster: bool) -> Rules:
    """ValidateRoleBinding or ValidateClusterRoleBinding, then the update rule on roleRef."""
    role_kinds = ("ClusterRole",) if cluster else ("Role", "ClusterRole")

    def rules(check: Checker, obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
        role_ref = check.mapping(obj, "roleRef", "roleRef")
        group = str(role_ref.get("apiGroup", ""))
        if group != RBAC_GROUP:
            _not_supported(check, "roleRef.apiGroup", group, (RBAC_GROUP,))
        kind = str(role_ref.get("kind", ""))
        if kind not in role_kinds:
            _not_supported(check, "roleRef.kind", kind, role_kinds)
        name = str(role_ref.get("name", ""))
        if not name:
            check.required("roleRef.name")
        else:
            check.each_invalid("roleRef.name", name, is_path_segment_name(name))
        for index, subject in enumerate(check.objects(obj, "subjects", "subjects")):
            _subject(check, subject, f"subjects[{index}]", not cluster)
        if old is not None and old.get("roleRef") != obj.get("roleRef"):
            check.causes.append(
                Cause(
                    "roleRef",
                    f"Invalid value: {_role_ref_text(role_ref)}: cannot change roleRef",
                    "FieldValueInvalid",
                )
            )

    return rules
