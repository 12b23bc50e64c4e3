"""`GET /api/v1/namespaces/NS/pods/NAME/log`: a container's log, as kube-apiserver serves it.

Followed sources: kubernetes pkg/registry/core/pod/rest/log.go (PodLogOptions validated, 422
PodLogOptions "NAME" is invalid; `text/plain`, flushed while following), pkg/registry/core/pod/
strategy.go (LogLocation: validateContainer's 400s; a pod not yet on a node has an empty log,
204), pkg/kubelet/kubelet_pods.go (validateContainerLogStatus: the container's state decides,
its errors come back as 400 through the API server's response checker) and pkg/kubelet/
kuberuntime/logs/logs.go (tailLines counts back from the end, then lines older than since are
skipped; limitBytes cuts the output, timestamp prefix included; a follow ends once the
container stops and its log is drained).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from k9lite.demo.errors import bad_request, invalid_options
from k9lite.demo.pod_logs import ContainerLog, LogLine, PodLogs
from k9lite.demo.query_params import flag, integer

__all__ = ["serve_log"]

_TEXT = {"Content-Type": "text/plain"}
# How often a follower with nothing new looks whether its client is still there (the kubelet
# checks its container as often: logForceCheckPeriod).
_CHECK_PERIOD = 1.0
_NEGATIVE = "must be greater than or equal to 0"
_NOT_POSITIVE = "must be greater than 0"
_STATUS_GROUPS = ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")
# What the kubelet says of the commonest waits instead of their reasons.
_WAITING_WORDS = {
    "ErrImagePull": "image can't be pulled",
    "ImagePullBackOff": "trying and failing to pull image",
}


@dataclass(frozen=True, slots=True)
class LogOptions:
    """PodLogOptions, as the query carries them."""

    container: str
    follow: bool
    previous: bool
    timestamps: bool
    tail_lines: int | None
    limit_bytes: int | None
    since: int | None
    """Nanoseconds since the epoch: older lines are skipped (sinceSeconds or sinceTime)."""

    @classmethod
    def from_query(cls, query: Mapping[str, str], name: str) -> LogOptions:
        tail_lines, limit_bytes = integer(query, "tailLines"), integer(query, "limitBytes")
        since_seconds, since_time = integer(query, "sinceSeconds"), _time(query, "sinceTime")
        causes: list[tuple[str, str, str]] = []
        if tail_lines is not None and tail_lines < 0:
            causes.append(_invalid("tailLines", tail_lines, _NEGATIVE))
        if limit_bytes is not None and limit_bytes < 1:
            causes.append(_invalid("limitBytes", limit_bytes, _NOT_POSITIVE))
        if since_seconds is not None and since_time is not None:
            causes.append(
                (
                    "",
                    "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified",
                    "FieldValueForbidden",
                )
            )
        elif since_seconds is not None and since_seconds < 1:
            causes.append(_invalid("sinceSeconds", since_seconds, _NOT_POSITIVE))
        if causes:
            raise invalid_options("PodLogOptions", name, causes)
        since = since_time
        if since_seconds is not None:
            since = time.time_ns() - since_seconds * 1_000_000_000
        return cls(
            container=query.get("container", ""),
            follow=flag(query, "follow"),
            previous=flag(query, "previous"),
            timestamps=flag(query, "timestamps"),
            tail_lines=tail_lines,
            limit_bytes=limit_bytes,
            since=since,
        )


def _time(query: Mapping[str, str], name: str) -> int | None:
    """An RFC 3339 time in nanoseconds, to the second (the API server passes it on so)."""
    raw = query.get(name)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in raw:
        raise bad_request(
            f'parsing time "{raw}" as "2006-01-02T15:04:05Z07:00": cannot parse "{raw}" as "2006"'
        )
    return int(parsed.timestamp()) * 1_000_000_000


def _invalid(field: str, value: int, message: str) -> tuple[str, str, str]:
    return (field, f"Invalid value: {value}: {message}", "FieldValueInvalid")


def _container(pod: dict[str, Any], asked: str) -> str:
    """The container whose log is asked for (validateContainer)."""
    spec, name = pod["spec"], pod["metadata"]["name"]
    containers = spec.get("containers") or []
    every = [
        c["name"]
        for group in ("initContainers", "containers", "ephemeralContainers")
        for c in spec.get(group) or ()
    ]
    if not asked:
        if len(containers) == 1:
            return str(containers[0]["name"])
        if not containers:
            raise bad_request(f"a container name must be specified for pod {name}")
        raise bad_request(
            f"a container name must be specified for pod {name}, choose one of: [{' '.join(every)}]"
        )
    if asked not in every:
        raise bad_request(f"container {asked} is not valid for pod {name}")
    return asked


def _check_state(pod: dict[str, Any], container: str, previous: bool) -> bool:
    """Whether the log to read is the container's current run (else its previous one); 400
    where the kubelet refuses (validateContainerLogStatus, its cases in its order)."""
    status, pod_name = pod.get("status") or {}, pod["metadata"]["name"]
    found = next(
        (
            s
            for group in _STATUS_GROUPS
            for s in status.get(group) or ()
            if s.get("name") == container
        ),
        None,
    )
    if found is None and status.get("phase") == "Pending":
        # The kubelet's own status, before it posts one, has every container creating.
        found = {"state": {"waiting": {"reason": "ContainerCreating"}}}
    where = f'container "{container}" in pod "{pod_name}"'
    if found is None:
        raise bad_request(f"{where} is not available")
    state = found.get("state") or {}
    last = (found.get("lastState") or {}).get("terminated")
    last_run = bool(last and last.get("containerID"))
    if previous:
        if not last_run:
            raise bad_request(f"previous terminated {where} not found")
        return False
    if "running" in state:
        return True
    terminated = state.get("terminated")
    if terminated is not None and terminated.get("containerID"):
        return True
    if terminated is not None or last is not None:
        if last_run:
            return False
        raise bad_request(f"{where} is terminated")
    if "waiting" in state:
        reason = state["waiting"].get("reason", "")
        raise bad_request(f"{where} is waiting to start: {_WAITING_WORDS.get(reason, reason)}")
    raise bad_request(f"{where} is waiting to start - no logs yet")


async def serve_log(
    request: web.BaseRequest, pod: dict[str, Any], logs: PodLogs
) -> web.StreamResponse:
    """Answer one pods/log request for `pod` (already found) from the containers' logs."""
    options = LogOptions.from_query(request.query, pod["metadata"]["name"])
    container = _container(pod, options.container)
    if not pod["spec"].get("nodeName"):
        # No node, no kubelet to ask: LogLocation's empty location is an empty answer.
        return web.Response(status=204)
    current = _check_state(pod, container, options.previous)
    # No log is kept for a previous run: the demo's containers never restart.
    log = logs.find(pod, container) if current else None
    if log is None or not options.follow:
        return web.Response(body=_read(log, options), headers=_TEXT)
    return await _follow(request, log, options)


