"""Kubeconfig resolution as kubectl does it, and the typed errors of a first contact."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from k9lite.demo.cluster import DemoCluster
from k9lite.kube import (
    ClusterUnreachable,
    InvalidKubeconfig,
    NoKubeconfig,
    TLSFailure,
    Unauthorized,
    UnknownContext,
    check_connection,
    load_connection,
    official_config,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No KUBECONFIG, an empty home, not inside a pod: each test sets what it needs."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(official_config, "SERVICE_ACCOUNT_DIR", tmp_path / "no-service-account")
    return home


def demo_document(cluster: DemoCluster) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(cluster.kubeconfig_path.read_text())
    return document


def write(path: Path, document: Any) -> Path:
    path.write_text(yaml.safe_dump(document) if not isinstance(document, str) else document)
    return path


def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def staging_config(server: str, *, current: str | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "staging", "cluster": {"server": server}}],
        "users": [{"name": "staging-user", "user": {"token": "not-a-real-token"}}],
        "contexts": [
            {"name": "staging", "context": {"cluster": "staging", "user": "staging-user"}}
        ],
    }
    if current:
        document["current-context"] = current
    return document


# -- resolution -----------------------------------------------------------------------------------


def test_kubeconfig_list_merges_files_and_first_current_context_wins(
    cluster: DemoCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first file names the demo context as current although only the second defines it.
    first = write(
        tmp_path / "first",
        staging_config(f"https://127.0.0.1:{closed_port()}", current="k9lite-demo"),
    )
    second_doc = demo_document(cluster)
    second_doc["current-context"] = "staging"
    second = write(tmp_path / "second", second_doc)
    missing = tmp_path / "missing"
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(first), str(missing), str(second)]))

    connection = load_connection()

    assert connection.context == "k9lite-demo"
    assert connection.server == cluster.url
    assert connection.namespace == "default"
    assert connection.user == "demo-admin"
    assert connection.source == os.pathsep.join([str(first), str(second)])
    assert check_connection(connection).startswith("v1.")

    staging = load_connection(context="staging")
    assert staging.server.startswith("https://127.0.0.1:")
    # A context without a namespace means "default", as for kubectl.
    assert staging.namespace == "default"
    assert staging.user == "staging-user"


def test_first_file_wins_for_a_user_defined_twice(
    cluster: DemoCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shadow = {"users": [{"name": "demo-admin", "user": {"token": "shadowing-token"}}]}
    first = write(tmp_path / "first", shadow)
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(first), str(cluster.kubeconfig_path)]))

    connection = load_connection()

    assert connection.context == "k9lite-demo"
    with pytest.raises(Unauthorized):
        check_connection(connection)


def test_explicit_kubeconfig_beats_the_environment(
    cluster: DemoCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = write(tmp_path / "other", staging_config("https://127.0.0.1:1", current="staging"))
    monkeypatch.setenv("KUBECONFIG", str(other))

    connection = load_connection(str(cluster.kubeconfig_path))

    assert connection.server == cluster.url
    assert connection.source == str(cluster.kubeconfig_path)


def test_home_kubeconfig_when_no_kubeconfig_variable(
    cluster: DemoCluster, clean_environment: Path
) -> None:
    target = clean_environment / ".kube" / "config"
    target.parent.mkdir()
    target.write_text(cluster.kubeconfig_path.read_text())

    connection = load_connection()

    assert connection.source == str(target)
    assert connection.server == cluster.url


def test_unknown_context_lists_the_available_ones(cluster: DemoCluster, tmp_path: Path) -> None:
    path = write(tmp_path / "config", staging_config("https://127.0.0.1:1"))
    with pytest.raises(UnknownContext) as error:
        load_connection(str(path), context="prod")
    assert error.value.name == "prod"
    assert error.value.available == ("staging",)
    assert str(error.value) == 'context "prod" not found in the kubeconfig (available: staging)'


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "config", "apiVersion: v1\nclusters: [\n  - name: x\n  bad: : :\n")
    with pytest.raises(InvalidKubeconfig) as error:
        load_connection(str(path))
    assert error.value.path == str(path)
    assert error.value.reason.startswith("invalid YAML:")
    assert "line " in error.value.reason
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d.update(clusters=[]),
            'cluster "k9lite-demo" of context "k9lite-demo" not found',
        ),
        (lambda d: d.update(users=[]), 'user "demo-admin" of context "k9lite-demo" not found'),
        (
            lambda d: d["clusters"][0]["cluster"].update({"certificate-authority-data": "%%%"}),
            "bad base64 data",
        ),
        (lambda d: d["clusters"][0]["cluster"].pop("server"), "has no server"),
        (lambda d: d.update(clusters="oops"), "clusters must be a list of named entries"),
    ],
    ids=["missing-cluster", "missing-user", "bad-base64", "no-server", "clusters-not-a-list"],
)
def test_unusable_kubeconfig_is_invalid(
    cluster: DemoCluster, tmp_path: Path, mutate: Any, expected: str
) -> None:
    document = demo_document(cluster)
    mutate(document)
    path = write(tmp_path / "config", document)
    with pytest.raises(InvalidKubeconfig) as error:
        load_connection(str(path))
    assert expected in error.value.reason
    assert str(error.value).startswith(f"invalid kubeconfig {path}: ")


def test_missing_explicit_file_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(InvalidKubeconfig) as error:
        load_connection(str(tmp_path / "nope"))
    assert str(error.value) == f"invalid kubeconfig {tmp_path / 'nope'}: no such file"


def test_a_directory_is_called_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidKubeconfig) as error:
        load_connection(str(tmp_path))
    assert str(error.value) == (
        f"invalid kubeconfig {tmp_path}: is a directory, not a kubeconfig file"
    )

    # kubectl skips a missing KUBECONFIG entry but fails on one it cannot read.
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(tmp_path / "absent"), str(tmp_path)]))
    with pytest.raises(InvalidKubeconfig, match="is a directory"):
        load_connection()


def test_nothing_configured_is_no_kubeconfig(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_environment: Path
) -> None:
    with pytest.raises(NoKubeconfig) as error:
        load_connection()
    assert str(clean_environment / ".kube" / "config") in error.value.searched

    # KUBECONFIG naming only missing files is as good as nothing, as for kubectl.
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "absent"))
    with pytest.raises(NoKubeconfig) as error:
        load_connection()
    assert error.value.searched[0] == str(tmp_path / "absent")


def test_in_cluster_service_account(
    cluster: DemoCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text(cluster.token)
    (account / "ca.crt").write_bytes(cluster.ca_pem)
    (account / "namespace").write_text("kube-system\n")
    monkeypatch.setattr(official_config, "SERVICE_ACCOUNT_DIR", account)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", cluster.url.rsplit(":", 1)[1])

    connection = load_connection()

    assert connection.context == "in-cluster"
    assert connection.server == cluster.url
    assert connection.namespace == "kube-system"
    assert check_connection(connection).startswith("v1.")


def test_in_cluster_without_token_is_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "6443")
    with pytest.raises(InvalidKubeconfig) as error:
        load_connection()
    assert "token" in error.value.reason.lower()


# -- first contact --------------------------------------------------------------------------------


def test_closed_port_is_unreachable(tmp_path: Path) -> None:
    server = f"https://127.0.0.1:{closed_port()}"
    path = write(tmp_path / "config", staging_config(server, current="staging"))
    with pytest.raises(ClusterUnreachable) as error:
        check_connection(load_connection(str(path)), timeout=2)
    assert error.value.server == server
    assert str(error.value) == f"cannot reach {server}: connection refused"


def test_wrong_certificate_authority_is_a_tls_failure(cluster: DemoCluster, tmp_path: Path) -> None:
    document = demo_document(cluster)
    stranger = trustme.CA().cert_pem.bytes()
    document["clusters"][0]["cluster"]["certificate-authority-data"] = base64.b64encode(
        stranger
    ).decode()
    path = write(tmp_path / "config", document)
    with pytest.raises(TLSFailure) as error:
        check_connection(load_connection(str(path)), timeout=5)
    message = str(error.value)
    assert message.startswith(f"TLS failure talking to {cluster.url}: ")
    assert "certificate verify failed" in message
    assert "\n" not in message


def test_wrong_token_is_unauthorized(cluster: DemoCluster, tmp_path: Path) -> None:
    document = demo_document(cluster)
    document["users"][0]["user"]["token"] = "wrong"
    path = write(tmp_path / "config", document)
    with pytest.raises(Unauthorized) as error:
        check_connection(load_connection(str(path)))
    assert str(error.value) == f"{cluster.url} rejected the credentials (401 Unauthorized)"


INSECURE_RUN = """
import sys
from k9lite.kube import ClusterWatcher, check_connection, load_connection
from k9lite.kube.feed import StateFeed

connection = load_connection(sys.argv[1])
print(check_connection(connection), connection.insecure)
feed = StateFeed()
with ClusterWatcher(connection, feed, namespace=None, kinds=("pods", "nodes")):
    print(sorted(feed.wait_listed(("pods", "nodes"), 10)))
"""


def test_insecure_skip_tls_verify_prints_no_warnings(cluster: DemoCluster, tmp_path: Path) -> None:
    document = demo_document(cluster)
    cluster_entry = document["clusters"][0]["cluster"]
    del cluster_entry["certificate-authority-data"]
    cluster_entry["insecure-skip-tls-verify"] = True
    path = write(tmp_path / "config", document)

    # A child process with Python's default warning filters, as a user's terminal would run.
    result = subprocess.run(
        [sys.executable, "-c", INSECURE_RUN, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith(" True")
    assert "['nodes', 'pods']" in result.stdout
    assert result.stderr == ""
