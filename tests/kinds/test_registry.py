"""The kind registry: one module per kind, found by walking the package; `:word` lookup."""

from __future__ import annotations

import subprocess
from pathlib import Path

import k9lite
from k9lite.kinds import catalog
from k9lite.kinds.base import Action, table_kind, title_of
from k9lite.kinds.registry import KINDS, by_name, find, lookup, word_list
from k9lite.kube.discovery import parse_aggregated, parse_resource_list
from k9lite.model.resources import Resource

PACKAGE = Path(k9lite.__file__).parent
WIDGETS = Resource(
    "example.com", "v1", "widgets", "Widget", True, "widget", ("wg",), frozenset({"list", "watch"})
)


def test_every_catalog_module_is_a_kind_of_the_registry() -> None:
    modules = sorted(p.stem for p in Path(catalog.__path__[0]).glob("*.py") if p.stem != "__init__")
    assert len(KINDS) == len(modules)
    assert {k.resource.plural for k in KINDS} == set(modules)


def test_a_kind_is_named_in_its_own_file_only() -> None:
    """Adding a read-only kind is adding one file: PersistentVolumeClaims, named nowhere else."""
    found = subprocess.run(
        ["grep", "-rli", "persistentvolumeclaim", str(PACKAGE), "--include=*.py"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    outside_demo = sorted(
        Path(f).relative_to(PACKAGE).as_posix() for f in found if "/demo/" not in f
    )
    assert outside_demo == ["kinds/catalog/persistentvolumeclaims.py"]
    assert find("pvc") is by_name("persistentvolumeclaims")


def test_registry_words_come_first_then_discovered_resources_by_kubectls_order() -> None:
    assert find("po") is by_name("pods") and find("deployments.apps") is by_name("deployments")
    assert lookup("eps", ()) is by_name("endpointslices.discovery.k8s.io")
    for word in ("widgets", "widget", "wg", "widgets.example.com"):
        kind = lookup(word, [WIDGETS])
        assert kind is not None and kind.resource == WIDGETS and kind.view is None, word
    # A resource that cannot be listed and watched (pods/log-like) never opens.
    unlistable = Resource(
        "", "v1", "bindings", "Binding", True, "binding", (), frozenset({"create"})
    )
    assert lookup("bindings", [unlistable]) is None
    assert "wg" in word_list([WIDGETS]) and word_list()[0] == KINDS[0].names[0]


def test_titles_keep_the_kinds_capitals() -> None:
    rs = Resource("apps", "v1", "replicasets", "ReplicaSet", True)
    assert title_of(rs) == "ReplicaSets"
    assert (
        title_of(Resource("networking.k8s.io", "v1", "ingresses", "Ingress", True)) == "Ingresses"
    )
    policies = Resource("x", "v1", "networkpolicies", "NetworkPolicy", True)
    assert title_of(policies) == "Networkpolicies"
    assert table_kind(rs).actions == frozenset({Action.DESCRIBE, Action.YAML, Action.DELETE})


def test_discovery_documents_parse_as_kubectl_reads_them() -> None:
    """Shapes from kube-apiserver: apidiscovery.k8s.io/v2 APIGroupDiscoveryList (versions in
    preference order) and the legacy APIResourceList (subresources named `pods/log`)."""
    aggregated = {
        "kind": "APIGroupDiscoveryList",
        "items": [
            {
                "metadata": {"name": "example.com"},
                "versions": [
                    {
                        "version": "v1",
                        "resources": [
                            {
                                "resource": "widgets",
                                "responseKind": {"kind": "Widget"},
                                "scope": "Namespaced",
                                "singularResource": "widget",
                                "shortNames": ["wg"],
                                "verbs": ["list", "watch"],
                            }
                        ],
                    },
                    {"version": "v1beta1", "resources": []},
                ],
            }
        ],
    }
    assert list(parse_aggregated(aggregated)) == [WIDGETS]
    legacy = {
        "groupVersion": "v1",
        "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
             "verbs": ["get", "list", "watch"], "shortNames": ["po"]},
            {"name": "pods/log", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
        ],
    }  # fmt: skip
    (pods,) = parse_resource_list(legacy)
    assert (pods.group, pods.version, pods.plural, pods.short_names) == ("", "v1", "pods", ("po",))
    assert pods.watchable
