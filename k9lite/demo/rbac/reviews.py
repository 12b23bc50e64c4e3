"""The self reviews: what a user may do, its rules in a namespace, and who it is.

kube-apiserver's `pkg/registry/authorization/selfsubjectaccessreview/rest.go` (the request's user
asked about the spec's attributes, answered by the same authorizer that guards requests),
`selfsubjectrulesreview/rest.go` (the authorizers' RulesFor: system:masters gets `*`, RBAC its
rules, its broken bindings as the evaluationError) and `pkg/registry/authentication/
selfsubjectreview/rest.go` (the user's name and groups). Nothing is stored: a POST is answered
201 with the status filled, as kubectl auth can-i, can-i --list and whoami expect.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from k9lite.demo.errors import APIError, bad_request
from k9lite.demo.rbac.attributes import SYSTEM_MASTERS, Attributes, UserInfo
from k9lite.demo.rbac.authorizer import RBACAuthorizer
from k9lite.demo.timestamps import now_rfc3339

__all__ = ["REVIEW_GROUPS", "answer_review"]

AUTHORIZATION_GROUP = "authorization.k8s.io"
AUTHENTICATION_GROUP = "authentication.k8s.io"
REVIEW_GROUPS = frozenset({AUTHORIZATION_GROUP, AUTHENTICATION_GROUP})
"""The groups whose resources are reviews: created, answered, never stored."""

Answer = Callable[[RBACAuthorizer, UserInfo, Mapping[str, Any]], dict[str, Any]]


def _text(values: Mapping[str, Any], key: str) -> str:
    value = values.get(key)
    return value if isinstance(value, str) else ""


def _invalid_spec() -> APIError:
    """ValidateSelfSubjectAccessReviewSpec: one of the two attribute kinds, exactly."""
    field = "spec.resourceAttributes"
    reason = "exactly one of nonResourceAttributes or resourceAttributes must be specified"
    return APIError(
        422,
        "Invalid",
        f'SelfSubjectAccessReview.{AUTHORIZATION_GROUP} "" is invalid: '
        f'{field}: Invalid value: "null": {reason}',
        details={
            "group": AUTHORIZATION_GROUP,
            "kind": "SelfSubjectAccessReview",
            "causes": [{"reason": "FieldValueInvalid", "message": reason, "field": field}],
        },
    )


def _asked(user: UserInfo, spec: Mapping[str, Any]) -> Attributes:
    """ResourceAttributesFrom / NonResourceAttributesFrom: the request the spec describes."""
    resource, non_resource = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    if isinstance(resource, dict) and not isinstance(non_resource, dict):
        return Attributes(
            user,
            _text(resource, "verb"),
            "",
            resource_request=True,
            api_group=_text(resource, "group"),
            api_version=_text(resource, "version"),
            namespace=_text(resource, "namespace"),
            resource=_text(resource, "resource"),
            subresource=_text(resource, "subresource"),
            name=_text(resource, "name"),
        )
    if isinstance(non_resource, dict) and not isinstance(resource, dict):
        path, verb = _text(non_resource, "path"), _text(non_resource, "verb")
        return Attributes(user, verb, path, resource_request=False)
    raise _invalid_spec()


def _access_review(
    authorizer: RBACAuthorizer, user: UserInfo, body: Mapping[str, Any]
) -> dict[str, Any]:
    spec = body.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    decision = authorizer.authorize(_asked(user, spec))
    # RBAC never denies, it only has no opinion: `denied` stays out, as omitempty leaves it.
    status: dict[str, Any] = {"allowed": decision.allowed}
    if decision.reason:
        status["reason"] = decision.reason
    return {"spec": spec, "status": status}


def _resource_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """ResourceRule: verbs always, the rest when not empty (omitempty)."""
    found: dict[str, Any] = {"verbs": list(rule.get("verbs") or [])}
    for key in ("apiGroups", "resources", "resourceNames"):
        if rule.get(key):
            found[key] = list(rule[key])
    return found


def _rules_review(
    authorizer: RBACAuthorizer, user: UserInfo, body: Mapping[str, Any]
) -> dict[str, Any]:
    spec = body.get("spec")
    namespace = _text(spec, "namespace") if isinstance(spec, dict) else ""
    if not namespace:
        raise bad_request("no namespace on request")
    resource_rules: list[dict[str, Any]] = []
    non_resource_rules: list[dict[str, Any]] = []
    if SYSTEM_MASTERS in user.groups:
        # The privileged-group authorizer comes first in the union: everything, everywhere.
        resource_rules.append({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})
        non_resource_rules.append({"verbs": ["*"], "nonResourceURLs": ["*"]})
    errors: list[str] = []
    for visited in authorizer.rules_for(user, namespace):
        if visited.error is not None and visited.error not in errors:
            errors.append(visited.error)
        rule = visited.rule
        if rule is None:
            continue
        # A rule may name both resources and URLs: it then counts as one of each.
        if rule.get("resources"):
            resource_rules.append(_resource_rule(rule))
        if rule.get("nonResourceURLs"):
            non_resource_rules.append(
                {"verbs": list(rule.get("verbs") or []), "nonResourceURLs": rule["nonResourceURLs"]}
            )
    status: dict[str, Any] = {
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": False,
    }
    if errors:
        # utilerrors.NewAggregate, as RBAC's RulesFor returns them.
        status["evaluationError"] = errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"
    return {"spec": {}, "status": status}


def _subject_review(
    authorizer: RBACAuthorizer, user: UserInfo, body: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "metadata": {"creationTimestamp": now_rfc3339()},
        "status": {"userInfo": {"username": user.name, "groups": list(user.groups)}},
    }


_ANSWERS: dict[tuple[str, str], Answer] = {
    (AUTHORIZATION_GROUP, "SelfSubjectAccessReview"): _access_review,
    (AUTHORIZATION_GROUP, "SelfSubjectRulesReview"): _rules_review,
    (AUTHENTICATION_GROUP, "SelfSubjectReview"): _subject_review,
}


def answer_review(
    authorizer: RBACAuthorizer,
    user: UserInfo,
    group: str,
    kind: str,
    api_version: str,
    body: Any,
) -> dict[str, Any]:
    """The review `body` asked for, answered for `user`: the object a 201 carries."""
    posted = body if isinstance(body, dict) else {}
    metadata = posted.get("metadata")
    answered = {
        "kind": kind,
        "apiVersion": api_version,
        "metadata": metadata if isinstance(metadata, dict) else {},
    }
    answered.update(_ANSWERS[(group, kind)](authorizer, user, posted))
    return answered
