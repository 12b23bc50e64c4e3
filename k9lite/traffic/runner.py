"""Fire repeated requests at a Service's way in and stream what answered, like the curl loop.

    for i in $(seq 10); do curl -s 10.106.104.217:8080 | grep Hello; sleep 1; done

One HTTP session per kind of target (direct, or through the API server with the
kubeconfig's credentials), opened by `transport`. `concurrency` workers share a
count, so never more requests than asked; each waits `interval` after each answer (the loop's
`sleep 1`); every request has a timeout, the whole run a duration cap, and `stop()` cancels
what is in flight at once. A new
connection per request by default, as curl: kube-proxy spreads connections, not requests, so
with `keepalive` one connection, and one pod, answers them all.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import orjson

from k9lite.analysis.answers import Answer, identify
from k9lite.analysis.stats import Outcome
from k9lite.kube.proxy import ProxyAccess
from k9lite.traffic.limits import MAX_CONCURRENCY, MAX_COUNT, MAX_DURATION
from k9lite.traffic.transport import Session, TransportFailure, open_session
from k9lite.traffic.vantage import Target

__all__ = [
    "Probe",
    "ProbeError",
    "ProbeOptions",
    "Reply",
    "Resolver",
]

_LINE = 160  # a log line is cut here
# A pod answers the same page each time: who a body names, and its log line, are worked out
# once for each of the last bodies (up to this many, this long), not once a request.
_NAMED = 256
_NAMED_BODY = 4096

Resolver = Callable[[str], tuple[str | None, str | None]]
"""An answering name -> (its pod, the pod's node), (None, None) when no pod has that name."""


_Sessions = Callable[[Target], Session]
"""The session a target is reached with: direct, or through the API server."""


class ProbeError(ValueError):
    """Options out of their safe range (one line)."""


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    """How many requests, how fast, how patient; the defaults are the safe ones."""

    count: int = 100
    duration: float = 60.0
    concurrency: int = 1
    interval: float = 0.0
    timeout: float = 5.0
    keepalive: bool = False
    host: str | None = None
    """A Host header, for an Ingress that routes by host."""
    verify: bool = True
    """Check an https target's certificate (the doctor's check of a pod's port does not, as the
    API server's proxy does not: a pod's certificate rarely names its IP)."""

    def check(self) -> ProbeOptions:
        """Itself, or ProbeError naming the first option out of range."""
        limits = (
            (1 <= self.count <= MAX_COUNT, f"--count must be 1 to {MAX_COUNT:,}"),
            (
                1 <= self.concurrency <= MAX_CONCURRENCY,
                f"--concurrency must be 1 to {MAX_CONCURRENCY}",
            ),
            (
                0 < self.duration <= MAX_DURATION,
                f"--duration must be over 0 and at most {MAX_DURATION:.0f} s",
            ),
            (0 <= self.interval <= 60, "--interval must be 0 to 60 s"),
            (0 < self.timeout <= 60, "--timeout must be over 0 and at most 60 s"),
        )
        for ok, message in limits:
            if not ok:
                raise ProbeError(message)
        return self


@dataclass(frozen=True, slots=True)
class Reply:
    """One request's outcome and its line in the log, as the curl loop would print it."""

    outcome: Outcome
    line: str


class Probe:
    """One run over `targets` (round robin); `run()` once, `stop()` any time."""

    def __init__(
        self,
        targets: Sequence[Target],
        options: ProbeOptions,
        *,
        resolve: Resolver,
        match: re.Pattern[str] | None = None,
        access: ProxyAccess | None = None,
    ) -> None:
        if not targets:
            raise ProbeError("nothing to send requests to")
        self.targets = tuple(targets)
        self.options = options.check()
        self.resolve = resolve
        self.match = match
        self.access = access
        self.sent = 0
        self._named: dict[str, tuple[Answer, str]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = False

    def stop(self) -> None:
        """Stop now: requests in flight are cancelled, none is sent after."""
        self._stopped = True
        for task in self._tasks:
            task.cancel()

    async def run(self, on_reply: Callable[[Reply], None]) -> None:
        """Send the requests, handing each reply to `on_reply` as it comes."""
        async with self._session(None) as direct:
            proxied = None
            if self.access is not None and any(t.proxied for t in self.targets):
                proxied = self._session(self.access)

            def session_for(target: Target) -> Session:
                return proxied if target.proxied and proxied is not None else direct

            try:
                await self._workers(on_reply, session_for)
            finally:
                if proxied is not None:
                    await proxied.close()

    def _session(self, access: ProxyAccess | None) -> Session:
        """A session for direct targets, or for the API server with `access`'s credentials.

        A sender may keep one connection to each target (each node of a NodePort) alive;
        without keep-alive every request dials a target anew, as curl does."""
        options = self.options
        return open_session(
            keepalive=options.keepalive,
            timeout=options.timeout,
            verify=options.verify,
            host=options.host,
            access=access,
        )

    async def _workers(self, on_reply: Callable[[Reply], None], session_for: _Sessions) -> None:
        options = self.options
        workers = min(options.concurrency, options.count)
        self._tasks = [
            asyncio.create_task(self._worker(on_reply, session_for)) for _ in range(workers)
        ]
        if self._stopped:
            self.stop()
        try:
            done, _ = await asyncio.wait(self._tasks, timeout=options.duration)
        finally:
            # Stopped, not only cancelled: a worker whose cancel a finishing connect swallowed
            # (asyncio.wait_for before Python 3.12) must not send on to the count. And ended
            # before the sessions close, the run's own cancel included: a worker left going
            # would dial anew on a closed session, a connection nobody would close.
            self.stop()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]

    async def _worker(self, on_reply: Callable[[Reply], None], session_for: _Sessions) -> None:
        options = self.options
        while not self._stopped and self.sent < options.count:
            target = self.targets[self.sent % len(self.targets)]
            self.sent += 1
            on_reply(await self._one(session_for(target), target))
            if options.interval and self.sent < options.count:
                await asyncio.sleep(options.interval)

    async def _one(self, session: Session, target: Target) -> Reply:
        start = time.perf_counter()
        try:
            got = await session.fetch(target.url)
        except TransportFailure as failure:
            outcome = Outcome(
                target.label,
                time.perf_counter() - start,
                error=failure.error,
                detail=failure.detail,
            )
            return Reply(outcome, f"{target.label}  ✗ {failure.detail}")
        latency = time.perf_counter() - start
        status, body = got.status, got.body
        if status >= 400:
            detail, from_server = _http_failure(status, got.reason, body, target)
            outcome = Outcome(
                target.label,
                latency,
                status=status,
                error="http",
                detail=detail,
                from_server=from_server,
            )
            return Reply(outcome, f"{target.label}  ✗ {detail}")
        named = self._named.get(body)
        if named is None:
            answer = identify(body, self.match)
            named = (answer, _answer_line(body, answer.name))
            if len(body) <= _NAMED_BODY:
                if len(self._named) >= _NAMED:
                    self._named.clear()
                self._named[body] = named
        answer, line = named
        pod, node = self.resolve(answer.name) if answer.matched else (None, None)
        outcome = Outcome(target.label, latency, answer.name, pod, node, status)
        return Reply(outcome, f"{target.label}  {line}")


def _http_failure(status: int, reason: str, body: str, target: Target) -> tuple[str, bool]:
    """`HTTP 503 Service Unavailable: no endpoints available for service "x"` and the like, and
    whether the API server said it (a proxied request answered with its own Status)."""
    message = body.strip().splitlines()[0] if body.strip() else ""
    from_server = False
    try:
        document = orjson.loads(body)
        if isinstance(document, dict) and document.get("kind") == "Status":
            message = str(document.get("message") or message)
            from_server = target.proxied
    except orjson.JSONDecodeError:
        pass
    detail = f"HTTP {status} {reason}".rstrip()
    if message:
        detail += f": {message}"
    if target.proxied and status == 403:
        proxy = "pod" if "/pods/" in urlsplit(target.url).path else "service"
        detail += f" (the {proxy} proxy needs the {proxy}s/proxy permission)"
    return detail[:_LINE], from_server


def _answer_line(body: str, name: str) -> str:
    """The body's line that names who answered, as `curl | grep Hello` prints it."""
    for line in body.splitlines():
        if name in line:
            return line.strip()[:_LINE]
    return name
