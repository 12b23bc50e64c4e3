"""The RBAC objects a demo cluster starts with, and the bindings of its `--user` accounts."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from k9lite.demo.rbac.users import DemoUser
from k9lite.demo.registry import Registry, resource
from k9lite.demo.resources import RBAC_GROUP

__all__ = ["AGGREGATE_LABEL", "assignable_roles", "bootstrap_policy"]

_POLICY = Path(__file__).with_name("policy.yaml")
_BOOTSTRAP_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}
_AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
AGGREGATE_LABEL = "rbac.authorization.k8s.io/aggregate-to-{}"


@cache
def _policy() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(_POLICY.read_text())
    return document


def assignable_roles() -> list[str]:
    """The role names `--user NAME:ROLE` accepts: every built-in ClusterRole and Role."""
    policy = _policy()
    return [role["name"] for role in policy["cluster_roles"]] + [
        role["name"] for role in policy["roles"]
    ]


def _cluster_role(entry: dict[str, Any]) -> dict[str, Any]:
    role: dict[str, Any] = {
        "metadata": {
            "name": entry["name"],
            "labels": {**_BOOTSTRAP_LABELS, **entry.get("labels", {})},
            "annotations": dict(_AUTOUPDATE),
        },
        "rules": entry.get("rules", []),
    }
    if "aggregate_to" in entry:
        label = AGGREGATE_LABEL.format(entry["aggregate_to"])
        role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {label: "true"}}]}
    return role


def _subject(kind: str, name: str) -> dict[str, str]:
    return {"kind": kind, "apiGroup": RBAC_GROUP, "name": name}


def _binding(
    name: str, role_kind: str, role: str, subjects: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": role},
        "subjects": subjects,
    }


def bootstrap_policy(registry: Registry, users: Iterable[DemoUser]) -> None:
    """Create the built-in roles and bindings, then bind each `--user` to its role.

    A namespaced role is granted by a RoleBinding in its namespace, a ClusterRole by a
    ClusterRoleBinding; each binding is named after its user.
    """
    policy = _policy()
    for entry in policy["cluster_roles"]:
        registry.create(resource("ClusterRole"), None, _cluster_role(entry))
    for entry in policy["cluster_role_bindings"]:
        subjects = [_subject("Group", group) for group in entry["groups"]]
        registry.create(
            resource("ClusterRoleBinding"),
            None,
            _binding(entry["name"], "ClusterRole", entry["role"], subjects),
        )
    role_namespaces = {}
    for entry in policy["roles"]:
        role_namespaces[entry["name"]] = entry["namespace"]
        role = {
            "metadata": {"name": entry["name"], "namespace": entry["namespace"]},
            "rules": entry["rules"],
        }
        registry.create(resource("Role"), entry["namespace"], role)
    for user in users:
        subjects = [_subject("User", user.name)]
        namespace = role_namespaces.get(user.role)
        if namespace is None:
            registry.create(
                resource("ClusterRoleBinding"),
                None,
                _binding(user.name, "ClusterRole", user.role, subjects),
            )
        else:
            registry.create(
                resource("RoleBinding"), namespace, _binding(user.name, "Role", user.role, subjects)
            )
