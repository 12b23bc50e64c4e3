"""Reading API requests: resource paths, query parameters, bodies and content negotiation."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import yaml
from aiohttp import web

from k9lite.demo.errors import APIError, bad_request
from k9lite.demo.protobuf import PROTOBUF_CONTENT_TYPE, ProtobufError, decode
from k9lite.demo.resources import ResourceType
from k9lite.model.selectors import FieldSelector, LabelSelector, SelectorError

__all__ = [
    "ListOptions",
    "ResourcePath",
    "non_negative",
    "decode_continue",
    "encode_continue",
    "parse_resource_path",
    "read_body",
    "wants_table",
]

TABLE_MEDIA = "as=Table"
_COMMON_FIELD_LABELS = frozenset({"metadata.name", "metadata.namespace"})


@dataclass(frozen=True, slots=True)
class ResourcePath:
    """What /api[s]/GROUP/VERSION/[namespaces/NS/]PLURAL[/NAME[/SUB[/REST]]] names."""

    resource: ResourceType
    namespace: str | None
    name: str | None
    subresource: str | None
    rest: str


def _not_found() -> APIError:
    # No such resource: the real server's Status says so with empty details.
    return APIError(404, "NotFound", "the server could not find the requested resource", details={})


def parse_resource_path(
    path: str, find: Callable[[str, str, str], ResourceType | None]
) -> ResourcePath:
    """The resource a path names; `find` looks (group, version, plural) up among those served."""
    parts = path.strip("/").split("/")
    if parts[0] == "api" and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[0] == "apis" and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        raise _not_found()
    namespace = None
    if rest[0] == "namespaces" and len(rest) >= 3 and find(group, version, rest[2]) is not None:
        namespace, rest = rest[1], rest[2:]
    rt = find(group, version, rest[0])
    if rt is None:
        raise _not_found()
    name = rest[1] if len(rest) > 1 else None
    subresource = rest[2] if len(rest) > 2 else None
    if subresource is not None and subresource not in rt.subresources:
        raise _not_found()
    if subresource != "proxy" and len(rest) > 3:
        raise _not_found()
    return ResourcePath(rt, namespace, name, subresource, "/".join(rest[3:]))


def wants_table(request: web.BaseRequest) -> bool:
    return TABLE_MEDIA in request.headers.get("Accept", "")


@dataclass(frozen=True, slots=True)
class ListOptions:
    """The query of a list or watch."""

    labels: LabelSelector
    fields: FieldSelector
    limit: int
    continue_token: str
    resource_version: str
    watch: bool
    timeout_seconds: int | None
    allow_bookmarks: bool
    send_initial_events: bool | None
    include_object: str

    @classmethod
    def from_query(cls, query: Any, field_labels: frozenset[str]) -> ListOptions:
        """The options of a list or watch of a resource selectable by `field_labels` (beyond
        metadata.name and metadata.namespace, which every resource is)."""
        try:
            labels = LabelSelector.parse(query.get("labelSelector", ""))
            fields = FieldSelector.parse(query.get("fieldSelector", ""))
        except SelectorError as exc:
            raise bad_request(str(exc)) from None
        supported = _COMMON_FIELD_LABELS | field_labels
        for path, _, _ in fields.requirements:
            if path not in supported:
                raise bad_request(f"field label not supported: {path}")
        initial = query.get("sendInitialEvents")
        return cls(
            labels=labels,
            fields=fields,
            limit=non_negative(query, "limit"),
            continue_token=query.get("continue", ""),
            resource_version=query.get("resourceVersion", ""),
            watch=query.get("watch", "") in ("true", "1"),
            timeout_seconds=non_negative(query, "timeoutSeconds") or None,
            allow_bookmarks=query.get("allowWatchBookmarks", "") == "true",
            send_initial_events=None if initial is None else initial == "true",
            include_object=query.get("includeObject", "Metadata"),
        )


def non_negative(query: Any, name: str) -> int:
    """A whole-number query parameter (0 when absent); 400 when it is not one."""
    raw = query.get(name, "0") or "0"
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"invalid {name}: {raw!r} is not a number") from None
    if value < 0:
        raise bad_request(f"invalid {name}: must not be negative")
    return value


def encode_continue(resource_version: int, namespace: str, name: str) -> str:
    token = orjson.dumps(
        {"v": "meta.k8s.io/v1", "rv": resource_version, "start": [namespace, name]}
    )
    return base64.urlsafe_b64encode(token).decode()


def decode_continue(token: str) -> tuple[str, str]:
    """The (namespace, name) key a continued list resumes after."""
    try:
        data = orjson.loads(base64.urlsafe_b64decode(token.encode()))
        namespace, name = data["start"]
        return str(namespace), str(name)
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise bad_request(
            "invalid continue token: continue key is not valid: malformed continue token"
        ) from None


async def read_body(request: web.BaseRequest) -> Any:
    """The request's object: JSON, YAML or Kubernetes protobuf, as kube-apiserver accepts."""
    raw = await request.read()
    media = request.headers.get("Content-Type", "application/json").split(";")[0].strip()
    try:
        if media == "application/json":
            return orjson.loads(raw)
        if media == "application/yaml":
            return yaml.safe_load(raw)
        if media == PROTOBUF_CONTENT_TYPE:
            return decode(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"the body of the request is not valid JSON: {exc}") from None
    except yaml.YAMLError as exc:
        raise bad_request(f"the body of the request is not valid YAML: {exc}") from None
    except ProtobufError as exc:
        raise bad_request(f"the body of the request is not valid protobuf: {exc}") from None
    raise APIError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types "
        f"include: application/json, application/yaml, {PROTOBUF_CONTENT_TYPE}",
    )
