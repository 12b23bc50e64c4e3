"""A connection upgraded to SPDY/3.1, as older kubectl asks for exec, attach and port-forward.

Followed sources: k8s.io/apimachinery pkg/util/httpstream/httpstream.go Handshake (the
subprotocol is the first of the client's `X-Stream-Protocol-Version` values the server accepts;
none offered is a 400, none accepted a 403 listing the accepted ones in
`X-Accepted-Stream-Protocol-Versions`) and httpstream/spdy/upgrade.go (a 101 with `Connection:
Upgrade` and `Upgrade: SPDY/3.1`, then SPDY frames both ways on the raw connection).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from multidict import CIMultiDict

from k9lite.demo.spdy import ProtocolError, Session

__all__ = ["negotiate", "serve_upgraded"]

_VERSION = "X-Stream-Protocol-Version"
_ACCEPTED = "X-Accepted-Stream-Protocol-Versions"

Write = Callable[[bytes], Awaitable[None]]


def negotiate(request: web.Request, accepted: Sequence[str]) -> str:
    """The subprotocol both sides speak; the handshake's refusal as an HTTP error."""
    offered = [
        value.strip()
        for header in request.headers.getall(_VERSION, [])
        for value in header.split(",")
        if value.strip()
    ]
    if not offered:
        raise web.HTTPBadRequest(text=f"unable to upgrade: {_VERSION} is required")
    chosen = next((p for p in offered if p in accepted), None)
    if chosen is None:
        raise web.HTTPForbidden(
            text="unable to upgrade: unable to negotiate protocol: client supports "
            f"[{' '.join(offered)}], server accepts [{' '.join(accepted)}]",
            headers=CIMultiDict((_ACCEPTED, p) for p in accepted),
        )
    return chosen


class _RawParser:
    """Takes the bytes after a 101 from aiohttp's protocol, as its WebSocket reader would."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        try:
            self.session.feed(data)
        except ProtocolError:
            self.session.close()
            return True, b""
        return False, b""

    def feed_eof(self) -> None:
        self.session.close()


async def serve_upgraded(
    request: web.Request,
    protocol: str,
    session: Session,
    run: Callable[[Write], Awaitable[None]],
) -> web.StreamResponse:
    """Answer 101 for `protocol`, feed the connection's bytes to `session`, and `run(write)`
    (which writes the session's frames until it ends); then close the connection."""
    response = web.StreamResponse(
        status=101,
        headers={"Connection": "Upgrade", "Upgrade": "SPDY/3.1", _VERSION: protocol},
    )
    await response.prepare(request)
    transport = request.transport
    assert transport is not None and request.protocol is not None
    request.protocol.set_parser(_RawParser(session))  # type: ignore[arg-type]

    async def write(frame: bytes) -> None:
        if not transport.is_closing():
            transport.write(frame)

    try:
        await run(write)
    finally:
        transport.close()
    return response
