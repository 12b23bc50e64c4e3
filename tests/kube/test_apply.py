"""The tour's changes against the demo cluster: manifests applied as kubectl apply, merge patches.

kubectl's own client-side apply (staging/src/k8s.io/kubectl/pkg/cmd/apply) creates a missing
object with its manifest in the last-applied-configuration annotation and patches an existing
one: after apply_manifests, the real `kubectl apply` of the same file finds nothing to change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.scenarios import manifests
from k9lite.kube import ActionFailed, load_connection
from k9lite.kube.apply import LAST_APPLIED, apply_manifests, merge_patch
from tests.conftest import Kubectl, wait_for


def test_created_then_configured_and_kubectl_apply_agrees(
    cluster: DemoCluster, kubectl: Kubectl, tmp_path: Path
) -> None:
    connection = load_connection(str(cluster.kubeconfig_path))
    w1 = manifests("w1")
    first = apply_manifests(connection, w1)
    assert [(w.kind, w.name, w.verb) for w in first] == [("deployments", "mynginx", "created")]
    again = apply_manifests(connection, w1)
    assert [w.verb for w in again] == ["configured"]
    assert int(again[0].resource_version) >= int(first[0].resource_version)
    raw = yaml.safe_load(kubectl("get", "deploy", "mynginx", "-o", "yaml"))
    annotation = raw["metadata"]["annotations"][LAST_APPLIED]
    assert '"name":"mynginx"' in annotation
    manifest = tmp_path / "w1.yaml"
    manifest.write_text(yaml.safe_dump_all(w1))
    assert kubectl("apply", "-f", str(manifest)).strip() == "deployment.apps/mynginx unchanged"


def test_a_merge_patch_moves_the_endpoints(cluster: DemoCluster, kubectl: Kubectl) -> None:
    connection = load_connection(str(cluster.kubeconfig_path))
    written = merge_patch(
        connection, "services", "default", "my-service", {"spec": {"selector": {"app": "my-app"}}}
    )
    assert (written.kind, written.name, written.verb) == ("services", "my-service", "patched")
    assert (
        kubectl("get", "svc", "my-service", "-o", "jsonpath={.spec.selector}") == '{"app":"my-app"}'
    )
    wait_for(
        lambda: (
            kubectl(
                "get", "endpoints", "my-service", "-o", "jsonpath={.subsets[0].addresses[*].ip}"
            ).count(" ")
            == 2
        ),
        message="my-service's three endpoints",
    )


def test_a_kind_the_api_does_not_know_is_one_error(cluster: DemoCluster) -> None:
    connection = load_connection(str(cluster.kubeconfig_path))
    with pytest.raises(ActionFailed, match="cannot apply a ConfigMap"):
        apply_manifests(connection, [{"kind": "ConfigMap", "metadata": {"name": "x"}}])
