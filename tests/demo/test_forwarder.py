"""The NodePort forwarder passes on what a client sends before the pod's connection is open.

A client may send its request in the same breath as its connect: the forwarder must hold those
bytes until it has dialled the pod, then deliver them, as kube-proxy's DNAT would.
"""

from __future__ import annotations

import re
import socket

from k9lite.demo.cluster import DemoCluster
from tests.conftest import running_pods, wait_for
from tests.demo.test_dataplane import names_over_new_connections, reach

HELLO = re.compile(rb"<p>Hello,  (\S+)</p>")
CONNECTIONS = 40


def ask_at_once(address: tuple[str, int], *, end: bool = False) -> bytes:
    """Connect, send a whole request at once (then end the sending side, with `end`), and read
    the answer to the end."""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n")
        if end:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_request_sent_with_the_connect_is_answered(cluster: DemoCluster) -> None:
    pods = set(running_pods(cluster, "hostname-server-"))
    address = reach(cluster, "127.0.1.2", 30080)
    wait_for(lambda: names_over_new_connections(cluster, *address, 1)[0], message="30080")
    answers = [ask_at_once(address) for _ in range(CONNECTIONS)]
    assert all(a.startswith(b"HTTP/1.1 200 OK\r\n") for a in answers), answers
    names = {m.group(1).decode() for a in answers if (m := HELLO.search(a))}
    assert len([a for a in answers if HELLO.search(a)]) == CONNECTIONS
    assert names <= pods


def test_a_client_that_ends_its_side_after_the_request_is_answered(cluster: DemoCluster) -> None:
    """`printf 'GET / ...' | nc -q1 POD 80` ends its sending side at once: nginx answers it."""
    address = reach(cluster, "127.0.1.2", 30080)
    wait_for(lambda: names_over_new_connections(cluster, *address, 1)[0], message="30080")
    answer = ask_at_once(address, end=True)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer
    assert HELLO.search(answer), answer
