"""Reading an open urllib3 answer line by line (watch events, a pod's log), its server's
identity, a cut."""

from __future__ import annotations

import hashlib
import ssl
from collections.abc import Iterator
from typing import Any

__all__ = ["cut", "event_lines", "lines", "peer_identity"]


def cut(response: Any) -> None:
    """Unblock a thread reading `response` (urllib3 >= 2.3 can shut the socket down)."""
    shutdown = getattr(response, "shutdown", None)
    try:
        if shutdown is not None:
            shutdown()
        else:
            response.close()
    except OSError:
        pass
    except RuntimeError:
        # urllib3: "connection has already been released to the pool": the read is over.
        pass


def lines(response: Any) -> Iterator[bytes]:
    """Every newline-ended line of a stream as it arrives (without its newline), then what
    follows the last newline, if anything."""
    buffer = bytearray()
    for chunk in response.stream(64 * 1024, decode_content=True):
        buffer.extend(chunk)
        while (end := buffer.find(b"\n")) >= 0:
            line = bytes(buffer[:end])
            del buffer[: end + 1]
            yield line
    if buffer:
        yield bytes(buffer)


def event_lines(response: Any) -> Iterator[bytes]:
    """The newline-separated JSON events of a watch stream, as they arrive."""
    return (line for line in lines(response) if line.strip())


def peer_identity(response: Any) -> str | None:
    """A digest of the certificate the server presented on this answer's connection.

    A different one on the same URL is another server process (a restart, a new CA), whose
    storage may not hold the versions we were given; None when it cannot be read (plain HTTP).
    """
    sock = getattr(getattr(response, "connection", None), "sock", None)
    if not isinstance(sock, ssl.SSLSocket):
        return None
    try:
        certificate = sock.getpeercert(binary_form=True)
    except (OSError, ValueError):
        return None
    return hashlib.sha256(certificate).hexdigest() if certificate else None
