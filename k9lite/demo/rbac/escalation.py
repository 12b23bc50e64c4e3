"""RBAC's guard against privilege escalation, run on every write of a role or a binding.

Follows kubernetes `pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/
policybased/storage.go`: system:masters may write anything; otherwise a role's rules must be
covered by the writer's own rules unless it may `escalate` that role, and a binding's role must
be covered unless the writer may `bind` it (`pkg/registry/rbac/escalation_check.go`). The
refusal is validation.ConfirmNoEscalation's message in a 403.

The writer is the request's user, which the API server puts in `REQUEST_USER` for the time of
the request (as kube-apiserver keeps it in the request context); controllers write with none.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from k9lite.demo.errors import forbidden, not_found
from k9lite.demo.rbac.attributes import SYSTEM_MASTERS, Attributes, UserInfo
from k9lite.demo.rbac.authorizer import RBACAuthorizer
from k9lite.demo.rbac.coverage import compact_strings, uncovered
from k9lite.demo.registry import resource
from k9lite.demo.resources import RBAC_GROUP, ResourceType

__all__ = ["REQUEST_USER", "EscalationCheck"]

REQUEST_USER: ContextVar[UserInfo | None] = ContextVar("k9lite_demo_request_user", default=None)
_ROLE_RESOURCES = {"Role": "roles", "ClusterRole": "clusterroles"}


class EscalationCheck:
    """A Registry admission hook: refuses role and binding writes that grant more than is held."""

    def __init__(self, authorizer: RBACAuthorizer) -> None:
        self.authorizer = authorizer

    def _may(self, user: UserInfo, verb: str, plural: str, namespace: str, name: str) -> bool:
        attributes = Attributes(
            user,
            verb,
            "",
            resource_request=True,
            api_group=RBAC_GROUP,
            api_version="*",
            namespace=namespace,
            resource=plural,
            name=name,
        )
        return self.authorizer.authorize(attributes).allowed

    def __call__(self, rt: ResourceType, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        user = REQUEST_USER.get()
        if user is None or rt.group != RBAC_GROUP or SYSTEM_MASTERS in user.groups:
            return
        namespace = obj["metadata"].get("namespace", "")
        name = obj["metadata"]["name"]
        if rt.kind in _ROLE_RESOURCES:
            if self._may(user, "escalate", rt.plural, namespace, name):
                return
            granted: list[Mapping[str, Any]] = [
                r for r in obj.get("rules") or [] if isinstance(r, dict)
            ]
        else:
            role_ref = obj.get("roleRef") or {}
            kind, role = role_ref.get("kind", ""), str(role_ref.get("name", ""))
            plural = _ROLE_RESOURCES.get(kind)
            if plural and self._may(user, "bind", plural, namespace, role):
                return
            granted, error = self.authorizer.role_rules(role_ref, namespace)
            if error is not None:
                # Validation ran first: the roleRef's kind is Role or ClusterRole.
                raise not_found(resource(kind), role)
        self._confirm_no_escalation(rt, name, user, namespace, granted)

    def _confirm_no_escalation(
        self,
        rt: ResourceType,
        name: str,
        user: UserInfo,
        namespace: str,
        granted: list[Mapping[str, Any]],
    ) -> None:
        owned: list[Mapping[str, Any]] = []
        errors: list[str] = []
        for visited in self.authorizer.rules_for(user, namespace):
            if visited.rule is not None:
                owned.append(visited.rule)
            elif visited.error is not None:
                errors.append(visited.error)
        missing = uncovered(owned, granted)
        if not missing:
            return
        groups = " ".join(f'"{group}"' for group in user.groups)
        message = (
            f'user "{user.name}" (groups=[{groups}]) is attempting to grant RBAC permissions '
            "not currently held:\n" + "\n".join(compact_strings(missing))
        )
        if errors:
            message += f"; resolution errors: [{' '.join(errors)}]"
        raise forbidden(RBAC_GROUP, rt.plural, name, message)
