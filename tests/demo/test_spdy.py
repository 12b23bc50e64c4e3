"""The demo's SPDY/3.1 framing, fed frames built here independently (real kubectl in
test_port_forward.py)."""

from __future__ import annotations

import asyncio
import zlib

from k9lite.demo.spdy import DICTIONARY, Session, Stream


def control(kind: int, flags: int, payload: bytes) -> bytes:
    return (
        b"\x80\x03"
        + kind.to_bytes(2, "big")
        + bytes([flags])
        + len(payload).to_bytes(3, "big")
        + payload
    )


def header_block(deflate: zlib._Compress, headers: dict[str, str]) -> bytes:
    raw = len(headers).to_bytes(4, "big")
    for name, value in headers.items():
        for text in (name, value):
            raw += len(text).to_bytes(4, "big") + text.encode()
    return deflate.compress(raw) + deflate.flush(zlib.Z_SYNC_FLUSH)


def test_streams_open_reply_read_and_ping() -> None:
    async def scenario() -> None:
        opened: list[Stream] = []
        session = Session(opened.append)
        deflate = zlib.compressobj(zdict=DICTIONARY)
        syn = control(
            1,
            0,
            (1).to_bytes(4, "big")
            + bytes(6)
            + header_block(deflate, {"streamType": "data", "port": "80"}),
        )
        # A frame split across two reads, as TCP or WebSocket messages may cut it.
        session.feed(syn[:5])
        assert opened == []
        session.feed(syn[5:])
        [stream] = opened
        assert stream.headers == {"streamtype": "data", "port": "80"}
        # The second header block only inflates if the shared zlib context was kept.
        syn3 = control(
            1, 0, (3).to_bytes(4, "big") + bytes(6) + header_block(deflate, {"port": "81"})
        )
        session.feed(syn3)
        assert opened[1].headers == {"port": "81"}

        session.reply(stream)
        reply = session.outbox.get_nowait()
        assert reply is not None and reply[:4] == b"\x80\x03\x00\x02"
        assert reply[8:12] == (1).to_bytes(4, "big")
        inflate = zlib.decompressobj(zdict=DICTIONARY)
        assert inflate.decompress(reply[12:]) == bytes(4)  # no headers

        session.feed((1).to_bytes(4, "big") + b"\x01\x00\x00\x02hi")  # DATA with FIN
        assert await stream.read() == b"hi"
        assert await stream.read() == b""

        ping = control(6, 0, (7).to_bytes(4, "big"))
        session.feed(ping)
        assert session.outbox.get_nowait() == ping

        session.feed(control(7, 0, bytes(8)))  # GOAWAY from the peer ends the session
        goaway = session.outbox.get_nowait()
        assert goaway is not None and goaway[2:4] == b"\x00\x07"
        assert session.outbox.get_nowait() is None
        assert await opened[1].read() == b""

    asyncio.run(scenario())
