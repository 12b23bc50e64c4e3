"""The demo cluster's pods/log, `GET /api/v1/namespaces/NS/pods/NAME/log`, as kubectl and the
official client use it.

Followed sources: kubernetes pkg/registry/core/pod/rest/log.go and strategy.go (LogLocation,
validateContainer: `a container name must be specified for pod P, choose one of: [a b]`,
`container c is not valid for pod P`; PodLogOptions validation, 422), pkg/kubelet/
kubelet_pods.go (validateContainerLogStatus: `previous terminated container "c" in pod "p" not
found`, `... is waiting to start: ContainerCreating`, 400 through the API server), pkg/kubelet/
kuberuntime/logs/logs.go (tail, since, limitBytes, RFC3339Nano timestamps with 9 digits, a
follow ends with its container) and kubectl's polymorphichelpers/logsforobject.go (`Found 2
pods, using pod/X`, `Defaulted container "a" out of: a, b`). Each demo pod logs `Listening on
:PORT` per port it serves, then one nginx combined-format line per request it answered.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO

import httpx
import pytest
from kubernetes import client
from lightkube import Client as LightkubeClient

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.pod_logs import LOG_LINES, ContainerLog
from tests.conftest import FAST, Kubectl, default_scenario, running_pods, wait_for
from tests.demo.test_api_errors import connect
from tests.demo.test_pod_proxy import USERS, running_ip, status_of

PODS = "/api/v1/namespaces/default/pods"
ACCESS = re.compile(
    r"(?P<client>\S+) - - \[(?P<time>\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000)\] "
    r'"(?P<request>[^"]*)" (?P<status>\d{3}) (?P<bytes>\d+) "(?P<referer>[^"]*)" '
    r'"(?P<agent>[^"]*)"'
)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ")
TWO_CONTAINERS = """
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - {name: front, image: takytaky/hostname, ports: [{containerPort: 80}]}
  - {name: back, image: takytaky/hostname, ports: [{containerPort: 8080}]}
"""


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """The default scenario, with the pod proxy tests' users: viewer may read pods and
    services only, bob may edit."""
    with default_scenario(replace(FAST, users=USERS)) as demo:
        yield demo


def server_pods(cluster: DemoCluster) -> list[str]:
    return running_pods(cluster, "hostname-server-")


def visit(ip: str, path: str, port: int = 80) -> int:
    """GET the pod's page; the size of the body it answered."""
    answer = httpx.get(f"http://{ip}:{port}{path}", headers={"User-Agent": "tutorial/1.0"})
    assert answer.status_code == 200
    return len(answer.content)


