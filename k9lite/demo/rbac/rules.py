"""Whether one RBAC PolicyRule allows a request: kubernetes `plugin/pkg/auth/authorizer/rbac`.

RuleAllows (rbac.go) with the matchers of `pkg/apis/rbac/v1/evaluation_helpers.go`: `*` matches
any verb, group, resource or URL; `*/SUB` matches that subresource of any resource; a URL rule
ending in `*` matches by prefix; resourceNames, when given, must name the requested object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from k9lite.demo.rbac.attributes import Attributes

__all__ = ["rule_allows"]

_ALL = "*"


def _listed(rule: Mapping[str, Any], key: str) -> Sequence[str]:
    values = rule.get(key)
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _verb_matches(rule: Mapping[str, Any], verb: str) -> bool:
    return any(v in (_ALL, verb) for v in _listed(rule, "verbs"))


def _group_matches(rule: Mapping[str, Any], group: str) -> bool:
    return any(g in (_ALL, group) for g in _listed(rule, "apiGroups"))


def _resource_matches(rule: Mapping[str, Any], combined: str, subresource: str) -> bool:
    for resource in _listed(rule, "resources"):
        if resource in (_ALL, combined):
            return True
        if subresource and resource == f"*/{subresource}":
            return True
    return False


def _name_matches(rule: Mapping[str, Any], name: str) -> bool:
    names = _listed(rule, "resourceNames")
    return not names or name in names


def _url_matches(rule: Mapping[str, Any], path: str) -> bool:
    for url in _listed(rule, "nonResourceURLs"):
        if url in (_ALL, path):
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rule_allows(attributes: Attributes, rule: Mapping[str, Any]) -> bool:
    """RuleAllows: the rule grants this request's verb on its resource (or URL)."""
    if not _verb_matches(rule, attributes.verb):
        return False
    if not attributes.resource_request:
        return _url_matches(rule, attributes.path)
    combined = attributes.resource
    if attributes.subresource:
        combined = f"{attributes.resource}/{attributes.subresource}"
    return (
        _group_matches(rule, attributes.api_group)
        and _resource_matches(rule, combined, attributes.subresource)
        and _name_matches(rule, attributes.name)
    )
