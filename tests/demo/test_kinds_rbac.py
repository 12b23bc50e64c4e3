"""The bootstrap admin, edit and view roles on the new kinds, as kube-apiserver's
plugin/pkg/auth/authorizer/rbac/bootstrappolicy grants them: view reads ConfigMaps but not
Secrets, edit writes both, and CustomResourceDefinitions are for cluster-admin only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.rbac.users import DemoUser
from tests.conftest import FAST, Kubectl

USERS = (DemoUser("alice", "view"), DemoUser("bob", "edit"), DemoUser("dave", "admin"))


@pytest.fixture
def kubectl(tmp_path: Path) -> Iterator[Kubectl]:
    with DemoCluster(replace(FAST, users=USERS)) as demo:
        yield Kubectl(demo.kubeconfig_path, tmp_path / "kube-cache")


def _forbidden(kubectl: Kubectl, user: str, *args: str) -> str:
    result = kubectl.run("--context", user, *args, check=False)
    assert result.returncode == 1, result.stdout
    return result.stderr.strip()


@pytest.mark.parametrize("user", ["alice", "bob", "dave"])
def test_every_aggregated_role_reads_workloads_and_configmaps(kubectl: Kubectl, user: str) -> None:
    for resource in ("statefulsets", "daemonsets", "jobs", "configmaps"):
        result = kubectl.run("--context", user, "get", resource, check=False)
        assert result.returncode == 0, (resource, result.stderr)


def test_view_may_not_read_secrets(kubectl: Kubectl) -> None:
    assert _forbidden(kubectl, "alice", "get", "secrets") == (
        'Error from server (Forbidden): secrets is forbidden: User "alice" cannot list resource '
        '"secrets" in API group "" in the namespace "default"'
    )
    secret = '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}'
    assert kubectl("--context", "bob", "create", "-f", "-", stdin=secret).strip() == (
        "secret/s created"
    )
    assert kubectl("--context", "bob", "get", "secrets", "-o", "name").split() == ["secret/s"]


def test_only_cluster_admin_touches_crds(kubectl: Kubectl) -> None:
    for user in ("alice", "bob", "dave"):
        assert 'cannot list resource "customresourcedefinitions" in API group ' in _forbidden(
            kubectl, user, "get", "crd"
        )
    admin = kubectl.run("get", "crd")
    assert (admin.stdout, admin.stderr.strip()) == ("", "No resources found")