class Follower:
    """A running `kubectl logs -f`: its stdout line by line with bounded waits (a thread reads
    it); leaving the block kills it and closes its pipes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self.process = process
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next(self, timeout: float = 10.0) -> str | None:
        """The next line; None once the stream has ended."""
        return self.lines.get(timeout=timeout)

    def __enter__(self) -> Follower:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.thread.join(timeout=10)
        self.process.communicate(timeout=10)


# -- what a pod logs -----------------------------------------------------------------------------


def test_kubectl_logs_shows_one_access_line_per_request(
    cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client
) -> None:
    name = server_pods(cluster)[0]
    ip = running_ip(raw, name)
    sizes = [visit(ip, f"/page/{n}?q={n}") for n in range(3)]

    lines = kubectl("logs", name).splitlines()
    assert lines[0] == "Listening on :80"
    access = [ACCESS.fullmatch(line) for line in lines[1:]]
    assert all(access), lines
    assert [m["request"] for m in access if m] == [
        f"GET /page/{n}?q={n} HTTP/1.1" for n in range(3)
    ]
    assert {(m["status"], int(m["bytes"]), m["agent"]) for m in access if m} == {
        ("200", sizes[0], "tutorial/1.0")
    }
    # The pod's log is its own: the other replica answered nothing.
    assert kubectl("logs", server_pods(cluster)[1]).splitlines() == ["Listening on :80"]


def test_a_request_through_the_service_is_logged_by_the_pod_that_answered(
    cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client
) -> None:
    """`logs -l app=... --prefix`: each line names its pod, so the curl loop shows who answered."""
    service = raw.get("/api/v1/namespaces/default/services/clusterip-hostname-service").json()
    answered: list[str] = []
    for _ in range(6):
        page = httpx.get(f"http://{service['spec']['clusterIP']}:8080/loop").text
        found = re.search(r"<p>Hello,  (\S+)</p>", page)
        assert found
        answered.append(found.group(1))

    out = kubectl("logs", "-l", "app=hostname-server", "--prefix")
    prefixed = re.findall(r"^\[pod/(\S+)/hostname-server\] (.*)$", out, re.MULTILINE)
    assert len(prefixed) == len(out.splitlines())
    logged = [pod for pod, line in prefixed if '"GET /loop HTTP/1.1" 200' in line]
    assert sorted(logged) == sorted(answered)
    assert {pod for pod, line in prefixed if line == "Listening on :80"} == set(
        server_pods(cluster)
    )


def test_logs_of_a_deployment_reads_one_of_its_pods(cluster: DemoCluster, kubectl: Kubectl) -> None:
    result = kubectl.run("logs", "deploy/hostname-server")
    found = re.fullmatch(r"Found 2 pods, using pod/(\S+)\n", result.stderr)
    assert found and found.group(1) in server_pods(cluster)
    assert result.stdout == "Listening on :80\n"


def test_tail_timestamps_since_and_limit_bytes(
    cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client
) -> None:
    name = server_pods(cluster)[0]
    ip = running_ip(raw, name)
    for n in range(4):
        visit(ip, f"/{n}")
    full = kubectl("logs", name)
    assert len(full.splitlines()) == 5

    assert kubectl("logs", name, "--tail=2") == "".join(full.splitlines(True)[-2:])
    assert kubectl("logs", name, "--tail=0") == ""
    assert kubectl("logs", name, "--limit-bytes=20") == full[:20]

    stamped = kubectl("logs", name, "--timestamps").splitlines()
    assert [STAMP.sub("", line, count=1) for line in stamped] == full.splitlines()
    assert all(STAMP.match(line) for line in stamped)
    # The first stamp, to the second, is when the pod started; its access lines come after.
    started = datetime.strptime(stamped[0][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    assert abs(datetime.now(timezone.utc) - started) < timedelta(minutes=1)
    assert sorted(stamped) == stamped

    # sinceTime (to the second) keeps lines written at or after it.
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert kubectl("logs", name, f"--since-time={future}") == ""
    past = (started - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert kubectl("logs", name, f"--since-time={past}") == full
    assert kubectl("logs", name, "--since=1h") == full
    # sinceSeconds: once the start line is over a second old, --since=1s leaves it out, and a
    # request made then is in.
    wait_for(
        lambda: "Listening" not in kubectl("logs", name, "--since=1s"),
        message="the start line older than 1s",
    )
    visit(ip, "/recent")
    recent = kubectl("logs", name, "--since=1s")
    assert '"GET /recent HTTP/1.1"' in recent
    assert "Listening" not in recent


def test_text_from_a_client_is_escaped_as_nginx_does(
    cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client
) -> None:
    """A quote, a backslash or a byte beyond ASCII in what a client sent is logged as \\xHH:
    the log stays one line per request and carries no raw control or foreign bytes."""
    name = server_pods(cluster)[0]
    ip = running_ip(raw, name)
    answer = httpx.get(
        f"http://{ip}/a%22b",
        headers={"User-Agent": 'say "hi" \\ caf\xe9'.encode("latin-1")},
    )
    assert answer.status_code == 200
    line = kubectl("logs", name, "--tail=1").rstrip("\n")
    assert line.endswith(
        '"GET /a%22b HTTP/1.1" 200 '
        + f'{len(answer.content)} "-" "say \\x22hi\\x22 \\x5C caf\\xE9"'
    )


# -- following -------------------------------------------------------------------------------


def test_logs_follow_shows_new_lines_and_ends_when_the_pod_is_deleted(
    cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client
) -> None:
    name = server_pods(cluster)[0]
    ip = running_ip(raw, name)
    with Follower(kubectl.popen("logs", "-f", name)) as follower:
        assert follower.next() == "Listening on :80"
        visit(ip, "/followed")
        line = follower.next()
        assert line is not None and '"GET /followed HTTP/1.1" 200' in line
        kubectl("delete", "pod", name, "--wait=false")
        assert follower.next() is None
        assert follower.process.wait(timeout=10) == 0


def test_official_client_reads_and_follows_a_log(
    cluster: DemoCluster, core: client.CoreV1Api, kubectl: Kubectl, raw: httpx.Client
) -> None:
    name = server_pods(cluster)[0]
    ip = running_ip(raw, name)
    visit(ip, "/one")
    text = core.read_namespaced_pod_log(name, "default", tail_lines=1, timestamps=True)
    assert STAMP.match(text) and text.endswith("\n") and text.count("\n") == 1
    assert '"GET /one HTTP/1.1" 200' in text

    stream = core.read_namespaced_pod_log(
        name, "default", follow=True, _preload_content=False, _request_timeout=10
    )
    try:
        lines = stream.stream()
        assert next(lines) == b"Listening on :80\n"
        visit(ip, "/two")
        chunk = next(lines)
        assert b'"GET /one HTTP/1.1"' in chunk
        if b"/two" not in chunk:
            chunk = next(lines)
        assert b'"GET /two HTTP/1.1" 200' in chunk
        kubectl("delete", "pod", name, "--wait=false")
        assert list(lines) == []
    finally:
        stream.release_conn()


def test_lightkube_reads_and_follows_a_log(
    cluster: DemoCluster, lightkube: LightkubeClient, kubectl: Kubectl, raw: httpx.Client
) -> None:
    """A second client's log stream: lightkube reads lines over its own HTTP stack."""
    name = server_pods(cluster)[0]
    ip = running_ip(raw, name)
    visit(ip, "/first")
    tail = list(lightkube.log(name, namespace="default", tail_lines=1))
    assert len(tail) == 1 and '"GET /first HTTP/1.1" 200' in tail[0], tail
    lines = lightkube.log(name, namespace="default", follow=True)
    assert next(lines) == "Listening on :80\n"
    assert '"GET /first HTTP/1.1"' in next(lines)
    visit(ip, "/second")
    assert '"GET /second HTTP/1.1"' in next(lines)
    kubectl("delete", "pod", name, "--wait=false")
    assert list(lines) == []  # the follow ends with the pod


