"""PersistentVolumeClaims, the kind added as one file in kinds/builtin/.

Columns follow kubernetes pkg/printers/internalversion/printers.go
persistentVolumeClaimColumnDefinitions and printPersistentVolumeClaim (kubectl 1.3x prints
VOLUMEATTRIBUTESCLASS; CAPACITY and ACCESS MODES appear once the claim is bound).
"""

from __future__ import annotations

import json

import yaml

from tests.conftest import Kubectl

CLAIM = {
    "apiVersion": "v1",
    "kind": "PersistentVolumeClaim",
    "metadata": {"name": "data"},
    "spec": {
        "accessModes": ["ReadWriteOnce"],
        "storageClassName": "standard",
        "resources": {"requests": {"storage": "1Gi"}},
    },
}


def _rows(kubectl: Kubectl, *args: str) -> list[list[str]]:
    return [line.split() for line in kubectl("get", *args).splitlines()]


def test_a_claim_with_kubectl(kubectl: Kubectl) -> None:
    assert kubectl("apply", "-f", "-", stdin=json.dumps(CLAIM)).strip() == (
        "persistentvolumeclaim/data created"
    )
    header, row = _rows(kubectl, "pvc", "-o", "wide")
    assert header == [
        "NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS",
        "VOLUMEATTRIBUTESCLASS", "AGE", "VOLUMEMODE",
    ]  # fmt: skip
    # Pending and unbound: VOLUME, CAPACITY and ACCESS MODES are empty.
    assert row[:3] == ["data", "Pending", "standard"] and row[3] == "<unset>"
    assert row[5] == "Filesystem"
    claim = yaml.safe_load(kubectl("get", "pvc", "data", "-o", "yaml"))
    assert claim["status"] == {"phase": "Pending"}
    assert claim["spec"]["volumeMode"] == "Filesystem"
    bound = {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}
    kubectl("patch", "pvc", "data", "--type=merge", "-p", '{"spec":{"volumeName":"pv-1"}}')
    kubectl(
        "patch", "pvc", "data", "--subresource=status", "--type=merge",
        "-p", json.dumps({"status": bound}),
    )  # fmt: skip
    assert _rows(kubectl, "persistentvolumeclaims")[1][:7] == [
        "data", "Bound", "pv-1", "1Gi", "RWO", "standard", "<unset>",
    ]  # fmt: skip
    assert kubectl("delete", "pvc", "data").strip() == (
        'persistentvolumeclaim "data" deleted from default namespace'
    )
    result = kubectl.run("get", "pvc", check=False)
    assert result.stderr.strip() == "No resources found in default namespace."
