"""The probe's HTTP client against raw-socket servers that answer well, badly or not at all.

Real sockets on 127.0.0.1 (TLS with a trustme CA where a test needs it), on asyncio's loop (the
TUI's traffic screen) and on uvloop (`k9lite probe`). What each failure is called is what
`k9lite probe` and the doctor print, so the lines are held here word for word.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import trustme
import uvloop

from k9lite.kube.proxy import ProxyAccess
from k9lite.traffic.runner import Probe, ProbeOptions, Reply
from k9lite.traffic.transport import Answer, TransportFailure, open_session
from k9lite.traffic.vantage import Target
from tests.conftest import wait_for

T = TypeVar("T")
Behaviour = Callable[[socket.socket, bytes], bool]
"""Answers one request on the connection; whether to read the next request on it."""

OK = b"HTTP/1.1 200 OK\r\n"
HELLO = OK + b"Content-Type: text/html\r\nContent-Length: 19\r\n\r\n<p>Hello,  pod</p>\n"


@dataclass
class Served:
    """A raw server's URL and what it saw: connections accepted, requests, clients that left."""

    url: str = ""
    accepted: int = 0
    requests: list[bytes] = field(default_factory=list)
    left: int = 0
    """Connections whose client ended them (EOF or reset) while the server read."""


@contextmanager
def raw_server(behaviour: Behaviour, tls: ssl.SSLContext | None = None) -> Iterator[Served]:
    """A server on 127.0.0.1 running `behaviour` for each request head it reads."""
    served, stopping, lock = Served(), threading.Event(), threading.Lock()
    listener = socket.create_server(("127.0.0.1", 0))
    served.url = f"{'https' if tls else 'http'}://127.0.0.1:{listener.getsockname()[1]}/p?q=1"

    def serve(conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            if tls is not None:
                conn = tls.wrap_socket(conn, server_side=True)
            buffer = b""
            while not stopping.is_set():
                data = conn.recv(65536)
                if not data:
                    break
                buffer += data
                while b"\r\n\r\n" in buffer:
                    head, _, buffer = buffer.partition(b"\r\n\r\n")
                    with lock:
                        served.requests.append(head)
                    if not behaviour(conn, head):
                        return
            with lock:
                served.left += 1
        except OSError:  # reset, TLS refused, timed out: the client is gone
            with lock:
                served.left += 1
        finally:
            conn.close()

    def accept() -> None:
        listener.settimeout(0.05)  # to see `stopping` soon: closing does not wake accept()
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with lock:
                served.accepted += 1
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        stopping.set()
        thread.join(timeout=5)
        listener.close()


def answering(raw: bytes, keep: bool = True) -> Behaviour:
    def behaviour(conn: socket.socket, head: bytes) -> bool:
        conn.sendall(raw)
        return keep

    return behaviour


def resetting(conn: socket.socket, head: bytes) -> bool:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
    return False


def hanging(conn: socket.socket, head: bytes) -> bool:
    return True  # reads on, never answers


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: pytest.FixtureRequest) -> Callable[[Coroutine[Any, Any, T]], T]:
    """Run a coroutine to its end on a new loop of the kind the test is parametrized with."""
    return asyncio.run if request.param == "asyncio" else uvloop.run  # type: ignore[return-value]


async def get(url: str, *, keepalive: bool = False, times: int = 1, **options: Any) -> list[object]:
    """Fetch `url` `times` times in one session: each Answer, or the failure's (class, detail)."""
    settings: dict[str, Any] = {"timeout": 1.0, "verify": True, "host": None, "access": None}
    got: list[object] = []
    async with open_session(keepalive=keepalive, **(settings | options)) as session:
        for _ in range(times):
            try:
                got.append(await session.fetch(url))
            except TransportFailure as failure:
                got.append((failure.error, failure.detail))
    return got


