"""`--scenario` on the dashboard and `k9lite tour`, as a user runs them: real processes, a real
terminal (tests/terminal.py), the real kubectl against the demo cluster they start."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from k9lite.demo.scenarios import SCENARIOS
from k9lite.tours.script import load_tour
from tests.conftest import Kubectl, wait_for
from tests.terminal import Terminal
from tests.test_cli import k9lite


@pytest.mark.parametrize(
    "args",
    [("--demo", "--scenario", "list"), ("demo-cluster", "--scenario", "list")],
    ids=["dashboard", "cluster"],
)
def test_scenario_list_names_every_scenario_in_a_line(args: tuple[str, ...]) -> None:
    result = subprocess.run(k9lite(*args), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and not result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(SCENARIOS)
    described = dict(line.split(None, 1) for line in lines)
    assert "selector matches no pods" in described["w6"]
    assert "LoadBalancer" in described["w5"] and "three tiers" in described["w8"]


def test_scenario_without_demo_is_one_line() -> None:
    result = subprocess.run(k9lite("--scenario", "w6"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--demo" in result.stderr, result.stderr


def test_unknown_scenario_is_one_line() -> None:
    result = subprocess.run(
        k9lite("--demo", "--scenario", "w9"), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown scenario 'w9'" in result.stderr


def test_demo_scenario_w6_holds_only_w6(tmp_path: Path) -> None:
    """The dashboard on `--scenario w6`; its cluster's objects, listed by kubectl get all."""
    with Terminal(["--demo", "--scenario", "w6"]) as term:
        term.wait_for(lambda: "my-deployment" in term.text(), what="W6's pods")
        term.type(":svc\r")
        term.wait_for(lambda: "Services [2]" in term.text(), what="kubernetes and my-service")
        assert "my-service" in term.text() and "hostname" not in term.text()
    # Inside the dashboard the demo's kubeconfig is private: the same scenario through
    # demo-cluster, listed with the real kubectl.
    kubeconfig = tmp_path / "w6.kubeconfig"
    process = subprocess.Popen(
        k9lite("demo-cluster", "--scenario", "w6", "--kubeconfig-out", str(kubeconfig)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(kubeconfig.exists, message="the demo cluster's kubeconfig")
        kubectl = Kubectl(kubeconfig, tmp_path / "cache")
        names = wait_for(
            lambda: (out := kubectl("get", "all", "-o", "name")).count("pod/") == 3 and out,
            timeout=20,
            message="W6's three pods",
        )
        listed = names.split()
        pods = [n for n in listed if n.startswith("pod/")]
        assert all(n.startswith("pod/my-deployment-") for n in pods), names
        others = {n for n in listed if not n.startswith(("pod/", "replicaset.apps/"))}
        assert others == {
            "service/kubernetes",
            "service/my-service",
            "deployment.apps/my-deployment",
        }, names
    finally:
        process.terminate()
        process.wait(10)


def test_a_bad_tour_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "talk.yaml"
    bad.write_text("title: My talk\nsteps:\n  - title: One\n    open: traffic\n")
    result = subprocess.run(k9lite("tour", str(bad)), capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr == (
        f"k9lite tour: tour file {bad}, step 1: 'open: traffic' needs 'select: SERVICE'\n"
    )
    missing = subprocess.run(
        k9lite("tour", str(tmp_path / "nope.yaml")), capture_output=True, text=True, timeout=30
    )
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "nope.yaml: cannot be read: No such file or directory" in missing.stderr


def test_tour_in_a_real_terminal_by_n_alone() -> None:
    tour = load_tour()
    with Terminal(["tour"]) as term:
        for number, step in enumerate(tour.steps, start=1):
            if number > 1:
                term.type("n")
            term.wait_for(
                lambda n=number, s=step: f"{n}/{len(tour.steps)} {s.title}" in term.text(),
                what=f"step {number}",
                timeout=30,
            )
            message_line = term.lines()[-2]  # above the footer; the doctor's ✗ is a lesson
            assert "✗" not in message_line, term.text()
        term.type("\x1b")
        term.wait_for(lambda: "tour left" in term.text(), what="the tour left")
        term.type("q")
        assert term.wait_exit(10) == 0
