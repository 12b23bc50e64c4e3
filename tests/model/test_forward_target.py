"""Where a port-forward goes, as `kubectl port-forward` decides (k8s.io/kubectl
pkg/cmd/portforward: a Service's running pod, its port turned into the pod's port by
pkg/util/service_port.go LookupContainerPortNumberByServicePort), and the LOCAL:REMOTE answer."""

from __future__ import annotations

import pytest

from k9lite.model.forward_target import (
    ForwardError,
    ForwardTarget,
    first_port,
    pod_target,
    service_target,
    suggested_ports,
)
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.ui.forwards import parse_ports, ports_problem
from tests.analysis.builders import W2, w2


def w2_service(state: ClusterState) -> Service:
    found = state.get("services", "default", W2)
    assert found is not None
    return found


def test_a_service_port_becomes_the_target_port_of_its_first_ready_pod() -> None:
    state = w2()
    target = service_target(state, w2_service(state), 8080)
    assert target == ForwardTarget("default", "hostname-server-a", 80, f"svc/{W2}:8080")


def test_a_named_target_port_is_looked_up_in_the_pod() -> None:
    ports = [{"name": "web", "protocol": "TCP", "port": 8080, "targetPort": "http"}]
    state = w2(spec={"ports": ports})
    with pytest.raises(ForwardError, match="declares a containerPort named http"):
        service_target(state, w2_service(state), 8080)


def test_a_port_the_service_lacks_is_named_with_those_it_has() -> None:
    state = w2()
    with pytest.raises(ForwardError, match=r"does not have a service port 80 \(it has 8080\)"):
        service_target(state, w2_service(state), 80)


def test_a_service_that_selects_no_running_pod_says_so() -> None:
    state = w2(pods=[], conds=[])
    with pytest.raises(ForwardError, match="selects no running pod"):
        service_target(state, w2_service(state), 8080)


def test_a_pod_takes_any_port_and_offers_its_declared_one() -> None:
    state = w2()
    pod = state.get("pods", "default", "hostname-server-b")
    assert pod is not None
    assert first_port(pod) == 80
    assert first_port(w2_service(state)) == 8080
    target = pod_target(pod, 9999)  # undeclared ports are forwarded too: declaring is a hint
    assert (target.pod, target.port, target.asked) == (
        "hostname-server-b",
        9999,
        "pod/hostname-server-b:9999",
    )


@pytest.mark.parametrize(
    ("remote", "offered"), [(80, "8080:80"), (443, "8443:443"), (8080, "8080:8080")]
)
def test_a_port_only_root_may_bind_is_offered_above_1024(remote: int, offered: str) -> None:
    assert suggested_ports(remote) == offered


@pytest.mark.parametrize(
    ("text", "ports"), [("8080:80", (8080, 80)), ("9000", (9000, 9000)), (":80", (0, 80))]
)
def test_local_remote_is_read_as_kubectl_reads_it(text: str, ports: tuple[int, int]) -> None:
    assert ports_problem(text) is None
    assert parse_ports(text) == ports


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("web", "LOCAL:REMOTE, two port numbers"),
        ("8080:0", "remote port 0 is not between 1 and 65535"),
        ("70000:80", "local port 70000 is not between 0"),
    ],
)
def test_a_bad_answer_says_what_is_wrong(text: str, problem: str) -> None:
    found = ports_problem(text)
    assert found is not None and found.startswith(problem), found
