"""Scenarios: the walkthroughs' manifests (W1-W8) and the troubleshooting ones (noep-*),
loadable by name into a demo cluster."""

from __future__ import annotations

from importlib import resources as package_files
from typing import Any

import yaml

from k9lite.demo.errors import APIError
from k9lite.demo.managed_fields import writing_as
from k9lite.demo.registry import Registry, resource

__all__ = ["SCENARIOS", "apply", "descriptions", "manifests"]

# Each scenario names the manifest files it loads; `default` is the tutorial's 3-node cluster
# with the ClusterIP, NodePort and LoadBalancer Services and the selector mistake of W6.
SCENARIOS: dict[str, tuple[str, ...]] = {
    "default": ("w2", "w3", "w5", "w6"),
    "empty": (),
    **{f"w{n}": (f"w{n}",) for n in range(1, 9)},
    # The classic causes of "my Service has no endpoints", one each (README: troubleshooting).
    **{
        name: (name,)
        for name in (
            "noep-typo",
            "noep-namespace",
            "noep-unready",
            "noep-image",
            "noep-targetport",
        )
    },
}


def descriptions() -> dict[str, str]:
    """Each scenario's one-line description (scenarios/descriptions.yaml), in SCENARIOS order."""
    text = package_files.files("k9lite.demo").joinpath("scenarios").joinpath("descriptions.yaml")
    lines: dict[str, str] = yaml.safe_load(text.read_text())
    return {name: lines[name] for name in SCENARIOS}


def manifests(name: str) -> list[dict[str, Any]]:
    """The objects of a scenario, in the order they are created."""
    objects: list[dict[str, Any]] = []
    for file in SCENARIOS[name]:
        text = package_files.files("k9lite.demo").joinpath("scenarios").joinpath(f"{file}.yaml")
        objects.extend(doc for doc in yaml.safe_load_all(text.read_text()) if doc)
    return objects


def apply(registry: Registry, name: str) -> None:
    """Create a scenario's objects; one that already exists (shared by scenarios) is kept."""
    # As `kubectl create -f` would: the objects' managedFields name kubectl-create.
    with writing_as("kubectl-create"):
        for obj in manifests(name):
            rt = resource(obj["kind"])
            namespace = obj["metadata"].get("namespace", "default") if rt.namespaced else None
            try:
                registry.create(rt, namespace, obj)
            except APIError as exc:
                if exc.reason != "AlreadyExists":
                    raise
