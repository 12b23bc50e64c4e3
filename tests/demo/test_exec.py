"""`pods/NAME/exec` in the demo cluster, driven by the real kubectl (v5.channel.k8s.io) and the
official Python client's `stream()` (v4.channel.k8s.io).

Followed sources: k8s.io/apimachinery pkg/util/remotecommand/constants.go (subprotocols and
channels; v5's close signal, which is how `kubectl exec -i` tells the end of stdin); kubelet
pkg/kubelet/cri/streaming/remotecommand/httpstream.go (the error channel's Status: Success, or
NonZeroExitCode with an ExitCode cause; InternalError `error executing command in container: ...`
when the command cannot start, with containerd's `executable file not found in $PATH`); k8s.io/
client-go tools/remotecommand/websocket.go (the client reads until the server closes);
kube-apiserver pkg/registry/core/pod/strategy.go streamLocation (NotFound, `a container name must
be specified for pod P, choose one of: [A B]`, `container C is not valid for pod P`); KEP 4006's
compound check (gate AuthorizePodWebsocketUpgradeCreatePermission, on since 1.35): the upgrade, a
GET, needs `create` on pods/exec besides `get`. kubectl prints `command terminated with exit code
N` and exits N. busybox ash: `sh: foo: not found`, 127.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from kubernetes import client
from kubernetes.stream import stream
from kubernetes_asyncio import client as asyncio_client
from kubernetes_asyncio import config as asyncio_config
from kubernetes_asyncio.stream import WsApiClient

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.rbac.users import DemoUser
from tests.conftest import FAST, Kubectl, default_scenario, running_pods, wait_for
from tests.demo.conftest import REMOTE_COMMAND, kubectl_over
from tests.demo.test_api_errors import connect


@pytest.fixture(params=sorted(REMOTE_COMMAND))
def kubectl(request: pytest.FixtureRequest, cluster: DemoCluster, tmp_path: Path) -> Kubectl:
    """Each kubectl test over both transports of exec and attach."""
    return kubectl_over(request.param, cluster, tmp_path)


PODS = "/api/v1/namespaces/default/pods"
HELLO = re.compile(r"<p>Hello,  (\S+)</p>")
SERVICE = "clusterip-hostname-service"


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """The default scenario, with a user who holds no role until a test gives one."""
    with default_scenario(replace(FAST, users=(DemoUser("shelly", "system:basic-user"),))) as demo:
        yield demo


def hostname_pods(cluster: DemoCluster) -> list[str]:
    pods = running_pods(cluster, "hostname-server-")
    assert len(pods) == 2, pods
    return pods


def service_answers(kubectl: Kubectl) -> None:
    """Wait for kube-proxy's listener on the ClusterIP (it follows the endpoints shortly)."""
    wget = ("exec", "deploy/hostname-server", "--", "wget", "-qO-", f"{SERVICE}:8080")
    wait_for(lambda: kubectl.run(*wget, check=False).returncode == 0, message="the ClusterIP")


# -- the real kubectl -----------------------------------------------------------------------------


def test_exec_hostname_prints_the_pod_name(cluster: DemoCluster, kubectl: Kubectl) -> None:
    for pod in hostname_pods(cluster):
        assert kubectl("exec", pod, "--", "hostname") == f"{pod}\n"
        assert kubectl("exec", pod, "--", "cat", "/etc/hostname") == f"{pod}\n"


