"""The warnings kube-apiserver sends with every answer about a deprecated API.

A `Warning` header (RFC 7234 code 299, agent "-"), which kubectl prints as `Warning: TEXT` on
stderr and client-go logs: since 1.33, every request to core/v1 Endpoints carries KEP-4974's
"v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice".
"""

from __future__ import annotations

from aiohttp import web

from k9lite.demo.rbac.attributes import Attributes

__all__ = ["deprecation_warning", "warn"]

_DEPRECATED = {
    ("", "v1", "endpoints"): "v1 Endpoints is deprecated in v1.33+; "
    "use discovery.k8s.io/v1 EndpointSlice",
}


def deprecation_warning(attributes: Attributes) -> str | None:
    """The warning a request to this resource gets, if its API is deprecated."""
    if not attributes.resource_request:
        return None
    return _DEPRECATED.get((attributes.api_group, attributes.api_version, attributes.resource))


def warn(response: web.StreamResponse, text: str) -> None:
    """Add `text` as a Warning header (its quotes and backslashes escaped, as Go's
    net/http/httpguts quoted-string)."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    response.headers.add("Warning", f'299 - "{quoted}"')
