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

from k9lite.demo.errors import APIError, bad_request, invalid_options
from k9lite.demo.protobuf import PROTOBUF_CONTENT_TYPE, ProtobufError, decode
from k9lite.demo.query_params import flag, integer, optional_flag
from k9lite.demo.resources import ResourceType
from k9lite.demo.validation.checker import Cause, Checker
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
_MATCH, _EXACT, _NOT_OLDER_THAN = "resourceVersionMatch", "Exact", "NotOlderThan"


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
    resource_version_match: str
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
                raise bad_request(_unknown_field_label(path, field_labels))
        timeout = integer(query, "timeoutSeconds")
        options = cls(
            labels=labels,
            fields=fields,
            # A limit of 0 or less lists everything, in one page.
            limit=max(integer(query, "limit") or 0, 0),
            continue_token=query.get("continue", ""),
            resource_version=query.get("resourceVersion", ""),
            resource_version_match=query.get("resourceVersionMatch", ""),
            watch=flag(query, "watch"),
            timeout_seconds=timeout if timeout and timeout > 0 else None,
            allow_bookmarks=flag(query, "allowWatchBookmarks"),
            send_initial_events=optional_flag(query, "sendInitialEvents"),
            include_object=query.get("includeObject", "Metadata"),
        )
        causes = options._watch_causes() if options.watch else options._list_causes()
        if causes:
            raise invalid_options(
                "ListOptions",
                "",
                [(c.field, c.message, c.reason) for c in causes],
                group="meta.k8s.io",
            )
        return options

    def _list_causes(self) -> list[Cause]:
        """apimachinery's ValidateListOptions for a list."""
        check = Checker()
        if match := self.resource_version_match:
            if not self.resource_version:
                check.forbidden(
                    _MATCH, "resourceVersionMatch is forbidden unless resourceVersion is provided"
                )
            if self.continue_token:
                check.forbidden(
                    _MATCH, "resourceVersionMatch is forbidden when continue is provided"
                )
            check.one_of(_MATCH, match, (_EXACT, _NOT_OLDER_THAN, ""))
            if match == _EXACT and self.resource_version == "0":
                check.forbidden(
                    _MATCH, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'
                )
        if self.send_initial_events is not None:
            check.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list")
        return check.causes

    def _watch_causes(self) -> list[Cause]:
        """apimachinery's validateWatchOptions (the WatchList feature on, as since 1.32)."""
        check = Checker()
        match = self.resource_version_match
        if self.send_initial_events is not None and match != _NOT_OLDER_THAN:
            check.forbidden(
                _MATCH,
                f"sendInitialEvents requires setting resourceVersionMatch to {_NOT_OLDER_THAN}",
            )
        if match:
            if self.send_initial_events is None:
                check.forbidden(
                    _MATCH,
                    "resourceVersionMatch is forbidden for watch unless sendInitialEvents is "
                    "provided",
                )
            check.one_of(_MATCH, match, (_NOT_OLDER_THAN,))
            if self.continue_token:
                check.forbidden(
                    _MATCH, "resourceVersionMatch is forbidden when continue is provided"
                )
        return check.causes


def _unknown_field_label(path: str, field_labels: frozenset[str]) -> str:
    """The words of the kind's field label conversion: its own, or the default one's."""
    if field_labels:
        return f"field label not supported: {path}"
    return f'"{path}" is not a known field selector: only "metadata.name", "metadata.namespace"'


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
