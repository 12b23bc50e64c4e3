"""The request-info resolver and RBAC rule matching, without a server.

Cases follow k8s.io/apiserver `pkg/endpoints/request/requestinfo_test.go` (TestGetAPIRequestInfo)
and kubernetes `plugin/pkg/auth/authorizer/rbac/rbac_test.go` (TestRuleMatches).
"""

from __future__ import annotations

from typing import Any

import pytest

from k9lite.demo.rbac.attributes import Attributes, UserInfo, request_attributes
from k9lite.demo.rbac.coverage import compact_strings, uncovered
from k9lite.demo.rbac.rules import rule_allows

USER = UserInfo("alice", ("system:authenticated",))


def _resolve(method: str, url: str) -> tuple[str, str, str, str, str, str]:
    path, _, raw_query = url.partition("?")
    query: dict[str, list[str]] = {}
    for pair in filter(None, raw_query.split("&")):
        key, _, value = pair.partition("=")
        query.setdefault(key, []).append(value.replace("%3D", "="))
    a = request_attributes(USER, method, path, query)
    return a.verb, a.api_group, a.namespace, a.resource, a.subresource, a.name


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("GET", "/api/v1/namespaces", ("list", "", "", "namespaces", "", "")),
        # A namespace is in itself: a RoleBinding there may grant reading it.
        ("GET", "/api/v1/namespaces/other", ("get", "", "other", "namespaces", "", "other")),
        ("GET", "/api/v1/namespaces/other/pods", ("list", "", "other", "pods", "", "")),
        ("GET", "/api/v1/namespaces/other/pods/foo", ("get", "", "other", "pods", "", "foo")),
        ("GET", "/api/v1/pods", ("list", "", "", "pods", "", "")),
        ("POST", "/api/v1/namespaces/other/pods", ("create", "", "other", "pods", "", "")),
        ("PUT", "/api/v1/namespaces/other/pods/foo", ("update", "", "other", "pods", "", "foo")),
        ("PATCH", "/api/v1/namespaces/other/pods/foo", ("patch", "", "other", "pods", "", "foo")),
        ("DELETE", "/api/v1/namespaces/other/pods/foo", ("delete", "", "other", "pods", "", "foo")),
        (
            "DELETE",
            "/api/v1/namespaces/other/pods",
            ("deletecollection", "", "other", "pods", "", ""),
        ),
        (
            "GET",
            "/api/v1/namespaces/other/pods/foo/log",
            ("get", "", "other", "pods", "log", "foo"),
        ),
        (
            "PUT",
            "/apis/apps/v1/namespaces/other/deployments/web/scale",
            ("update", "apps", "other", "deployments", "scale", "web"),
        ),
        (
            "GET",
            "/api/v1/namespaces/other/services/web:80/proxy/some/path",
            ("get", "", "other", "services", "proxy", "web:80"),
        ),
        # The legacy verb-in-path forms.
        ("GET", "/api/v1/watch/namespaces/other/pods", ("watch", "", "other", "pods", "", "")),
        (
            "GET",
            "/api/v1/proxy/namespaces/other/pods/foo/x",
            ("proxy", "", "other", "pods", "", "foo"),
        ),
        (
            "PUT",
            "/api/v1/namespaces/other/finalize",
            ("update", "", "other", "namespaces", "finalize", "other"),
        ),
        ("GET", "/api/v1/namespaces/other/pods?watch=true", ("watch", "", "other", "pods", "", "")),
        # Convert_Slice_string_To_bool: only "0" and "false" (any case) are false.
        ("GET", "/api/v1/pods?watch=True", ("watch", "", "", "pods", "", "")),
        ("GET", "/api/v1/pods?watch=", ("watch", "", "", "pods", "", "")),
        ("GET", "/api/v1/pods?watch=FALSE", ("list", "", "", "pods", "", "")),
        ("GET", "/api/v1/pods?watch=0", ("list", "", "", "pods", "", "")),
        # A field selector on metadata.name names the object (kubectl get pod foo -w).
        (
            "GET",
            "/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3Dfoo&watch=1",
            ("watch", "", "ns", "pods", "", "foo"),
        ),
        (
            "GET",
            "/apis/discovery.k8s.io/v1/endpointslices",
            ("list", "discovery.k8s.io", "", "endpointslices", "", ""),
        ),
    ],
)
def test_resource_requests_resolve_as_kube_apiserver(
    method: str, url: str, expected: tuple[str, ...]
) -> None:
    assert _resolve(method, url) == expected


