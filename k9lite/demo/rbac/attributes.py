"""What a request asks to do, as kube-apiserver's request-info resolver reads it from HTTP.

Follows k8s.io/apiserver `pkg/endpoints/request/requestinfo.go` (RequestInfoFactory) and
`pkg/authorization/authorizer` (Attributes): the verb, the resource and subresource, the
namespace and the name that RBAC rules are matched against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from k9lite.demo.query_params import flag

__all__ = ["AUTHENTICATED", "SYSTEM_MASTERS", "Attributes", "UserInfo", "request_attributes"]

SYSTEM_MASTERS = "system:masters"
"""The group kube-apiserver lets do anything, before and whatever RBAC says."""
AUTHENTICATED = "system:authenticated"
"""The group every authenticated user is in (the token authenticators add it)."""

_METHOD_VERBS = {
    "POST": "create",
    "GET": "get",
    "HEAD": "get",
    "PUT": "update",
    "PATCH": "patch",
    "DELETE": "delete",
}
# /api/v1/watch/... and /api/v1/proxy/... : the verb named in the path (the legacy forms).
_SPECIAL_VERBS = frozenset({"proxy", "watch"})
# A namespace's own subresources: /api/v1/namespaces/NAME/status is not a resource "status".
_NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})


@dataclass(frozen=True, slots=True)
class UserInfo:
    """Who sent a request: the user name and its groups, as an authenticator reports them."""

    name: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attributes:
    """The authorizer's view of one request; `resource_request` False means a path like /version."""

    user: UserInfo
    verb: str
    path: str
    resource_request: bool
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""


def _name_from_field_selector(selector: str) -> str:
    """`metadata.name=X` in a field selector names one object (RequiresExactMatch)."""
    for term in selector.split(","):
        for operator in ("==", "="):
            field, found, value = term.partition(operator)
            if found and field.strip() == "metadata.name" and not value.startswith("="):
                name = value.strip()
                # path.IsValidPathSegmentName: what could not be a URL segment is no name.
                if name not in ("", ".", "..") and "/" not in name and "%" not in name:
                    return name
                return ""
    return ""


def request_attributes(
    user: UserInfo, method: str, path: str, query: Mapping[str, list[str]]
) -> Attributes:
    """The Attributes of one HTTP request (`query` maps each parameter to all its values)."""
    parts = [part for part in path.strip("/").split("/") if part] if path.strip("/") else []
    non_resource = Attributes(user, method.lower(), path, resource_request=False)
    if len(parts) < 3 or parts[0] not in ("api", "apis"):
        return non_resource
    rest = parts[1:]
    group = ""
    if parts[0] == "apis":
        if len(rest) < 3:
            return non_resource
        group, rest = rest[0], rest[1:]
    version, rest = rest[0], rest[1:]
    if rest[0] in _SPECIAL_VERBS:
        if len(rest) < 2:
            return non_resource
        verb, rest = rest[0], rest[1:]
    else:
        verb = _METHOD_VERBS.get(method.upper(), "")
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        # /namespaces/NAME itself is in namespace NAME; /namespaces/NS/pods is a pods request.
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) >= 2 else ""
    # The proxy verb takes everything after the name as the proxied path, never a subresource.
    subresource = rest[2] if len(rest) >= 3 and verb != "proxy" else ""
    if not name and verb == "get":
        # The first `watch` value, read as the ListOptions conversion reads it.
        first = {key: values[0] for key, values in query.items() if values}
        verb = "watch" if flag(first, "watch") else "list"
        name = _name_from_field_selector((query.get("fieldSelector") or [""])[0])
    if not name and verb == "delete":
        verb = "deletecollection"
    return Attributes(
        user,
        verb,
        path,
        resource_request=True,
        api_group=group,
        api_version=version,
        namespace=namespace,
        resource=resource,
        subresource=subresource,
        name=name,
    )