def test_a_wget_loop_on_the_cluster_ip_reaches_both_pods(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    """The tutorial's loop from inside a pod: the data plane spreads each connection."""
    pods = hostname_pods(cluster)
    service_answers(kubectl)
    loop = f"for i in {' '.join(map(str, range(20)))}; do wget -qO- {SERVICE}:8080; done"
    output = kubectl("exec", pods[0], "--", "sh", "-c", loop)
    answered = HELLO.findall(output)
    assert len(answered) == 20
    # 20 random picks between two pods all landing on one: 2 in a million.
    assert set(answered) == set(pods)
    curl = kubectl("exec", pods[0], "--", "sh", "-c", f"curl -s http://{SERVICE}:8080 | grep Hello")
    assert HELLO.fullmatch(curl.strip())


def test_the_answering_pods_log_the_calling_pod(cluster: DemoCluster, kubectl: Kubectl) -> None:
    """A pod's connection to a ClusterIP keeps its source address (kube-proxy masquerades
    NodePort traffic, not pod-to-ClusterIP), so each access line names the caller's pod IP, and
    the User-Agent busybox wget sends."""
    pods = hostname_pods(cluster)
    service_answers(kubectl)
    caller = pods[0]
    ip = kubectl("get", "pod", caller, "-o", "jsonpath={.status.podIP}")
    loop = f"for i in 1 2 3 4 5 6; do wget -qO- {SERVICE}:8080/from-a-pod; done"
    kubectl("exec", caller, "--", "sh", "-c", loop)
    lines = [
        line for p in pods for line in kubectl("logs", p).splitlines() if "/from-a-pod" in line
    ]
    assert len(lines) == 6, lines
    assert all(line.startswith(f"{ip} - - [") for line in lines), lines
    assert all(line.endswith('200 155 "-" "Wget"') for line in lines), lines


def test_the_exit_status_comes_back(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pod = hostname_pods(cluster)[0]
    failed = kubectl.run("exec", pod, "--", "sh", "-c", "echo before; exit 3", check=False)
    assert (failed.returncode, failed.stdout) == (3, "before\n")
    assert failed.stderr == "command terminated with exit code 3\n"
    chained = kubectl("exec", pod, "--", "sh", "-c", "false || echo fell back && echo $?")
    assert chained == "fell back\n0\n"


def test_an_unknown_command_fails_as_a_shell_does(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pod = hostname_pods(cluster)[0]
    in_shell = kubectl.run("exec", pod, "--", "sh", "-c", "foo", check=False)
    assert in_shell.returncode == 127
    assert in_shell.stderr == "sh: foo: not found\ncommand terminated with exit code 127\n"
    # Without a shell, the runtime cannot start it: the kubelet's InternalError.
    direct = kubectl.run("exec", pod, "--", "foo", check=False)
    assert direct.returncode == 1
    assert direct.stderr.startswith(
        "error: Internal error occurred: error executing command in container: "
    )
    assert direct.stderr.endswith('exec: "foo": executable file not found in $PATH: unknown\n')


def test_exec_i_feeds_stdin_lines_to_sh(cluster: DemoCluster, kubectl: Kubectl) -> None:
    """stdin ends with v5's close signal, and `sh` reads line by line until then."""
    pod = hostname_pods(cluster)[0]
    script = "echo one\nhostname\nX=two; echo $X | grep -c two\n"
    assert kubectl("exec", "-i", pod, "--", "sh", stdin=script) == f"one\n{pod}\n1\n"
    ended = kubectl.run("exec", "-i", pod, "--", "sh", stdin="exit 4\necho never\n", check=False)
    assert (ended.returncode, ended.stdout) == (4, "")
    assert kubectl("exec", "-i", pod, "--", "cat", stdin="piped\n") == "piped\n"


def test_cluster_dns_from_inside_a_pod(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pod = hostname_pods(cluster)[0]
    kubectl("create", "service", "externalname", "docs", "--external-name", "kubernetes.io")
    kubectl("create", "service", "clusterip", "headless", "--clusterip=None", "--tcp=80:8080")
    kubectl("set", "selector", "service", "headless", "app=hostname-server")
    cluster_ip = kubectl("get", "service", SERVICE, "-o", "jsonpath={.spec.clusterIP}")
    fqdn = f"{SERVICE}.default.svc.cluster.local"
    for name in (SERVICE, f"{SERVICE}.default", fqdn):
        assert kubectl("exec", pod, "--", "getent", "hosts", name) == f"{cluster_ip:<15} {fqdn}\n"
    looked_up = kubectl("exec", pod, "--", "nslookup", SERVICE)
    assert f"Name:\t{fqdn}\nAddress: {cluster_ip}\n" in looked_up
    pod_ips = sorted(
        kubectl(
            "get", "pods", *hostname_pods(cluster), "-o", "jsonpath={.items[*].status.podIP}"
        ).split()
    )

    def headless_answer() -> list[str]:
        answer = kubectl("exec", pod, "--", "getent", "hosts", "headless")
        return sorted(line.split()[0] for line in answer.splitlines())

    wait_for(lambda: headless_answer() == pod_ips, message="the headless Service's pod IPs")
    cname = kubectl("exec", pod, "--", "nslookup", "docs")
    assert "docs.default.svc.cluster.local\tcanonical name = kubernetes.io\n" in cname
    missing = kubectl.run("exec", pod, "--", "nslookup", "nowhere", check=False)
    assert missing.returncode == 1
    assert "** server can't find nowhere.default.svc.cluster.local: NXDOMAIN" in missing.stdout
    wget = kubectl.run("exec", pod, "--", "wget", "-qO-", "http://nowhere:8080", check=False)
    assert wget.stderr.startswith("wget: bad address 'nowhere'\n")


def test_exec_needs_create_on_pods_exec_besides_get(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pod = hostname_pods(cluster)[0]
    kubectl("create", "role", "peek", "--verb=get", "--resource=pods,pods/exec")
    kubectl("create", "rolebinding", "peek", "--role=peek", "--user=shelly")
    refused = kubectl.run("--context", "shelly", "exec", pod, "--", "hostname", check=False)
    assert refused.returncode == 1
    assert (
        f'pods "{pod}" is forbidden: User "shelly" cannot create resource "pods/exec" '
        'in API group "" in the namespace "default"'
    ) in refused.stderr
    kubectl("create", "role", "shell", "--verb=create", "--resource=pods/exec")
    kubectl("create", "rolebinding", "shell", "--role=shell", "--user=shelly")
    assert kubectl("--context", "shelly", "exec", pod, "--", "hostname") == f"{pod}\n"


# -- the official Python client --------------------------------------------------------------------


async def test_kubernetes_asyncio_execs_over_its_own_websocket(cluster: DemoCluster) -> None:
    """A second client on the exec stream: kubernetes_asyncio (the asyncio port that kopf
    builds on) speaks v4.channel.k8s.io over aiohttp; the error channel carries the status."""
    pod = hostname_pods(cluster)[0]
    await asyncio_config.load_kube_config(config_file=str(cluster.kubeconfig_path))
    async with WsApiClient() as ws:
        core = asyncio_client.CoreV1Api(api_client=ws)
        argv = ["sh", "-c", "hostname; exit 3"]
        assert (
            await core.connect_get_namespaced_pod_exec(
                pod, "default", command=["hostname"], stdout=True, stderr=True
            )
            == f"{pod}\n"
        )
        channels: dict[int, bytes] = {}
        response = await core.connect_get_namespaced_pod_exec(
            pod, "default", command=argv, stdout=True, stderr=True, _preload_content=False
        )
        async with response as websocket:
            async for message in websocket:
                channels[message.data[0]] = channels.get(message.data[0], b"") + message.data[1:]
    assert channels[1] == f"{pod}\n".encode()
    status = json.loads(channels[3])
    assert (status["reason"], status["details"]["causes"]) == (
        "NonZeroExitCode",
        [{"reason": "ExitCode", "message": "3"}],
    )


def test_the_python_client_stream_returns_the_output(
    cluster: DemoCluster, core: client.CoreV1Api
) -> None:
    """`stream()` over v4.channel.k8s.io: the output, then the Status on the error channel.

    With `_preload_content=False` and an explicit shutdown: once the server has closed, the
    client's `close()` returns early and leaves its socket open (so the preloading form leaks it).
    """
    pod = hostname_pods(cluster)[0]
    outputs: list[str] = []
    statuses: list[dict[str, Any]] = []
    for script in ("hostname; echo $HOSTNAME", "echo out; exit 5"):
        session = stream(
            core.connect_get_namespaced_pod_exec,
            pod,
            "default",
            command=["sh", "-c", script],
            stderr=True,
            stdin=False,
            stdout=True,
            tty=False,
            _preload_content=False,
        )
        try:
            session.run_forever(timeout=10)
            outputs.append(session.read_stdout())
            statuses.append(json.loads(session.read_channel(3)))
        finally:
            session.close()
            session.sock.shutdown()
    assert outputs == [f"{pod}\n{pod}\n", "out\n"]
    assert statuses[0] == {"metadata": {}, "status": "Success"}
    assert statuses[1]["reason"] == "NonZeroExitCode"
    assert statuses[1]["details"]["causes"] == [{"reason": "ExitCode", "message": "5"}]


# -- refusals before the upgrade ------------------------------------------------------------------


def test_refusals_before_the_upgrade(cluster: DemoCluster) -> None:
    pod = hostname_pods(cluster)[0]
    pair = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "pair"},
        "spec": {
            "containers": [{"name": "a", "image": "busybox"}, {"name": "b", "image": "busybox"}]
        },
    }
    with connect(cluster) as http:
        assert http.post(PODS, json=pair).status_code == 201

        def refusal(path: str, container: str = "") -> tuple[int, str]:
            response: httpx.Response = http.get(
                f"{PODS}/{path}",
                params={"command": "hostname", "stdout": "true", "container": container},
            )
            return response.status_code, response.json()["message"]

        assert refusal("nowhere/exec") == (404, 'pods "nowhere" not found')
        assert refusal(f"{pod}/exec", "web") == (
            400,
            f"container web is not valid for pod {pod}",
        )
        assert refusal("pair/exec") == (
            400,
            "a container name must be specified for pod pair, choose one of: [a b]",
        )
        # Everything checks out, but a plain GET is no WebSocket upgrade.
        assert refusal(f"{pod}/exec") == (400, "Upgrade request required")

        # A SPDY upgrade negotiates its subprotocol first (apimachinery httpstream.Handshake):
        # none offered is a 400, none the server accepts a 403 naming what it accepts.
        def spdy(*offered: str) -> httpx.Response:
            headers = [("Upgrade", "SPDY/3.1"), ("Connection", "Upgrade")]
            headers += [("X-Stream-Protocol-Version", p) for p in offered]
            return http.post(f"{PODS}/{pod}/exec?command=hostname&stdout=true", headers=headers)

        missing = spdy()
        assert (missing.status_code, missing.text.strip()) == (
            400,
            "unable to upgrade: X-Stream-Protocol-Version is required",
        )
        old = spdy("channel.k8s.io", "v9.channel.k8s.io")
        assert (old.status_code, old.text.strip()) == (
            403,
            "unable to upgrade: unable to negotiate protocol: client supports "
            "[channel.k8s.io v9.channel.k8s.io], server accepts [v4.channel.k8s.io]",
        )
        assert old.headers.get_list("X-Accepted-Stream-Protocol-Versions") == ["v4.channel.k8s.io"]


def test_an_interactive_sh_under_a_tty(cluster: DemoCluster, core: client.CoreV1Api) -> None:
    """With a TTY: a prompt, the terminal's echo, CR LF line ends, stderr on the terminal."""
    pod = hostname_pods(cluster)[0]
    session = stream(
        core.connect_get_namespaced_pod_exec,
        pod,
        "default",
        command=["sh"],
        stderr=True,
        stdin=True,
        stdout=True,
        tty=True,
        _preload_content=False,
    )
    screen: list[str] = []

    def shown(text: str) -> bool:
        session.update(timeout=0.2)
        screen.append(session.read_stdout())
        return "".join(screen).endswith(text)

    try:
        wait_for(lambda: shown("/ # "), message="the prompt")
        session.write_channel(4, json.dumps({"Width": 80, "Height": 24}))
        session.write_stdin("hostname\r")
        wait_for(lambda: shown(f"{pod}\r\n/ # "), message="hostname's answer")
        session.write_stdin("nope\r")
        wait_for(lambda: shown("not found\r\n/ # "), message="the shell's complaint")
        session.write_stdin("exit 2\r")
        session.run_forever(timeout=10)
        screen.append(session.read_stdout())
        status = json.loads(session.read_channel(3))
    finally:
        session.close()
        session.sock.shutdown()
    assert "".join(screen) == (
        f"/ # hostname\r\n{pod}\r\n/ # nope\r\nsh: nope: not found\r\n/ # exit 2\r\n"
    )
    assert status["details"]["causes"] == [{"reason": "ExitCode", "message": "2"}]