def test_a_follow_is_chunked_text_from_its_tail_up_to_its_byte_limit(
    cluster: DemoCluster, raw: httpx.Client
) -> None:
    """tailLines picks where a follow starts; limitBytes ends it, mid-line, as the kubelet's
    writer does; the answer is chunked text/plain."""
    name = server_pods(cluster)[0]
    ip = running_ip(raw, name)
    for n in range(3):
        visit(ip, f"/{n}")
    path = f"{PODS}/{name}/log"
    with raw.stream("GET", path, params={"follow": "true", "tailLines": "1"}) as answer:
        assert answer.headers["content-type"] == "text/plain"
        assert answer.headers["transfer-encoding"] == "chunked"
        lines = answer.iter_lines()
        assert '"GET /2 HTTP/1.1"' in next(lines)
        visit(ip, "/3")
        assert '"GET /3 HTTP/1.1"' in next(lines)
    params = {"follow": "true", "limitBytes": "30"}
    with raw.stream("GET", path, params=params) as answer:
        cut = answer.read()
    assert cut == b"Listening on :80\n" + raw.get(path).content[17:30]


def test_a_follow_is_cut_when_the_api_server_stops(
    cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client
) -> None:
    """A stopping API server cuts its streams: kubectl's follow ends and the pod keeps logging."""
    name = server_pods(cluster)[0]
    with Follower(kubectl.popen("logs", "-f", name)) as follower:
        assert follower.next() == "Listening on :80"
        cluster.restart_api_server()
        assert follower.next() is None
        assert follower.process.wait(timeout=10) == 1
        assert follower.process.stderr is not None
        assert follower.process.stderr.read().endswith("error: unexpected EOF\n")
    visit(running_ip(raw, name), "/after")
    assert '"GET /after HTTP/1.1"' in kubectl("logs", name, "--tail=1")


