"""LiveConnection: a kubeconfig rewritten on disk is re-read; a broken one keeps the last good."""

from __future__ import annotations

from pathlib import Path

import yaml

from k9lite.demo.cluster import kubeconfig_document
from k9lite.kube import load_connection
from k9lite.kube.reload import LiveConnection


def write(path: Path, server: str, token: str) -> None:
    path.write_text(yaml.safe_dump(kubeconfig_document(server, b"", token)))


def test_a_rewritten_kubeconfig_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "config"
    write(path, "https://127.0.0.1:6443", "first")
    live = LiveConnection(load_connection(str(path)))
    first = live.current
    assert live.refresh() is first, "an unchanged file was read again"

    write(path, "https://127.0.0.1:7443", "second")
    second = live.refresh()

    assert second is not first
    assert second.server == "https://127.0.0.1:7443"
    assert second.configuration.api_key["BearerToken"] == "Bearer second"
    assert live.current is second


def test_a_half_written_kubeconfig_keeps_the_last_good_one(tmp_path: Path) -> None:
    path = tmp_path / "config"
    write(path, "https://127.0.0.1:6443", "first")
    live = LiveConnection(load_connection(str(path)))
    first = live.current

    path.write_text("apiVersion: v1\nclusters: [")
    assert live.refresh() is first

    write(path, "https://127.0.0.1:7443", "second")
    assert live.refresh().server == "https://127.0.0.1:7443"
