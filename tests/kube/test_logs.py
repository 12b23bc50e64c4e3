"""kube/logs.PodLogs against the demo cluster's pods/log: lines as they come, the end of a
pod, refusals as one line each, and a close that cuts quiet streams at once."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from k9lite.demo.cluster import DemoCluster
from k9lite.kube.logs import LogRequest, PodLogs
from tests.conftest import FAST, Kubectl, default_scenario, running_pods
from tests.demo.test_api_errors import connect
from tests.demo.test_pod_proxy import USERS, running_ip
from tests.kube.clients import CLIENTS, connection_through


class Heard:
    """A LogSink that keeps what the threads said, in order."""

    def __init__(self) -> None:
        self.said: queue.Queue[tuple[str, str, str | None]] = queue.Queue()

    def line(self, pod: str, text: str) -> None:
        self.said.put(("line", pod, text))

    def ended(self, pod: str, problem: str | None) -> None:
        self.said.put(("ended", pod, problem))

    def next(self, timeout: float = 10.0) -> tuple[str, str, str | None]:
        return self.said.get(timeout=timeout)


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """The default scenario, with a viewer who may read pods but not pods/log."""
    with default_scenario(replace(FAST, users=USERS)) as demo:
        yield demo


def open_logs(
    cluster: DemoCluster, heard: Heard, client: str = "direct", context: str | None = None
) -> PodLogs:
    return PodLogs(connection_through(client, cluster, context), heard)


@pytest.mark.parametrize("client", CLIENTS)
def test_a_pod_s_lines_with_timestamps_then_its_end_when_deleted(
    cluster: DemoCluster, kubectl: Kubectl, client: str
) -> None:
    name = running_pods(cluster, "hostname-server-")[0]
    heard = Heard()
    logs = open_logs(cluster, heard, client)
    try:
        logs.open(LogRequest("default", name, tail_lines=10))
        kind, pod, text = heard.next()
        assert (kind, pod) == ("line", name)
        assert text is not None and text.endswith("Z Listening on :80"), text
        with connect(cluster) as raw:
            ip = running_ip(raw, name)
        for n in range(3):
            assert httpx.get(f"http://{ip}/followed/{n}").status_code == 200
            kind, pod, text = heard.next()
            assert kind == "line" and f'"GET /followed/{n} HTTP/1.1" 200' in str(text), text
        assert logs.pods() == {name}
        kubectl("delete", "pod", name, "--wait=false")
        assert heard.next() == ("ended", name, None)
        assert logs.pods() == frozenset()
    finally:
        assert logs.close()


@pytest.mark.parametrize("client", CLIENTS)
def test_refusals_are_one_line_each(cluster: DemoCluster, client: str) -> None:
    name = running_pods(cluster, "hostname-server-")[0]
    heard = Heard()
    viewer = open_logs(cluster, heard, client, "viewer")
    logs = open_logs(cluster, heard, client)
    try:
        viewer.open(LogRequest("default", name))
        assert heard.next() == (
            "ended",
            name,
            f'pods "{name}" is forbidden: User "viewer" cannot get resource "pods/log" in API '
            'group "" in the namespace "default"',
        )
        logs.open(LogRequest("default", "nope"))
        assert heard.next() == ("ended", "nope", 'pods "nope" not found')
        logs.open(LogRequest("default", name, previous=True))
        assert heard.next() == (
            "ended",
            name,
            f'previous terminated container "hostname-server" in pod "{name}" not found',
        )
        logs.open(LogRequest("default", name, container="sidecar"))
        assert heard.next() == ("ended", name, f"container sidecar is not valid for pod {name}")
    finally:
        assert viewer.close() and logs.close()


def test_close_cuts_quiet_streams_at_once(cluster: DemoCluster) -> None:
    names = running_pods(cluster, "hostname-server-")
    heard = Heard()
    logs = open_logs(cluster, heard)
    for name in names:
        logs.open(LogRequest("default", name))
    assert {heard.next()[1] for _ in names} == set(names)  # each start line: streams open
    started = time.monotonic()
    assert logs.close(timeout=2.0), "a stream outlived close()"
    assert time.monotonic() - started < 1.0
    assert heard.said.empty(), "a cut stream is not an ended one"
    logs.open(LogRequest("default", names[0]))
    assert logs.pods() == frozenset(), "closed: nothing opens again"
