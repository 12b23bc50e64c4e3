"""The data plane's listening sockets: a host:port that cannot be bound is mapped, and a port
can drop connections as kube-proxy's DROP rule does.

kube-proxy marks for DROP the packets to a NodePort of an `externalTrafficPolicy: Local` Service
on a node that has no endpoint of it (the Service has endpoints elsewhere): the client's SYNs go
unanswered and its connect times out. Here the kernel does the dropping: a socket listens with a
backlog of 0 and one connection of its own fills its accept queue, which is never read, so Linux
drops every SYN that follows (a full accept queue, net/ipv4/tcp_input.c tcp_conn_request).
"""

from __future__ import annotations

import errno
import logging
import socket

__all__ = ["DroppingPort", "bound_socket"]

log = logging.getLogger(__name__)


def bound_socket(
    host: str, port: int, *, loopback_range: bool, mappings: dict[tuple[str, int], tuple[str, int]]
) -> socket.socket:
    """A TCP socket bound to host:port; a privileged port, a taken port or a host that cannot
    be bound gets a free port instead, noted in `mappings`."""
    bind_host = host if loopback_range else "127.0.0.1"
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((bind_host, port))
        return sock
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EADDRINUSE, errno.EADDRNOTAVAIL):
            sock.close()
            raise
    sock.bind((bind_host, 0))
    bound = sock.getsockname()
    mappings[(host, port)] = (bound[0], bound[1])
    log.warning(
        "%s:%s cannot be bound here; it listens on %s:%s instead", host, port, bound[0], bound[1]
    )
    return sock


class DroppingPort:
    """A port whose connections are dropped: clients time out instead of being refused."""

    def __init__(self, sock: socket.socket) -> None:
        sock.listen(0)
        self._listening = sock
        # The one connection that fills the accept queue; nobody ever accepts it.
        self._filler = socket.create_connection(sock.getsockname()[:2], timeout=1.0)

    def close(self) -> None:
        self._filler.close()
        self._listening.close()
