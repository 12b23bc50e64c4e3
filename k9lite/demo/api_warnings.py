"""The warnings kube-apiserver sends with an answer: `Warning` headers (RFC 7234 code 299, agent
"-"), which kubectl prints as `Warning: TEXT` on stderr and client-go logs.

Two kinds are sent here: every request to a deprecated API (since 1.33, core/v1 Endpoints:
KEP-4974's "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"), and
each unknown field of a write under `fieldValidation=Warn` (the default), as `unknown field
"spec.foo"`.
"""

from __future__ import annotations

from aiohttp import web

from k9lite.demo.rbac.attributes import Attributes

__all__ = ["add_warning", "deprecation_warning", "send_warnings"]

_DEPRECATED = {
    ("", "v1", "endpoints"): "v1 Endpoints is deprecated in v1.33+; "
    "use discovery.k8s.io/v1 EndpointSlice",
}
_WARNINGS = web.RequestKey("warnings", list)


def deprecation_warning(attributes: Attributes) -> str | None:
    """The warning a request to this resource gets, if its API is deprecated."""
    if not attributes.resource_request:
        return None
    return _DEPRECATED.get((attributes.api_group, attributes.api_version, attributes.resource))


def add_warning(request: web.BaseRequest, text: str) -> None:
    """Send `text` as a warning with the answer to `request` (each text once)."""
    warnings = request.setdefault(_WARNINGS, [])
    if text not in warnings:
        warnings.append(text)


async def send_warnings(request: web.Request, response: web.StreamResponse) -> None:
    """An `on_response_prepare` handler: the request's warnings become Warning headers, quoted
    as Go's net/http/httpguts quotes them."""
    for text in request.get(_WARNINGS, ()):
        quoted = text.replace("\\", "\\\\").replace('"', '\\"')
        response.headers.add("Warning", f'299 - "{quoted}"')
