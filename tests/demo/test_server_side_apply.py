"""Server-side apply against the demo, with the real kubectl and with lightkube (whose main write
path it is).

Followed sources: apimachinery pkg/util/managedfields/internal/conflict.go (the 409's message
and causes: `conflict with "MANAGER" [with subresource "S"] [using API_VERSION]: PATH`),
structured-merge-diff merge.Updater.Apply (shared ownership of equal values; the applier's set
becomes exactly what it stated; fields it stops stating are removed unless others own them),
apiserver ValidatePatchOptions (fieldManager required for an apply, force only for one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from lightkube import ApiError, Client
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import ConfigMap

from tests.conftest import Kubectl

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
"""


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "web.yaml"
    path.write_text(WEB)
    return path


def managed(kubectl: Kubectl, kind: str, name: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(
        kubectl("get", kind, name, "-o", "jsonpath={.metadata.managedFields}")
    )
    return entries


def test_apply_creates_and_records_exactly_the_stated_fields(
    kubectl: Kubectl, manifest: Path
) -> None:
    assert kubectl("apply", "--server-side", "-f", str(manifest)) == (
        "deployment.apps/web serverside-applied\n"
    )
    applied = [e for e in managed(kubectl, "deploy", "web") if e["operation"] == "Apply"]
    assert [e["manager"] for e in applied] == ["kubectl"]
    port = 'k:{"containerPort":80,"protocol":"TCP"}'  # the key's protocol at its default
    assert applied[0]["fieldsV1"] == {
        "f:metadata": {"f:labels": {"f:app": {}, "f:tier": {}}},
        "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {
                    "f:containers": {
                        'k:{"name":"web"}': {
                            ".": {},
                            "f:image": {},
                            "f:name": {},
                            "f:ports": {port: {".": {}, "f:containerPort": {}}},
                        }
                    }
                },
            },
        },
    }
    # The same configuration again changes nothing and says so the same way.
    assert kubectl("apply", "--server-side", "-f", str(manifest)).endswith("serverside-applied\n")


def test_a_field_another_manager_set_is_a_conflict_until_forced(
    kubectl: Kubectl, manifest: Path
) -> None:
    kubectl("apply", "--server-side", "-f", str(manifest))
    kubectl("scale", "deploy", "web", "--replicas=4")  # kubectl, through the scale subresource
    refused = kubectl.run("apply", "--server-side", "-f", str(manifest), check=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        'error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" '
        "using apps/v1: .spec.replicas\n"
    )
    assert kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "4"
    kubectl("apply", "--server-side", "--force-conflicts", "-f", str(manifest))
    assert kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "2"
    # Forced: the scale subresource's entry lost the field.
    scale = [e for e in managed(kubectl, "deploy", "web") if e.get("subresource") == "scale"]
    assert all("f:replicas" not in json.dumps(e.get("fieldsV1")) for e in scale), scale


def test_a_field_no_longer_stated_is_removed(kubectl: Kubectl, manifest: Path) -> None:
    kubectl("apply", "--server-side", "-f", str(manifest))
    manifest.write_text(WEB.replace(", tier: front", ""))
    kubectl("apply", "--server-side", "-f", str(manifest))
    assert kubectl("get", "deploy", "web", "-o", "jsonpath={.metadata.labels}") == '{"app":"web"}'


def test_equal_values_are_shared_not_conflicts(kubectl: Kubectl, manifest: Path) -> None:
    """Another applier stating the same value co-owns it; a different value conflicts."""
    kubectl("apply", "--server-side", "-f", str(manifest))
    other = ("apply", "--server-side", "--field-manager=ci", "-f", str(manifest))
    kubectl(*other)
    owners = {e["manager"] for e in managed(kubectl, "deploy", "web") if e["operation"] == "Apply"}
    assert owners == {"kubectl", "ci"}
    manifest.write_text(WEB.replace("image: nginx:1.25", "image: nginx:1.27"))
    refused = kubectl.run(*other, check=False)
    assert (
        'conflict with "kubectl": .spec.template.spec.containers[name="web"].image'
        in refused.stderr
    ), refused.stderr


def test_lightkube_applies_and_sees_the_conflict(lightkube: Client, kubectl: Kubectl) -> None:
    def settings(value: str) -> ConfigMap:
        return ConfigMap(metadata=ObjectMeta(name="settings"), data={"mode": value})

    created = lightkube.apply(settings("fast"), namespace="default")
    assert created.data == {"mode": "fast"}
    kubectl("patch", "configmap", "settings", "-p", '{"data":{"mode":"slow"}}')
    with pytest.raises(ApiError) as refused:
        lightkube.apply(settings("fast"), namespace="default")
    assert refused.value.status.code == 409
    assert refused.value.status.message == (
        'Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.mode'
    )
    assert lightkube.apply(settings("fast"), namespace="default", force=True).data == {
        "mode": "fast"
    }


def test_patch_options_are_checked(raw: httpx.Client) -> None:
    path = "/api/v1/namespaces/default/configmaps/x"
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
    apply = {"Content-Type": "application/apply-patch+yaml"}
    missing = raw.patch(path, content=body, headers=apply)
    assert (missing.status_code, missing.json()["message"]) == (
        422,
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required '
        "for apply patch",
    )
    merge = {"Content-Type": "application/merge-patch+json"}
    forced = raw.patch(path, params={"force": "true"}, content=b"{}", headers=merge)
    assert (forced.status_code, forced.json()["message"]) == (
        422,
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for '
        "non-apply patch",
    )
    created = raw.patch(path, params={"fieldManager": "me"}, content=body, headers=apply)
    assert created.status_code == 201, created.text