def _read(log: ContainerLog | None, options: LogOptions) -> bytes:
    if log is None:
        return b""
    lines: Iterable[LogLine] = list(log.lines)[_tail_start(len(log.lines), options) :]
    body = b"".join(_rendered(lines, options))
    return body if options.limit_bytes is None else body[: options.limit_bytes]


def _tail_start(count: int, options: LogOptions) -> int:
    return 0 if options.tail_lines is None else max(0, count - options.tail_lines)


def _rendered(lines: Iterable[LogLine], options: LogOptions) -> Iterable[bytes]:
    for line in lines:
        if options.since is None or line.at >= options.since:
            yield line.render(options.timestamps)


async def _follow(
    request: web.BaseRequest, log: ContainerLog, options: LogOptions
) -> web.StreamResponse:
    """Stream the log as it grows until the container stops, the bytes run out or the client
    goes (aiohttp ends the chunked body when the handler returns)."""
    response = web.StreamResponse(headers=_TEXT)
    response.enable_chunked_encoding()
    await response.prepare(request)
    left = options.limit_bytes
    position = log.written - len(log.lines) + _tail_start(len(log.lines), options)
    with contextlib.suppress(ConnectionError):
        while True:
            # Taken at once: lines written while this batch is sent come in the next one.
            batch, position = list(log.after(position)), log.written
            for chunk in _rendered(batch, options):
                if left is not None:
                    chunk = chunk[:left]
                    left -= len(chunk)
                await response.write(chunk)
                if left == 0:
                    return response
            if log.written != position:
                continue  # more came while this batch was sent
            if not log.running:
                return response
            await log.changed(_CHECK_PERIOD)
            if request.transport is None or request.transport.is_closing():
                return response
    return response
