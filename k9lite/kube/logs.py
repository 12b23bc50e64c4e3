"""Pods' logs as `kubectl logs -f` reads them: one stream per pod, each on its own thread.

`GET /api/v1/namespaces/NS/pods/NAME/log` answers plain text, chunked while it follows, and
ends when the container stops or the pod goes; a refusal (403 on pods/log, 400 for a container
that must be named or has not started, 404 for a pod gone) is a Status, said as one line.
Each stream is cut on `close()` (as the watcher cuts its watches), so closing takes at most
the join's bound however quiet a pod is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import urllib3.exceptions

from k9lite.kube.api import ApiError, request
from k9lite.kube.config import Connection
from k9lite.kube.errors import api_message, transport_error
from k9lite.kube.stream import cut, lines

__all__ = ["LogOpener", "LogRequest", "LogSink", "LogStreams", "PodLogs"]

_CONNECT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class LogRequest:
    """What one pod's stream asks for; lines always come with their timestamps (the view
    shows or hides them, without asking again)."""

    namespace: str
    pod: str
    container: str | None = None
    follow: bool = True
    tail_lines: int | None = None
    previous: bool = False

    @property
    def path(self) -> str:
        return f"/api/v1/namespaces/{self.namespace}/pods/{self.pod}/log"

    def query(self) -> Mapping[str, Any]:
        # A previous container's log is complete: following it would never end nor add.
        return {
            "container": self.container,
            "follow": self.follow and not self.previous,
            "tailLines": self.tail_lines,
            "previous": True if self.previous else None,
            "timestamps": True,
        }


class LogSink(Protocol):
    """Where the threads put what they read (called from those threads)."""

    def line(self, pod: str, text: str) -> None:
        """One line of `pod`'s log, without its newline."""

    def ended(self, pod: str, problem: str | None) -> None:
        """`pod`'s stream is over: it ended (None), or could not be read, and why."""


class LogStreams(Protocol):
    """The streams of one view's pods, by pod name (`PodLogs` reads them from the API)."""

    def open(self, log: LogRequest) -> None: ...
    def stop(self, pod: str) -> None: ...
    def pods(self) -> frozenset[str]: ...
    def close(self, timeout: float = 2.0) -> bool: ...


LogOpener = Callable[[Connection, LogSink], LogStreams]
"""Makes a view's streams: `PodLogs`, or (snapshots) fixed lines."""


class _Stream:
    """One pod's open answer, cut by `stop()` from any thread."""

    def __init__(self, request: LogRequest) -> None:
        self.request = request
        self.stopped = False
        self.response: Any = None
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def opened(self, response: Any) -> bool:
        """Keep `response` to cut it; False (and it is cut) when already stopped."""
        with self._lock:
            self.response = response
            stopped = self.stopped
        if stopped:
            cut(response)
        return not stopped

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            response = self.response
        if response is not None:
            cut(response)


class PodLogs:
    """The log streams of a screen's pods, by pod name; `close()` cuts them all."""

    def __init__(self, connection: Connection, sink: LogSink) -> None:
        self.server = connection.server
        self.sink = sink
        self._client = connection.client(single_attempt=True)
        self._streams: dict[str, _Stream] = {}
        self._lock = threading.Lock()
        self._closed = False

    def open(self, log: LogRequest) -> None:
        """Start reading `log` (a pod already read is stopped first)."""
        stream = _Stream(log)
        with self._lock:
            if self._closed:
                return
            before = self._streams.get(log.pod)
            self._streams[log.pod] = stream
        if before is not None:
            before.stop()
        stream.thread = threading.Thread(
            target=self._read, args=(stream,), name=f"log {log.pod}", daemon=True
        )
        stream.thread.start()

    def stop(self, pod: str) -> None:
        """Stop reading `pod`'s log (its sink hears nothing more of it)."""
        with self._lock:
            stream = self._streams.pop(pod, None)
        if stream is not None:
            stream.stop()

    def pods(self) -> frozenset[str]:
        """The pods whose stream is open or opening."""
        with self._lock:
            return frozenset(self._streams)

    def close(self, timeout: float = 2.0) -> bool:
        """Cut every stream and join the threads; False if one outlived `timeout`."""
        with self._lock:
            self._closed = True
            streams = list(self._streams.values())
            self._streams.clear()
        for stream in streams:
            stream.stop()
        deadline = time.monotonic() + timeout
        for stream in streams:
            if stream.thread is not None:
                stream.thread.join(max(0.0, deadline - time.monotonic()))
        self._client.close()
        return not any(s.thread is not None and s.thread.is_alive() for s in streams)

    def _current(self, stream: _Stream) -> bool:
        with self._lock:
            return self._streams.get(stream.request.pod) is stream

    def _finish(self, stream: _Stream, problem: str | None) -> None:
        """Tell the sink, unless this stream was stopped or replaced (nobody is waiting)."""
        with self._lock:
            current = self._streams.get(stream.request.pod) is stream
            if current:
                del self._streams[stream.request.pod]
        if current and not stream.stopped:
            self.sink.ended(stream.request.pod, problem)

    def _read(self, stream: _Stream) -> None:
        log = stream.request
        try:
            response = request(
                self._client,
                "GET",
                log.path,
                # No read timeout: a quiet pod may say nothing for hours; close() cuts.
                timeout=(_CONNECT_SECONDS, None),
                query=log.query(),
                accept="application/json, */*",
            )
        except ApiError as exc:
            self._finish(stream, api_message(exc))
            return
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            self._finish(stream, str(transport_error(self.server, exc) or exc))
            return
        if not stream.opened(response):
            return
        problem: str | None = None
        try:
            for raw in lines(response):
                if stream.stopped or not self._current(stream):
                    break
                # Undecodable bytes stay visible: render/literal shows a lone surrogate as \udc80.
                self.sink.line(log.pod, raw.decode("utf-8", "surrogateescape").removesuffix("\r"))
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            problem = str(transport_error(self.server, exc) or exc)
        finally:
            response.release_conn()
        self._finish(stream, problem)
