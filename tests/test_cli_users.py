"""`k9lite demo-cluster --user NAME:ROLE`: accounts beside the admin, and bad values."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Kubectl
from tests.test_cli import demo_cluster_process, k9lite, stop_with_ctrl_c


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("viewer", "k9lite demo-cluster: --user 'viewer': expected NAME:ROLE, e.g. viewer:viewer"),
        (":view", "k9lite demo-cluster: --user ':view': expected NAME:ROLE, e.g. viewer:viewer"),
        (
            "x:root",
            "k9lite: user 'x': unknown role 'root'; choose from cluster-admin, admin, edit, view, "
            "system:aggregate-to-admin, system:aggregate-to-edit, system:aggregate-to-view, "
            "system:basic-user, system:discovery, system:public-info-viewer, viewer",
        ),
        ("demo-admin:view", "k9lite: user name 'demo-admin' is the demo's admin"),
    ],
)
def test_bad_user_is_one_line_and_exit_2(value: str, expected: str) -> None:
    result = subprocess.run(
        k9lite("demo-cluster", "--user", value), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [expected]


def test_demo_cluster_with_a_viewer(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "demo.kubeconfig"
    flags = ("--kubeconfig-out", str(kubeconfig), "--user", "viewer:viewer", "--user", "ann:view")
    with demo_cluster_process(*flags) as (process, text):
        assert "kubectl --context viewer get pods    # as viewer, bound to viewer" in text, text
        assert "kubectl --context ann get pods    # as ann, bound to view" in text
        kubectl = Kubectl(kubeconfig, tmp_path / "cache")
        assert "hostname-server" in kubectl("--context", "ann", "get", "deployments")
        denied = kubectl.run("--context", "viewer", "get", "deployments", check=False)
        assert denied.returncode == 1
        assert 'User "viewer" cannot list resource "deployments"' in denied.stderr
        # The admin's context stays the current one.
        assert "worker1" in kubectl("get", "nodes")
        stop_with_ctrl_c(process)
