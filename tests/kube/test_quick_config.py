"""The one-shots' kubeconfig reader: what it reads it reads as the official loader does, what it
does not read goes to the official loader, and its failures are the same one line."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from k9lite.cli import main
from k9lite.demo.cluster import DemoCluster
from k9lite.kube.config import load_connection
from k9lite.kube.getter import Getter
from k9lite.kube.proxy import proxy_access
from k9lite.kube.quick_config import quick_target
from tests.kube.test_config import closed_port, demo_document, staging_config, write


@pytest.fixture(autouse=True)
def no_kubeconfig_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))


def services_of(path: Path, namespace: str = "default") -> list[str]:
    """The names of the Services of `namespace`, read through the quick reader's target."""
    target = quick_target(str(path), None)
    assert target is not None
    getter = Getter(target.access)
    try:
        answer = getter.get(f"/api/v1/namespaces/{namespace}/services", "services", namespace, "")
    finally:
        getter.close()
    return sorted(item["metadata"]["name"] for item in answer["items"])


def test_the_demo_kubeconfig_reads_as_the_official_loader_reads_it(cluster: DemoCluster) -> None:
    path = str(cluster.kubeconfig_path)
    target = quick_target(path, None)
    official = load_connection(path)
    assert target is not None
    assert target.access.server == proxy_access(official).server
    assert target.access.headers == proxy_access(official).headers
    assert target.namespace == official.namespace == "default"
    assert "kubernetes" in services_of(cluster.kubeconfig_path)


def test_files_beside_the_kubeconfig_and_the_context_namespace(
    cluster: DemoCluster, tmp_path: Path
) -> None:
    """kubectl resolves a relative certificate-authority or tokenFile from the kubeconfig's
    own directory (client-go's ResolvePaths), not from the working directory."""
    document = demo_document(cluster)
    entry, user = document["clusters"][0]["cluster"], document["users"][0]["user"]
    (tmp_path / "ca.crt").write_bytes(base64.b64decode(entry.pop("certificate-authority-data")))
    (tmp_path / "token").write_text(user.pop("token") + "\n")
    entry["certificate-authority"], user["tokenFile"] = "ca.crt", "token"
    document["contexts"][0]["context"]["namespace"] = "kube-system"
    path = write(tmp_path / "config", document)
    target = quick_target(str(path), None)
    assert target is not None and target.namespace == "kube-system"
    assert "kubernetes" in services_of(path)


def test_insecure_skip_tls_verify_reaches_the_server(cluster: DemoCluster, tmp_path: Path) -> None:
    document = demo_document(cluster)
    entry = document["clusters"][0]["cluster"]
    del entry["certificate-authority-data"]
    entry["insecure-skip-tls-verify"] = True
    assert "kubernetes" in services_of(write(tmp_path / "config", document))


def test_a_client_certificate_is_loaded(tmp_path: Path) -> None:
    ca = trustme.CA()
    issued = ca.issue_cert("jane")
    document = staging_config("https://127.0.0.1:6443", current="staging")
    document["users"][0]["user"] = {
        "client-certificate-data": base64.b64encode(issued.cert_chain_pems[0].bytes()).decode(),
        "client-key-data": base64.b64encode(issued.private_key_pem.bytes()).decode(),
    }
    assert quick_target(str(write(tmp_path / "config", document)), None) is not None
    # A certificate without its key is the official loader's to explain.
    del document["users"][0]["user"]["client-key-data"]
    assert quick_target(str(write(tmp_path / "config", document)), None) is None


@pytest.mark.parametrize(
    "change",
    [
        {"user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "x"}}},
        {"user": {"auth-provider": {"name": "oidc"}}},
        {"user": {"username": "jane", "password": "secret"}},
        {"cluster": {"proxy-url": "http://proxy:3128"}},
        {"cluster": {"tls-server-name": "kubernetes"}},
        {"cluster": {"certificate-authority-data": "not base64!"}},
        {"context": "nowhere"},
    ],
    ids=["exec", "auth-provider", "basic", "proxy-url", "tls-server-name", "bad-base64", "context"],
)
def test_what_it_does_not_read_goes_to_the_official_loader(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    document = staging_config("https://127.0.0.1:6443", current="staging")
    document["users"][0]["user"].update(change.get("user", {}))
    document["clusters"][0]["cluster"].update(change.get("cluster", {}))
    document["current-context"] = change.get("context", "staging")
    assert quick_target(str(write(tmp_path / "config", document)), None) is None


def test_several_kubeconfig_files_go_to_the_official_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path / "a", staging_config("https://127.0.0.1:6443", current="staging"))
    second = write(tmp_path / "b", staging_config("https://127.0.0.1:6444"))
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join((str(first), str(second))))
    assert quick_target(None, None) is None
    monkeypatch.setenv("KUBECONFIG", str(first))
    assert quick_target(None, None) is not None


def test_an_exec_plugin_works_through_the_official_loader(
    cluster: DemoCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = demo_document(cluster)
    user = document["users"][0]["user"]
    credential = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": user.pop("token")},
    }
    user["exec"] = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": sys.executable,
        "args": ["-c", f"print({json.dumps(json.dumps(credential))})"],
        "interactiveMode": "Never",
    }
    path = write(tmp_path / "config", document)
    assert main(["route", "--kubeconfig", str(path), "kubernetes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["lanes"]


def one_shot_error(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["route", "--kubeconfig", str(path), "kubernetes"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err


def test_failures_are_said_in_one_line(
    cluster: DemoCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = f"https://127.0.0.1:{closed_port()}"
    refused = write(tmp_path / "refused", staging_config(server, current="staging"))
    assert one_shot_error(refused, capsys).startswith(
        f"k9lite: cannot reach {server}: connection refused\nNo cluster at hand?"
    )
    document = demo_document(cluster)
    document["users"][0]["user"]["token"] = "wrong"
    wrong = write(tmp_path / "wrong-token", document)
    assert one_shot_error(wrong, capsys) == (
        f"k9lite: {cluster.url} rejected the credentials (401 Unauthorized)\n"
    )
    document = demo_document(cluster)
    stranger = base64.b64encode(trustme.CA().cert_pem.bytes()).decode()
    document["clusters"][0]["cluster"]["certificate-authority-data"] = stranger
    err = one_shot_error(write(tmp_path / "stranger", document), capsys)
    assert err.startswith(f"k9lite: TLS failure talking to {cluster.url}: "), err
    assert "certificate verify failed" in err and err.count("\n") == 1, err


def test_insecure_prints_no_warnings(cluster: DemoCluster, tmp_path: Path) -> None:
    document = demo_document(cluster)
    entry = document["clusters"][0]["cluster"]
    del entry["certificate-authority-data"]
    entry["insecure-skip-tls-verify"] = True
    path = write(tmp_path / "config", yaml.safe_load(yaml.safe_dump(document)))
    # A child process with Python's default warning filters, as a user's terminal would run.
    result = subprocess.run(
        [sys.executable, "-m", "k9lite.cli", "route", "--kubeconfig", str(path), "kubernetes"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 0 and "kubernetes" in result.stdout, result.stderr
    assert result.stderr == ""