def test_a_log_keeps_its_last_lines_only() -> None:
    """A ring of LOG_LINES: the oldest lines go, a follower behind them resumes at the oldest
    kept, and `written` counts every line."""
    log = ContainerLog()
    for n in range(LOG_LINES + 5):
        log.write(f"line {n}", at=n)
    assert len(log.lines) == LOG_LINES and log.written == LOG_LINES + 5
    assert [line.text for line in log.after(0)][:2] == ["line 5", "line 6"]
    assert [line.text for line in log.after(LOG_LINES + 3)] == [
        f"line {LOG_LINES + 3}",
        f"line {LOG_LINES + 4}",
    ]
    assert log.lines[0].render(timestamps=True) == b"1970-01-01T00:00:00.000000005Z line 5\n"


# -- containers ------------------------------------------------------------------------------


def test_a_pod_of_two_containers(cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client) -> None:
    """Each container logs what its own port answered; kubectl defaults to the first one and
    `--all-containers` reads both; the API itself wants a container named."""
    kubectl("apply", "-f", "-", stdin=TWO_CONTAINERS)
    ip = running_ip(raw, "two")
    visit(ip, "/to-back", port=8080)

    result = kubectl.run("logs", "two")
    assert result.stderr == 'Defaulted container "front" out of: front, back\n'
    assert result.stdout == "Listening on :80\n"
    back = kubectl("logs", "two", "-c", "back").splitlines()
    assert back[0] == "Listening on :8080" and '"GET /to-back HTTP/1.1"' in back[1]
    both = kubectl("logs", "two", "--all-containers", "--prefix").splitlines()
    # kubectl reads the containers one after the other in a Go map's order (logs.go
    # sequentialConsumeRequest): either container may come first, each one's lines in order.
    assert [line for line in both if line.startswith("[pod/two/front] ")] == [
        "[pod/two/front] Listening on :80"
    ]
    assert [line for line in both if line.startswith("[pod/two/back] ")] == [
        "[pod/two/back] Listening on :8080",
        f"[pod/two/back] {back[1]}",
    ]
    assert len(both) == 3

    assert status_of(raw.get(f"{PODS}/two/log")) == (
        400,
        "BadRequest",
        "a container name must be specified for pod two, choose one of: [front back]",
    )
    assert status_of(raw.get(f"{PODS}/two/log", params={"container": "side"})) == (
        400,
        "BadRequest",
        "container side is not valid for pod two",
    )
    failed = kubectl.run("logs", "two", "-c", "side", check=False)
    assert failed.returncode != 0
    assert failed.stderr == ("error: container side is not valid for pod two out of: front, back\n")


# -- errors ----------------------------------------------------------------------------------