@pytest.mark.parametrize(
    ("method", "path", "verb"),
    [
        ("GET", "/version", "get"),
        ("GET", "/api", "get"),
        ("GET", "/api/v1", "get"),
        ("GET", "/apis/apps/v1", "get"),
        ("POST", "/apis", "post"),
        ("GET", "/openapi/v3/apis/apps/v1", "get"),
        ("GET", "/healthz", "get"),
    ],
)
def test_other_paths_are_non_resource_requests_with_the_method_as_verb(
    method: str, path: str, verb: str
) -> None:
    attributes = request_attributes(USER, method, path, {})
    assert not attributes.resource_request
    assert (attributes.verb, attributes.path) == (verb, path)


def _request(**fields: Any) -> Attributes:
    base: dict[str, Any] = {"user": USER, "verb": "get", "path": "/", "resource_request": True}
    return Attributes(**{**base, **fields})


@pytest.mark.parametrize(
    ("rule", "request_fields", "allowed"),
    [
        ({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}, {"resource": "pods"}, True),
        (
            {"verbs": ["list"], "apiGroups": [""], "resources": ["pods"]},
            {"resource": "pods"},
            False,
        ),
        (
            {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]},
            {"resource": "pods", "api_group": "apps"},
            False,
        ),
        # A subresource is its own resource: pods does not grant pods/log, nor the reverse.
        (
            {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]},
            {"resource": "pods", "subresource": "log"},
            False,
        ),
        (
            {"verbs": ["get"], "apiGroups": [""], "resources": ["pods/log"]},
            {"resource": "pods", "subresource": "log"},
            True,
        ),
        (
            {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["*/scale"]},
            {"resource": "deployments", "subresource": "scale", "api_group": "apps"},
            True,
        ),
        (
            {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["*/scale"]},
            {"resource": "deployments", "api_group": "apps"},
            False,
        ),
        (
            {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]},
            {"resource": "pods", "name": "a"},
            True,
        ),
        (
            {"verbs": ["list"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]},
            {"resource": "pods", "verb": "list"},
            False,
        ),
        ({"verbs": ["get"], "nonResourceURLs": ["/apis/*"]}, {"resource": "pods"}, False),
        (
            {"verbs": ["get"], "nonResourceURLs": ["/apis/*"]},
            {"resource_request": False, "path": "/apis/apps/v1"},
            True,
        ),
        (
            {"verbs": ["get"], "nonResourceURLs": ["/version"]},
            {"resource_request": False, "path": "/versions"},
            False,
        ),
        (
            {"verbs": ["get"], "apiGroups": ["*"], "resources": ["*"]},
            {"resource_request": False, "path": "/version"},
            False,
        ),
    ],
)
def test_rule_allows_as_rbac_go(
    rule: dict[str, Any], request_fields: dict[str, Any], allowed: bool
) -> None:
    assert rule_allows(_request(**request_fields), rule) is allowed


def test_uncovered_rules_are_broken_down_and_compacted() -> None:
    """validation.Covers, CompactRules and CompactString as the escalation refusal prints them."""
    owned = [
        {"apiGroups": [""], "resources": ["pods", "*/status"], "verbs": ["get", "list"]},
        {
            "apiGroups": ["apps"],
            "resources": ["deployments"],
            "verbs": ["*"],
            "resourceNames": ["web"],
        },
        {"nonResourceURLs": ["/apis/*"], "verbs": ["get"]},
    ]
    granted = [
        {
            "apiGroups": [""],
            "resources": ["pods", "pods/status", "pods/log"],
            "verbs": ["get", "watch"],
        },
        {
            "apiGroups": ["apps"],
            "resources": ["deployments"],
            "verbs": ["delete"],
            "resourceNames": ["web", "db"],
        },
        {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["list"]},
        {"nonResourceURLs": ["/apis/apps", "/version"], "verbs": ["get"]},
    ]
    assert compact_strings(uncovered(owned, granted)) == [
        '{APIGroups:[""], Resources:["pods"], Verbs:["watch"]}',
        '{APIGroups:[""], Resources:["pods/log"], Verbs:["get" "watch"]}',
        '{APIGroups:[""], Resources:["pods/status"], Verbs:["watch"]}',
        '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["db"], Verbs:["delete"]}',
        '{APIGroups:["apps"], Resources:["deployments"], Verbs:["list"]}',
        '{NonResourceURLs:["/version"], Verbs:["get"]}',
    ]
    assert uncovered(owned, owned) == []
