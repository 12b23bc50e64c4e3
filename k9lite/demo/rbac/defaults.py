"""Defaults of the RBAC kinds: kubernetes `pkg/apis/rbac/v1/defaults.go`."""

from __future__ import annotations

from typing import Any

from k9lite.demo.resources import RBAC_GROUP

__all__ = ["default_binding"]


def default_binding(binding: dict[str, Any]) -> None:
    """SetDefaults_RoleBinding and SetDefaults_Subject: the API group of a roleRef and subjects."""
    role_ref = binding.get("roleRef")
    if isinstance(role_ref, dict) and not role_ref.get("apiGroup"):
        role_ref["apiGroup"] = RBAC_GROUP
    subjects = binding.get("subjects")
    for subject in subjects if isinstance(subjects, list) else []:
        # A ServiceAccount subject is in the core group: its apiGroup stays empty.
        is_user_or_group = isinstance(subject, dict) and subject.get("kind") in ("User", "Group")
        if is_user_or_group and not subject.get("apiGroup"):
            subject["apiGroup"] = RBAC_GROUP
