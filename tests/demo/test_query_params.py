"""List and watch parameters read as kube-apiserver reads them, and its deprecation warning.

Followed sources: apimachinery pkg/apis/meta/v1/conversion.go (Convert_Slice_string_To_bool:
only absent, "0" and "false" in any case are false, the empty string is true; integers by
strconv.ParseInt, refused with its words as a 400); apimachinery pkg/apis/meta/internalversion/
validation ValidateListOptions and validateWatchOptions (a 422 on `ListOptions.meta.k8s.io ""`);
pkg/apis/core/v1/conversion.go and runtime.DefaultMetaV1FieldSelectorConversion (the two ways an
unknown field label is refused); KEP-4974 (the `Warning` header on every v1 Endpoints answer).

The second client here is lightkube: a typed Python client that people use (Canonical's Juju
charms are written with it), on its own HTTP stack (httpx2), with set-based selectors and
watches from a resourceVersion.
"""

from __future__ import annotations

import json

import httpx
import pytest
from lightkube import Client
from lightkube.operators import exists, in_, not_in
from lightkube.resources.core_v1 import ConfigMap, Pod

from tests.conftest import Kubectl, wait_for

PODS = "/api/v1/namespaces/default/pods"
ENDPOINTS_WARNING = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"


def status(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["message"]


def is_watch(raw: httpx.Client, query: str) -> bool:
    """Whether GET pods?QUERY streams watch events (True) or answers a list (False)."""
    with raw.stream("GET", f"{PODS}?{query}&timeoutSeconds=1") as response:
        assert response.status_code == 200, response.read()
        first = json.loads(next(response.iter_lines()))
    return "type" in first and first.get("kind") != "PodList"


@pytest.mark.parametrize(
    ("value", "watch"),
    [("true", True), ("True", True), ("1", True), ("t", True), ("yes", True), ("", True)]
    + [("false", False), ("FALSE", False), ("0", False)],
)
def test_a_boolean_is_false_only_when_0_or_false(
    raw: httpx.Client, value: str, watch: bool
) -> None:
    assert is_watch(raw, f"watch={value}") is watch


def test_integers_are_strconv_parse_int(raw: httpx.Client) -> None:
    assert status(raw.get(PODS, params={"limit": "ten"})) == (
        400,
        'strconv.ParseInt: parsing "ten": invalid syntax',
    )
    assert status(raw.get(PODS, params={"limit": "99999999999999999999"})) == (
        400,
        'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    )
    # A limit of 0 or below is no limit: one page with every pod.
    everything = raw.get(PODS, params={"limit": "-1"}).json()
    assert len(everything["items"]) == 7 and "continue" not in everything["metadata"]
    assert len(raw.get(PODS, params={"limit": "+2"}).json()["items"]) == 2


def test_resource_version_match_is_validated_as_list_options(raw: httpx.Client) -> None:
    def invalid(**query: str) -> str:
        answer = raw.get(PODS, params=query)
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert (body["reason"], body["details"]["kind"], body["details"]["group"]) == (
            "Invalid",
            "ListOptions",
            "meta.k8s.io",
        )
        message: str = body["message"]
        return message.removeprefix('ListOptions.meta.k8s.io "" is invalid: ')

    assert invalid(resourceVersionMatch="NotOlderThan") == (
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
        "resourceVersion is provided"
    )
    assert invalid(resourceVersionMatch="Newest", resourceVersion="1") == (
        'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", '
        '"NotOlderThan", ""'
    )
    assert invalid(resourceVersionMatch="Exact", resourceVersion="0") == (
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for '
        'resourceVersion "0"'
    )
    assert invalid(sendInitialEvents="true") == (
        "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"
    )
    # A watch: sendInitialEvents needs NotOlderThan, and a match needs sendInitialEvents.
    assert invalid(watch="1", sendInitialEvents="true") == (
        "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
        "resourceVersionMatch to NotOlderThan"
    )
    assert invalid(watch="1", resourceVersionMatch="NotOlderThan") == (
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless "
        "sendInitialEvents is provided"
    )
    # Two causes: listed in brackets, in validation's order.
    assert invalid(resourceVersionMatch="Exact", resourceVersion="0", sendInitialEvents="0") == (
        '[resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for '
        'resourceVersion "0", sendInitialEvents: Forbidden: sendInitialEvents is forbidden '
        "for list]"
    )


def test_an_exact_list_is_the_current_version_or_expired(raw: httpx.Client) -> None:
    """The demo keeps no history: Exact lists only the current version, older ones are 410."""
    current = raw.get(PODS).json()["metadata"]["resourceVersion"]
    exact = raw.get(PODS, params={"resourceVersion": current, "resourceVersionMatch": "Exact"})
    assert exact.status_code == 200 and len(exact.json()["items"]) == 7
    assert exact.json()["metadata"]["resourceVersion"] == current
    older = str(int(current) - 1)
    expired = raw.get(PODS, params={"resourceVersion": older, "resourceVersionMatch": "Exact"})
    assert status(expired) == (410, f"too old resource version: {older} ({current})")
    assert expired.json()["reason"] == "Expired"


def test_unknown_field_labels_are_refused_in_the_kinds_words(raw: httpx.Client) -> None:
    # Pods have their own field label conversion; ConfigMaps the default one.
    assert status(raw.get(PODS, params={"fieldSelector": "spec.color=red"})) == (
        400,
        "field label not supported: spec.color",
    )
    configmaps = "/api/v1/namespaces/default/configmaps"
    assert status(raw.get(configmaps, params={"fieldSelector": "data.key=x"})) == (
        400,
        '"data.key" is not a known field selector: only "metadata.name", "metadata.namespace"',
    )


def test_v1_endpoints_answers_carry_the_deprecation_warning(
    raw: httpx.Client, kubectl: Kubectl
) -> None:
    answer = raw.get("/api/v1/namespaces/default/endpoints")
    assert answer.headers.get_list("Warning") == [f'299 - "{ENDPOINTS_WARNING}"']
    assert "Warning" not in raw.get("/apis/discovery.k8s.io/v1/endpointslices").headers
    listed = kubectl.run("get", "endpoints", "clusterip-hostname-service")
    assert listed.stderr == f"Warning: {ENDPOINTS_WARNING}\n"
    assert "clusterip-hostname-service" in listed.stdout
    assert kubectl.run("get", "endpointslices").stderr == ""


def test_set_based_selectors_through_kubectl_and_lightkube(
    kubectl: Kubectl, lightkube: Client
) -> None:
    names = kubectl("get", "pods", "-l", "app in (hostname-server, my-app)", "-o", "name")
    prefixes = sorted(name.rsplit("-", 2)[0] for name in names.split())
    assert prefixes == ["pod/hostname-server"] * 2 + ["pod/my-deployment"] * 3, names
    pods = list(lightkube.list(Pod, namespace="default", labels={"app": in_(["hostname-server"])}))
    assert sorted(f"pod/{p.metadata.name}" for p in pods) == sorted(names.split())[:2]
    others = lightkube.list(Pod, namespace="default", labels={"app": not_in(["hostname-server"])})
    assert len(list(others)) == 5
    labelled = lightkube.list(Pod, namespace="default", labels={"pod-template-hash": exists()})
    assert len(list(labelled)) == 7
    running = lightkube.list(Pod, namespace="default", fields={"status.phase": "Running"})
    assert len(list(running)) == 7


def test_lightkube_watches_from_a_resource_version(kubectl: Kubectl, lightkube: Client) -> None:
    """lightkube lists, then watches from the list's version: it sees the change made after."""
    listed = lightkube.list(ConfigMap, namespace="default")
    list(listed)
    version = listed.resourceVersion
    kubectl("create", "configmap", "after", "--from-literal=k=v")
    seen = []
    for event, obj in lightkube.watch(
        ConfigMap, namespace="default", resource_version=version, server_timeout=5
    ):
        seen.append((event, obj.metadata.name))
        if obj.metadata.name == "after":
            break
    assert ("ADDED", "after") in seen, seen
    wait_for(lambda: kubectl("get", "configmap", "after", "-o", "name"), message="the ConfigMap")


SELECTED = ["app=web", "app in (web,db),tier!=front", "tier=back,app=web", "app=none", "!tier"]


def _names(raw: httpx.Client, path: str, selector: str, limit: int | None = None) -> list[str]:
    """namespace/name of every item of a list by `selector`, page after page with `limit`."""
    names, token = [], ""
    for _ in range(50):  # the test's lists hold a few items: more pages is a loop
        params = {"labelSelector": selector, "limit": limit or 0, "continue": token}
        answer = raw.get(path, params={k: v for k, v in params.items() if v})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        names += [f"{i['metadata']['namespace']}/{i['metadata']['name']}" for i in body["items"]]
        token = body["metadata"].get("continue", "")
        if not token:
            return names
    raise AssertionError(f"{path}?labelSelector={selector}: still a continue token after 50 pages")


def _ours(names: list[str]) -> list[str]:
    """The test's ConfigMaps (not other tests', nor each namespace's kube-root-ca.crt)."""
    return [n for n in names if n.startswith("sel-") and not n.endswith("/kube-root-ca.crt")]


def test_label_selected_lists_walk_every_namespace_and_page(
    kubectl: Kubectl, raw: httpx.Client
) -> None:
    """kube-apiserver filters a list by its labelSelector, then pages what matched, in key order
    (the storage's SelectionPredicate; continue tokens over the keys): the demo answers the
    equalities from a label index, and must give exactly what a walk of every object gives."""
    labels = [("web", "front"), ("web", "back"), ("db", "back")]
    for namespace in ("sel-b", "sel-a"):
        kubectl("create", "namespace", namespace)
        for index, (app, tier) in enumerate(labels):
            kubectl("create", "configmap", f"cm-{index}", "-n", namespace)
            kubectl(
                "label", "configmap", f"cm-{index}", "-n", namespace, f"app={app}", f"tier={tier}"
            )
        kubectl("create", "configmap", "bare", "-n", namespace)
    expected = {
        "app=web": ["cm-0", "cm-1"],
        "app in (web,db),tier!=front": ["cm-1", "cm-2"],
        "tier=back,app=web": ["cm-1"],
        "app=none": [],
        "!tier": ["bare"],
    }
    for selector in SELECTED:
        want = [f"{ns}/{name}" for ns in ("sel-a", "sel-b") for name in expected[selector]]
        for limit in (None, 1):
            everywhere = _names(raw, "/api/v1/configmaps", selector, limit)
            assert _ours(everywhere) == want, (selector, limit)
            in_a = _names(raw, "/api/v1/namespaces/sel-a/configmaps", selector, limit)
            assert _ours(in_a) == [n for n in want if n.startswith("sel-a/")], (selector, limit)
    # A label changed and an object deleted leave the index: neither is found by what it was.
    kubectl("label", "configmap", "cm-0", "-n", "sel-a", "app=db", "--overwrite")
    kubectl("delete", "configmap", "cm-1", "-n", "sel-b")
    kubectl("delete", "configmap", "cm-1", "-n", "sel-a")
    assert _ours(_names(raw, "/api/v1/configmaps", "app=web", None)) == ["sel-b/cm-0"]
    assert _ours(_names(raw, "/api/v1/configmaps", "tier=back", None)) == [
        "sel-a/cm-2",
        "sel-b/cm-2",
    ]
    assert _ours(_names(raw, "/api/v1/namespaces/sel-a/configmaps", "app=db", None)) == [
        "sel-a/cm-0",
        "sel-a/cm-2",
    ]
    kubectl("delete", "namespace", "sel-a", "sel-b", "--wait=false")