LATIN_1 = b"Content-Type: text/plain; charset=latin-1\r\nContent-Length: 4\r\n\r\ncaf\xe9"
CASES = {
    "hello": (answering(HELLO), Answer(200, "OK", "<p>Hello,  pod</p>\n")),
    "chunked": (
        answering(OK + b"Transfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n0\r\n\r\n"),
        Answer(200, "OK", "Hello"),
    ),
    "until-eof": (
        answering(b"HTTP/1.0 200 OK\r\n\r\nuntil the end", keep=False),
        Answer(200, "OK", "until the end"),
    ),
    "continue-then-503": (
        answering(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 2\r\n\r\nno"),
        Answer(503, "Busy", "no"),
    ),
    "redirect-not-followed": (
        answering(b"HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n"),
        Answer(302, "Found", ""),
    ),
    "latin-1-no-reason": (answering(b"HTTP/1.1 200 \r\n" + LATIN_1), Answer(200, "", "café")),
    "unknown-charset": (
        answering(OK + LATIN_1.replace(b"latin-1", b"nope")),
        Answer(200, "OK", "caf\ufffd"),
    ),
    "closed": (lambda conn, head: False, ("reset", "connection reset: Server disconnected")),
    "reset": (resetting, ("reset", "[Errno 104] Connection reset by peer")),
    "cut-short": (
        answering(OK + b"Content-Length: 100\r\n\r\n0123456789", keep=False),
        ("reset", "connection reset: Server disconnected (10 of 100 bytes)"),
    ),
    "not-http": (
        answering(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),
        ("other", "invalid HTTP answer: Expected HTTP/, RTSP/ or ICE/"),
    ),
    "endless-headers": (
        answering(OK + b"X-Big: " + b"a" * 70_000 + b"\r\n\r\n"),
        ("other", "invalid HTTP answer: headers over 65,536 bytes"),
    ),
    "no-answer": (hanging, ("timeout", "timed out")),
}


@pytest.mark.parametrize(("behaviour", "expected"), CASES.values(), ids=CASES.keys())
def test_each_answer_or_failure_reads_as_the_probe_prints_it(
    run: Callable[[Coroutine[Any, Any, list[object]]], list[object]],
    behaviour: Behaviour,
    expected: object,
) -> None:
    with raw_server(behaviour) as served:
        assert run(get(served.url, timeout=0.5)) == [expected]
    assert served.requests[0].startswith(b"GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:")


def test_a_closed_port_is_refused_and_a_dropped_one_times_out(
    run: Callable[[Coroutine[Any, Any, list[object]]], list[object]],
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        refused = run(get(f"http://127.0.0.1:{port}/"))
    assert refused == [("refused", f"connection refused by 127.0.0.1:{port}")]
    # A full accept queue that nobody serves: the SYN goes unanswered, as under a DROP rule.
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        with socket.create_connection(full.getsockname()):
            dropped = run(get(f"http://127.0.0.1:{full.getsockname()[1]}/", timeout=0.3))
    assert dropped == [("timeout", "timed out")]


def test_keepalive_sends_every_request_on_one_connection_and_curl_mode_on_one_each(
    run: Callable[[Coroutine[Any, Any, list[object]]], list[object]],
) -> None:
    with raw_server(answering(HELLO)) as kept:
        assert (
            run(get(kept.url, keepalive=True, times=5))
            == [Answer(200, "OK", "<p>Hello,  pod</p>\n")] * 5
        )
    assert (kept.accepted, len(kept.requests)) == (1, 5)
    assert all(b"Connection:" not in head for head in kept.requests)
    with raw_server(answering(HELLO)) as fresh:
        assert len(run(get(fresh.url, times=5))) == 5
    assert (fresh.accepted, len(fresh.requests)) == (5, 5)
    assert all(head.endswith(b"\r\nConnection: close") for head in fresh.requests)


def test_a_kept_connection_the_server_closed_is_replaced() -> None:
    closing = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"  # no Connection: close, then closes

    async def twice(url: str) -> list[object]:
        async with open_session(
            keepalive=True, timeout=1.0, verify=True, host=None, access=None
        ) as s:
            first = await s.fetch(url)
            await asyncio.sleep(0.2)  # the server's close arrives while the connection is idle
            return [first, await s.fetch(url)]

    with raw_server(answering(closing, keep=False)) as served:
        assert uvloop.run(twice(served.url)) == [Answer(200, "OK", "hi")] * 2
    assert served.accepted == 2


def test_host_header_and_credentials_are_sent_and_a_line_break_never_is(
    run: Callable[[Coroutine[Any, Any, list[object]]], list[object]],
) -> None:
    with raw_server(answering(HELLO)) as served:
        run(get(served.url, host="web.example"))
        injected = run(get(served.url, host="web.example\r\nX-Evil: 1"))
    assert injected == [("other", "a header holds a line break or NUL: not sent")]
    assert len(served.requests) == 1
    assert b"\r\nHost: web.example\r\n" in served.requests[0]
    assert served.requests[0].count(b"Host:") == 1


@pytest.fixture(scope="module")
def tls() -> tuple[trustme.CA, ssl.SSLContext]:
    ca = trustme.CA()
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    return ca, server


def test_tls_checks_the_certificate_unless_told_not_to(
    run: Callable[[Coroutine[Any, Any, list[object]]], list[object]],
    tls: tuple[trustme.CA, ssl.SSLContext],
) -> None:
    ca, server = tls
    client = ssl.create_default_context()
    ca.configure_trust(client)
    access = ProxyAccess("https://127.0.0.1", {"Authorization": "Bearer t0ken"}, client)
    with raw_server(answering(HELLO), tls=server) as served:
        (unknown,) = run(get(served.url))
        assert run(get(served.url, verify=False)) == [Answer(200, "OK", "<p>Hello,  pod</p>\n")]
        assert run(get(served.url, access=access)) == [Answer(200, "OK", "<p>Hello,  pod</p>\n")]
    port = served.url.split(":")[2].split("/")[0]
    assert isinstance(unknown, tuple) and unknown[0] == "other", unknown
    assert unknown[1].startswith(
        f"cannot connect to 127.0.0.1:{port}: [SSL: CERTIFICATE_VERIFY_FAILED]"
    )
    assert b"\r\nAuthorization: Bearer t0ken" in served.requests[-1]


def test_a_closed_session_leaves_no_connection_open_and_a_stop_cuts_the_one_in_flight(
    tls: tuple[trustme.CA, ssl.SSLContext],
) -> None:
    async def kept_then_stopped(kept_url: str, hung_url: str) -> None:
        async with open_session(
            keepalive=True, timeout=5.0, verify=False, host=None, access=None
        ) as s:
            await asyncio.gather(*(s.fetch(kept_url) for _ in range(4)))
            request = asyncio.ensure_future(s.fetch(hung_url))
            await asyncio.sleep(0.2)
            request.cancel()
            with pytest.raises(asyncio.CancelledError):
                await request

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with raw_server(answering(HELLO), tls=tls[1]) as kept, raw_server(hanging) as hung:
            uvloop.run(kept_then_stopped(kept.url, hung.url))
            wait_for(
                lambda: (kept.left, hung.left) == (kept.accepted, 1),
                message="the servers to see every connection end",
            )
        gc.collect()
    assert kept.accepted == 4 and len(kept.requests) == 4
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


@pytest.mark.parametrize("keepalive", [False, True], ids=["new-connections", "keep-alive"])
def test_a_run_ends_at_its_duration_however_fast_the_answers_come(keepalive: bool) -> None:
    options = ProbeOptions(count=100_000, duration=0.5, concurrency=8, keepalive=keepalive)
    with raw_server(answering(HELLO)) as served:
        probe = Probe([Target("local", served.url)], options, resolve=lambda name: (None, None))
        replies: list[Reply] = []
        started = time.monotonic()
        uvloop.run(probe.run(replies.append))
        took = time.monotonic() - started
    assert took < 0.5 + 1.0, f"a 0.5 s run took {took:.1f} s"
    # The requests in flight at the end (one a sender at most) are cut, not answered.
    assert 0 < probe.sent - 8 <= len(replies) <= probe.sent < 100_000
    assert {reply.outcome.answer for reply in replies} == {"pod"}


def test_a_cancelled_run_ends_its_senders_before_its_connections_close(
    run: Callable[[Coroutine[Any, Any, T]], T],
) -> None:
    """The doctor's and the traffic screen's runs are cancelled from outside (a tour step left,
    a screen closed). Every sender must end with the run: one left going would dial anew after
    the session closed, and that connection nobody closes (a ResourceWarning in CI)."""
    options = ProbeOptions(count=1000, duration=30.0, concurrency=4, timeout=30.0)

    async def cancelled_mid_run(url: str, served: Served) -> set[asyncio.Task[Any]]:
        probe = Probe([Target("local", url)], options, resolve=lambda name: (None, None))
        running = asyncio.ensure_future(probe.run(lambda reply: None))
        deadline = time.monotonic() + 10
        while len(served.requests) < 4 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)  # polls the server thread, bounded
        assert len(served.requests) == 4, served
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        return asyncio.all_tasks() - {asyncio.current_task()}  # type: ignore[operator]

    with raw_server(hanging) as served:
        left_running = run(cancelled_mid_run(served.url, served))
        wait_for(lambda: served.left == served.accepted, message="every connection to end")
    assert left_running == set()
    assert served.accepted == 4, f"{served.accepted} connections for 4 senders"
