"""The RoleBinding and ClusterRoleBinding printers of printers.go (Roles use the generic table).

printRoleBinding: NAME, ROLE as `Kind/name`, AGE, and with `-o wide` the users, groups and
service accounts bound, as rbac.SubjectsStrings lists them (a ServiceAccount as `ns/name`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from k9lite.demo.tables.cells import Obj, age_cell, name_cell
from k9lite.demo.tables.columns import AGE_COLUMN, NAME_COLUMN, Column

__all__ = ["CLUSTER_ROLE_BINDING_COLUMNS", "ROLE_BINDING_COLUMNS", "role_binding_cells"]

_SUBJECT_COLUMNS = (
    Column("Users", "Users in the roleBinding", priority=1),
    Column("Groups", "Groups in the roleBinding", priority=1),
    Column("ServiceAccounts", "ServiceAccounts in the roleBinding", priority=1),
)
_IMMUTABLE = (
    "If the RoleRef cannot be resolved, the Authorizer must return an error. "
    "This field is immutable."
)
ROLE_BINDING_COLUMNS = (
    NAME_COLUMN,
    Column(
        "Role",
        "RoleRef can reference a Role in the current namespace or a ClusterRole in the global "
        f"namespace. {_IMMUTABLE}",
    ),
    AGE_COLUMN,
    *_SUBJECT_COLUMNS,
)
CLUSTER_ROLE_BINDING_COLUMNS = (
    NAME_COLUMN,
    Column(
        "Role", f"RoleRef can only reference a ClusterRole in the global namespace. {_IMMUTABLE}"
    ),
    AGE_COLUMN,
    *_SUBJECT_COLUMNS,
)


def role_binding_cells(binding: Obj, now: datetime) -> list[Any]:
    role_ref = binding.get("roleRef") or {}
    users: list[str] = []
    groups: list[str] = []
    accounts: list[str] = []
    for subject in binding.get("subjects") or []:
        kind, name = subject.get("kind"), str(subject.get("name", ""))
        if kind == "User":
            users.append(name)
        elif kind == "Group":
            groups.append(name)
        elif kind == "ServiceAccount":
            accounts.append(f"{subject.get('namespace', '')}/{name}")
    return [
        name_cell(binding),
        f"{role_ref.get('kind', '')}/{role_ref.get('name', '')}",
        age_cell(binding, now),
        ", ".join(users),
        ", ".join(groups),
        ", ".join(accounts),
    ]
