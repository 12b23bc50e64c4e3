"""The server side of a SPDY/3.1 session, as kubectl's streams (port-forward, exec) use it.

Framing follows the SPDY/3.1 draft and moby/spdystream, the Go implementation kubectl and the
kubelet share: 8-byte frame headers, header blocks zlib-compressed with the SPDY/3 dictionary in
one shared context per direction (so every header block is inflated, even those ignored), PINGs
echoed, and no flow control enforced (spdystream neither sends nor honours WINDOW_UPDATE).
Bytes go in through `Session.feed` and out through `Session.outbox`, so the same session runs
over a raw upgraded connection or tunnelled in WebSocket messages.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable

__all__ = ["ProtocolError", "Session", "Stream"]

_VERSION = 3
_SYN_STREAM, _SYN_REPLY, _RST_STREAM, _SETTINGS, _PING, _GOAWAY, _HEADERS = 1, 2, 3, 4, 6, 7, 8
_FLAG_FIN = 0x01
_STREAM_ID = 0x7FFFFFFF
_MAX_DATA = 32 * 1024  # bytes per DATA frame written (the protocol allows 2^24 - 1)
_CANCEL = 5  # RST_STREAM status: the stream is no longer needed
_REFUSED_STREAM = 3

# The SPDY/3 header dictionary (draft 3 section 2.6.10.1): length-prefixed words, then text.
_WORD_TEXT = (
    "options head post put delete trace accept accept-charset accept-encoding accept-language "
    "accept-ranges age allow authorization cache-control connection content-base "
    "content-encoding content-language content-length content-location content-md5 "
    "content-range content-type date etag expect expires from host if-match if-modified-since "
    "if-none-match if-range if-unmodified-since last-modified location max-forwards pragma "
    "proxy-authenticate proxy-authorization range referer retry-after server te trailer "
    "transfer-encoding upgrade user-agent vary via warning www-authenticate method get status"
)
_WORDS = [*_WORD_TEXT.split(), "200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie"]
_WORDS += ["keep-alive", "origin"]
_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
    "Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 "
    "Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, "
    "Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
    "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
    "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)
DICTIONARY = b"".join(len(w).to_bytes(4, "big") + w.encode() for w in _WORDS) + _TAIL.encode()


class ProtocolError(Exception):
    """The peer sent something that is not SPDY/3.1; the session cannot go on."""


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "big")


def _u32b(value: int) -> bytes:
    return value.to_bytes(4, "big")


def _control(kind: int, flags: int, payload: bytes) -> bytes:
    return (
        (0x8000 | _VERSION).to_bytes(2, "big")
        + kind.to_bytes(2, "big")
        + bytes([flags])
        + len(payload).to_bytes(3, "big")
        + payload
    )


def _data(stream_id: int, flags: int, payload: bytes) -> bytes:
    return stream_id.to_bytes(4, "big") + bytes([flags]) + len(payload).to_bytes(3, "big") + payload


class Stream:
    """One SPDY stream: the headers the peer opened it with, its data in, our data out."""

    def __init__(self, session: Session, stream_id: int, headers: dict[str, str]) -> None:
        self.session = session
        self.id = stream_id
        self.headers = headers
        """The opening headers, names lower-cased as SPDY sends them."""
        self._inbox: asyncio.Queue[bytes] = asyncio.Queue()
        self.remote_closed = False
        """The peer will send no more (FIN, RST_STREAM or the session ended)."""
        self.local_closed = False

    async def read(self) -> bytes:
        """The next chunk the peer sent; b"" once it has closed its side."""
        if self.remote_closed and self._inbox.empty():
            return b""
        return await self._inbox.get()

    def write(self, data: bytes) -> None:
        """Queue `data` to the peer (dropped once this side is closed or the stream reset)."""
        if self.local_closed:
            return
        for start in range(0, len(data), _MAX_DATA):
            self.session.send(_data(self.id, 0, data[start : start + _MAX_DATA]))

    def close(self) -> None:
        """Half-close: an empty DATA frame with FIN, as spdystream's Stream.Close sends."""
        if not self.local_closed:
            self.local_closed = True
            self.session.send(_data(self.id, _FLAG_FIN, b""))

    def reset(self, status: int = _CANCEL) -> None:
        """RST_STREAM: both sides are done with this stream at once."""
        if not (self.local_closed and self.remote_closed):
            self.session.send(_control(_RST_STREAM, 0, self.id.to_bytes(4, "big") + _u32b(status)))
        self.local_closed = True
        self._end()

    def _receive(self, data: bytes, fin: bool) -> None:
        if self.remote_closed:
            return
        if data:
            self._inbox.put_nowait(data)
        if fin:
            self._end()

    def _end(self) -> None:
        if not self.remote_closed:
            self.remote_closed = True
            self._inbox.put_nowait(b"")


