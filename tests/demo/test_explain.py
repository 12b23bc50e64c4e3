"""`kubectl explain` and field validation against the demo: the built-in kinds' schemas served as
OpenAPI v3, and the unknown fields of a write refused (Strict), warned about (Warn, the default)
or dropped (Ignore).

Followed sources: kube-apiserver's /openapi/v3 documents (components.schemas, references in
allOf beside their description, x-kubernetes-group-version-kind on each kind); apiserver
handlers create.go and fieldValidation() (`KIND in version "V" cannot be handled as a KIND:
strict decoding error: unknown field "PATH"`; a Warning per field under Warn).
"""

from __future__ import annotations

import httpx

from tests.conftest import Kubectl

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: typo}
spec:
  selector: {matchLabels: {app: typo}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: web, imag: nginx, image: nginx}]
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\nbogus: 1\n"


def test_explain_prints_a_fields_description(kubectl: Kubectl) -> None:
    explained = kubectl("explain", "service.spec.ports.targetPort")
    assert "FIELD: targetPort <IntOrString>" in explained
    assert "Number or name of the port to access on the pods targeted by the service." in (
        " ".join(explained.split())
    )


def test_explain_lists_fields_with_types_and_required_ones(kubectl: Kubectl) -> None:
    explained = kubectl("explain", "deployment.spec")
    assert explained.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n")
    assert "  replicas\t<integer>\n" in explained
    assert "  selector\t<LabelSelector> -required-\n" in explained
    assert "  template\t<PodTemplateSpec> -required-\n" in explained


def test_strict_validation_names_the_unknown_field(kubectl: Kubectl) -> None:
    """kubectl apply asks for Strict by default: the typo'd field refuses the write."""
    refused = kubectl.run("apply", "-f", "-", stdin=DEPLOYMENT, check=False)
    assert refused.returncode == 1
    assert refused.stderr == (
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version '
        '"v1" cannot be handled as a Deployment: strict decoding error: unknown field '
        '"spec.template.spec.containers[0].imag"\n'
    )
    assert kubectl.run("get", "deploy", "typo", check=False).returncode == 1


def test_warn_validation_writes_and_warns(kubectl: Kubectl) -> None:
    written = kubectl.run("apply", "--validate=warn", "-f", "-", stdin=CONFIGMAP)
    assert written.stdout == "configmap/settings created\n"
    assert written.stderr == 'Warning: unknown field "bogus"\n'


def test_field_validation_over_http(raw: httpx.Client) -> None:
    path = "/api/v1/namespaces/default/configmaps"
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "extra": {}}
    warned = raw.post(path, json=body)  # no fieldValidation: Warn
    assert warned.status_code == 201
    assert warned.headers.get_list("Warning") == ['299 - "unknown field \\"extra\\""']
    ignored = raw.post(
        path, json={**body, "metadata": {"name": "b"}}, params={"fieldValidation": "Ignore"}
    )
    assert ignored.status_code == 201 and "Warning" not in ignored.headers
    # A strategic-merge patch's directives are not fields.
    patch = {"metadata": {"labels": {"x": "y"}}, "$retainKeys": ["metadata"]}
    patched = raw.patch(
        f"{path}/a",
        json=patch,
        params={"fieldValidation": "Strict"},
        headers={"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert patched.status_code == 200 and "Warning" not in patched.headers, patched.text
