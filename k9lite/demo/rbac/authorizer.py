"""kube-apiserver's authorization of every request: the privileged group, then RBAC.

Follows kubernetes `plugin/pkg/auth/authorizer/rbac/rbac.go` (RBACAuthorizer, the visitor that
stops at the first allowing rule) and `pkg/registry/rbac/validation/rule.go` (VisitRulesFor: the
ClusterRoleBindings, then the RoleBindings of the request's namespace). The 403 wording is
k8s.io/apiserver `pkg/endpoints/handlers/responsewriters/errors.go` (forbiddenMessage).
`rules_for` is also what SelfSubjectRulesReview reports and `authorize` what
SelfSubjectAccessReview answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.demo.errors import APIError, forbidden
from k9lite.demo.rbac.attributes import SYSTEM_MASTERS, Attributes, UserInfo
from k9lite.demo.rbac.rules import rule_allows
from k9lite.demo.registry import resource
from k9lite.demo.resources import RBAC_GROUP
from k9lite.demo.store import Store

__all__ = ["Decision", "RBACAuthorizer", "VisitedRule", "forbidden_error"]

_SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed or not, and why (RBAC's reason: the granting binding, or the errors it met)."""

    allowed: bool
    reason: str


@dataclass(frozen=True, slots=True)
class VisitedRule:
    """One rule that applies to a user, with the binding that grants it; or a broken binding."""

    source: str
    rule: Mapping[str, Any] | None
    error: str | None = None


def _subject_applies(user: UserInfo, subject: Mapping[str, Any], binding_namespace: str) -> bool:
    """appliesToUser: a User by name, a Group by membership, a ServiceAccount by its user name."""
    kind, name = subject.get("kind"), subject.get("name")
    if kind == "User":
        return user.name == name
    if kind == "Group":
        return name in user.groups
    if kind == "ServiceAccount":
        # A ServiceAccount subject without a namespace means the binding's own namespace.
        namespace = subject.get("namespace") or binding_namespace
        return bool(namespace) and user.name == f"{_SERVICE_ACCOUNT_PREFIX}{namespace}:{name}"
    return False


def _describe_subject(subject: Mapping[str, Any]) -> str:
    if subject.get("kind") == "ServiceAccount" and subject.get("namespace"):
        return f'{subject["kind"]} "{subject["namespace"]}/{subject.get("name", "")}"'
    return f'{subject.get("kind", "")} "{subject.get("name", "")}"'


def _not_found(kind: str, name: str) -> str:
    """The role listers' NotFound message: the resource is the singular, lower-case kind."""
    return f'{kind.lower()}.{RBAC_GROUP} "{name}" not found'


class RBACAuthorizer:
    """Decides requests from the Roles, ClusterRoles and bindings in the store, as they are now."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def role_rules(
        self, role_ref: Mapping[str, Any], namespace: str
    ) -> tuple[list[Mapping[str, Any]], str | None]:
        """GetRoleReferenceRules: the rules of the role a binding names, or why there are none."""
        kind, name = role_ref.get("kind", ""), str(role_ref.get("name", ""))
        if kind == "ClusterRole":
            role = self.store.find(resource("ClusterRole"), "", name)
        elif kind == "Role":
            role = self.store.find(resource("Role"), namespace, name) if namespace else None
        else:
            return [], f'unsupported role reference kind: "{kind}"'
        if role is None:
            return [], _not_found(kind, name)
        rules = role.get("rules")
        return [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else [], None

    def rules_for(self, user: UserInfo, namespace: str) -> Iterator[VisitedRule]:
        """VisitRulesFor: every rule granted to `user` cluster-wide, then in `namespace`."""
        for binding in self.store.iter(resource("ClusterRoleBinding")):
            yield from self._binding_rules(user, binding, "", "ClusterRoleBinding")
        if namespace:
            for binding in self.store.iter(resource("RoleBinding"), namespace):
                yield from self._binding_rules(user, binding, namespace, "RoleBinding")

    def _binding_rules(
        self, user: UserInfo, binding: Mapping[str, Any], namespace: str, kind: str
    ) -> Iterator[VisitedRule]:
        subjects = binding.get("subjects")
        subject = next(
            (
                s
                for s in (subjects if isinstance(subjects, list) else [])
                if isinstance(s, dict) and _subject_applies(user, s, namespace)
            ),
            None,
        )
        if subject is None:
            return
        role_ref = binding.get("roleRef") or {}
        rules, error = self.role_rules(role_ref, namespace)
        name = binding["metadata"]["name"]
        # rule.go's describers: a RoleBinding is named "name/namespace".
        shown = f"{name}/{namespace}" if namespace else name
        source = (
            f'{kind} "{shown}" of {role_ref.get("kind", "")} "{role_ref.get("name", "")}" '
            f"to {_describe_subject(subject)}"
        )
        if error is not None:
            yield VisitedRule(source, None, error)
        for rule in rules:
            yield VisitedRule(source, rule)

    def authorize(self, attributes: Attributes) -> Decision:
        """The union of kube-apiserver's authorizers: system:masters may do anything, then RBAC."""
        if SYSTEM_MASTERS in attributes.user.groups:
            return Decision(True, "")
        errors: list[str] = []
        for visited in self.rules_for(attributes.user, attributes.namespace):
            if visited.rule is not None and rule_allows(attributes, visited.rule):
                return Decision(True, f"RBAC: allowed by {visited.source}")
            if visited.error is not None and visited.error not in errors:
                errors.append(visited.error)
        if not errors:
            return Decision(False, "")
        # utilerrors.NewAggregate: one message alone, several in brackets, duplicates once.
        joined = errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"
        return Decision(False, f"RBAC: {joined}")


def _forbidden_message(attributes: Attributes) -> str:
    user = attributes.user.name
    if not attributes.resource_request:
        return f'User "{user}" cannot {attributes.verb} path "{attributes.path}"'
    what = attributes.resource
    if attributes.subresource:
        what = f"{what}/{attributes.subresource}"
    scope = (
        f'in the namespace "{attributes.namespace}"'
        if attributes.namespace
        else "at the cluster scope"
    )
    return (
        f'User "{user}" cannot {attributes.verb} resource "{what}" '
        f'in API group "{attributes.api_group}" {scope}'
    )


def forbidden_error(attributes: Attributes, reason: str) -> APIError:
    """responsewriters.Forbidden: the 403 a refused request gets, before any handler runs."""
    message = _forbidden_message(attributes)
    if reason:
        message = f"{message}: {reason}"
    return forbidden(attributes.api_group, attributes.resource, attributes.name, message)