class Session:
    """A server-side SPDY/3.1 session; `on_stream` is called (synchronously) per new stream."""

    def __init__(self, on_stream: Callable[[Stream], None]) -> None:
        self.on_stream = on_stream
        self.outbox: asyncio.Queue[bytes | None] = asyncio.Queue()
        """Frames to write, in order; None once the session is over."""
        self.streams: dict[int, Stream] = {}
        self._buffer = bytearray()
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)
        self._deflate = zlib.compressobj(zlib.Z_BEST_COMPRESSION, zdict=DICTIONARY)
        self._last_stream = 0
        self.closed = False
        self.ended = asyncio.Event()
        """Set when the session is over (either side closed it, or the connection went)."""

    def send(self, frame: bytes) -> None:
        if not self.closed:
            self.outbox.put_nowait(frame)

    async def drain_to(self, write: Callable[[bytes], Awaitable[None]]) -> None:
        """Write the session's frames in order until it ends or the connection goes."""
        try:
            while (frame := await self.outbox.get()) is not None:
                await write(frame)
        except ConnectionError:
            pass  # the client went away: nothing more to write
        finally:
            self.close()

    def reply(self, stream: Stream, headers: dict[str, str] | None = None) -> None:
        """SYN_REPLY: accept the stream the peer opened."""
        block = self._encode_headers(headers or {})
        self.send(_control(_SYN_REPLY, 0, stream.id.to_bytes(4, "big") + block))

    def close(self) -> None:
        """End the session: GOAWAY if still open, and every stream reads its end."""
        if not self.closed:
            self.send(_control(_GOAWAY, 0, _u32b(self._last_stream) + _u32b(0)))
            self.closed = True
            self.outbox.put_nowait(None)
            self.ended.set()
        for stream in self.streams.values():
            stream._end()

    def feed(self, data: bytes) -> None:
        """Take bytes from the peer, handling each complete frame in them."""
        self._buffer += data
        while len(self._buffer) >= 8:
            length = int.from_bytes(self._buffer[5:8], "big")
            if len(self._buffer) < 8 + length:
                return
            head, payload = bytes(self._buffer[:8]), bytes(self._buffer[8 : 8 + length])
            del self._buffer[: 8 + length]
            if head[0] & 0x80:
                if int.from_bytes(head[0:2], "big") & 0x7FFF != _VERSION:
                    raise ProtocolError("unsupported SPDY version")
                self._on_control(int.from_bytes(head[2:4], "big"), head[4], payload)
            else:
                stream = self.streams.get(_u32(head, 0) & _STREAM_ID)
                if stream is not None:
                    stream._receive(payload, bool(head[4] & _FLAG_FIN))

    def _on_control(self, kind: int, flags: int, payload: bytes) -> None:
        if kind in (_SYN_STREAM, _SYN_REPLY, _HEADERS, _RST_STREAM) and len(payload) < 8:
            raise ProtocolError(f"short control frame {kind}")
        if kind == _SYN_STREAM:
            stream_id = _u32(payload, 0) & _STREAM_ID
            headers = self._decode_headers(payload[10:])
            if stream_id in self.streams or stream_id % 2 == 0:
                raise ProtocolError(f"bad stream id {stream_id}")
            self._last_stream = stream_id
            stream = self.streams[stream_id] = Stream(self, stream_id, headers)
            if flags & _FLAG_FIN:
                stream._end()
            if self.closed:
                stream.reset(_REFUSED_STREAM)
            else:
                self.on_stream(stream)
        elif kind in (_SYN_REPLY, _HEADERS):
            # Inflated only to keep the shared zlib context in step with the peer's.
            self._decode_headers(payload[4:])
        elif kind == _RST_STREAM:
            reset = self.streams.get(_u32(payload, 0) & _STREAM_ID)
            if reset is not None:
                reset.local_closed = True
                reset._end()
        elif kind == _PING:
            self.send(_control(_PING, 0, payload))
        elif kind == _GOAWAY:
            self.close()
        # SETTINGS and WINDOW_UPDATE change nothing here: no flow control is enforced.

    def forget(self, stream: Stream) -> None:
        """Drop a finished stream from the session's table."""
        self.streams.pop(stream.id, None)

    def _encode_headers(self, headers: dict[str, str]) -> bytes:
        block = bytearray(_u32b(len(headers)))
        for name, value in headers.items():
            for text in (name.lower(), value):
                raw = text.encode()
                block += _u32b(len(raw)) + raw
        return self._deflate.compress(bytes(block)) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    def _decode_headers(self, compressed: bytes) -> dict[str, str]:
        try:
            block = self._inflate.decompress(compressed)
        except zlib.error as error:
            raise ProtocolError(f"bad header block: {error}") from error
        headers: dict[str, str] = {}
        at, count = 4, _u32(block, 0) if len(block) >= 4 else 0
        for _ in range(count):
            fields = []
            for _field in range(2):
                size = _u32(block, at)
                fields.append(block[at + 4 : at + 4 + size].decode("utf-8", "replace"))
                at += 4 + size
            if at > len(block):
                raise ProtocolError("truncated header block")
            headers[fields[0].lower()] = fields[1]
        return headers