def test_errors_as_the_real_server_words_them(
    cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client
) -> None:
    name = server_pods(cluster)[0]
    missing = raw.get(f"{PODS}/nope/log")
    assert status_of(missing) == (404, "NotFound", 'pods "nope" not found')
    assert missing.json()["details"] == {"name": "nope", "kind": "pods"}
    # kubectl reads the pod first, and words that 404 its own way.
    assert kubectl.run("logs", "nope", check=False).stderr == (
        'error: error from server (NotFound): pods "nope" not found in namespace "default"\n'
    )
    # The demo never restarts a container: there is no previous run.
    assert kubectl.run("logs", name, "--previous", check=False).stderr == (
        "Error from server (BadRequest): previous terminated container "
        f'"hostname-server" in pod "{name}" not found\n'
    )
    invalid = raw.get(f"{PODS}/{name}/log", params={"tailLines": "-1", "limitBytes": "0"})
    assert status_of(invalid) == (
        422,
        "Invalid",
        f'PodLogOptions "{name}" is invalid: [tailLines: Invalid value: -1: must be greater '
        "than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]",
    )
    assert invalid.json()["details"] == {
        "name": name,
        "kind": "PodLogOptions",
        "causes": [
            {
                "reason": "FieldValueInvalid",
                "message": "Invalid value: -1: must be greater than or equal to 0",
                "field": "tailLines",
            },
            {
                "reason": "FieldValueInvalid",
                "message": "Invalid value: 0: must be greater than 0",
                "field": "limitBytes",
            },
        ],
    }
    both = raw.get(
        f"{PODS}/{name}/log", params={"sinceSeconds": "5", "sinceTime": "2026-01-01T00:00:00Z"}
    )
    assert status_of(both) == (
        422,
        "Invalid",
        f'PodLogOptions "{name}" is invalid: : Forbidden: at most one of `sinceTime` or '
        "`sinceSeconds` may be specified",
    )
    assert raw.post(f"{PODS}/{name}/log").status_code == 405


def test_a_pod_not_yet_started_or_not_yet_scheduled(tmp_path: Path) -> None:
    """Bound but not started: the kubelet's ContainerCreating. Not on a node: no kubelet to
    ask, an empty answer (204)."""
    options = replace(FAST, scenarios=("empty",), pod_start_delay=120.0)
    with DemoCluster(options) as demo, connect(demo) as raw:
        kubectl = Kubectl(demo.kubeconfig_path, tmp_path / "kube-cache")
        kubectl("run", "slow", "--image=takytaky/hostname")
        wait_for(
            lambda: raw.get(f"{PODS}/slow").json()["spec"].get("nodeName"),
            message="slow bound to a node",
        )
        assert kubectl.run("logs", "slow", check=False).stderr == (
            'Error from server (BadRequest): container "slow" in pod "slow" is waiting to '
            "start: ContainerCreating\n"
        )
        kubectl(
            "run",
            "nowhere",
            "--image=takytaky/hostname",
            "--overrides",
            '{"spec": {"nodeSelector": {"no-such": "node"}}}',
        )
        answer = raw.get(f"{PODS}/nowhere/log")
        assert (answer.status_code, answer.content) == (204, b"")
        assert kubectl.run("logs", "nowhere").stdout == ""


# -- who may read logs ---------------------------------------------------------------------------


def test_reading_logs_takes_get_on_pods_log(cluster: DemoCluster, kubectl: Kubectl) -> None:
    """pods/log is its own resource: the viewer Role (pods, services) does not grant it; the
    edit ClusterRole does (aggregated from view)."""
    name = server_pods(cluster)[0]
    assert kubectl("--context", "bob", "logs", name) == "Listening on :80\n"
    refused = kubectl.run("--context", "viewer", "logs", name, check=False)
    assert refused.stderr == (
        f'Error from server (Forbidden): pods "{name}" is forbidden: User "viewer" cannot get '
        'resource "pods/log" in API group "" in the namespace "default"\n'
    )
    listed = json.loads(kubectl("get", "--raw", "/api/v1"))["resources"]
    log = next(r for r in listed if r["name"] == "pods/log")
    assert (log["kind"], log["verbs"], log["namespaced"]) == ("Pod", ["get"], True)
