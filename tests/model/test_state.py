"""ClusterState: list/watch semantics, change tracking, and indexes that always equal a scan."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k9lite.model.kinds import UnknownKind
from k9lite.model.pods import Pod
from k9lite.model.selectors import LabelSelector
from k9lite.model.services import decode_service
from k9lite.model.state import ClusterState
from tests.model.manifests import (
    deployment,
    endpoint,
    endpoint_slice,
    replica_set,
    running_pod,
    service,
)


def _names(objects: list[Any]) -> list[str]:
    return [obj.meta.name for obj in objects]


def _w6_state() -> ClusterState:
    """W6: my-deployment (labels app=my-app-2) -> its ReplicaSet -> 3 pods labelled app=my-app."""
    state = ClusterState()
    state.replace(
        "deployments",
        [
            deployment(
                "my-deployment",
                labels={"app": "my-app-2"},
                pod_labels={"app": "my-app"},
                replicas=3,
                container={"name": "my-container", "image": "my-image"},
            )
        ],
    )
    deploy_uid = "uid-default-my-deployment"
    state.replace(
        "replicasets",
        [
            replica_set(
                "my-deployment-5d8f9c",
                pod_labels={"app": "my-app", "pod-template-hash": "5d8f9c"},
                replicas=3,
                owner=("Deployment", "my-deployment", deploy_uid),
            )
        ],
    )
    rs_owner = ("ReplicaSet", "my-deployment-5d8f9c", "uid-default-my-deployment-5d8f9c")
    labels = {"app": "my-app", "pod-template-hash": "5d8f9c"}
    state.replace(
        "pods",
        [
            running_pod(f"my-deployment-5d8f9c-{suffix}", labels=labels, owner=rs_owner, node=node)
            for suffix, node in (("c", "worker2"), ("a", "worker1"), ("b", "worker2"))
        ]
        + [running_pod("other", "team-b", labels={"app": "my-app"}, node="worker1")],
    )
    return state


def test_service_selectors_match_pod_labels_not_deployment_labels() -> None:
    state = _w6_state()
    wrong = decode_service(service("my-service", selector={"app": "my-app-2"}))
    right = decode_service(service("my-service", selector={"app": "my-app"}))
    assert state.pods_selected_by(wrong) == []
    # Sorted by name, and the same labels in another namespace are not selected.
    assert _names(state.pods_selected_by(right)) == [
        "my-deployment-5d8f9c-a",
        "my-deployment-5d8f9c-b",
        "my-deployment-5d8f9c-c",
    ]
    two_pairs = decode_service(
        service("s", selector={"app": "my-app", "pod-template-hash": "5d8f9c"})
    )
    assert len(state.pods_selected_by(two_pairs)) == 3
    assert state.pods_selected_by(decode_service(service("manual"))) == []


def test_owner_references_lead_from_a_deployment_to_its_pods() -> None:
    state = _w6_state()
    deploy = state.get("deployments", "default", "my-deployment")
    assert deploy is not None
    assert _names(state.replica_sets_of(deploy.meta.uid)) == ["my-deployment-5d8f9c"]
    assert len(state.pods_of(deploy.meta.uid)) == 3
    assert len(state.pods_of("uid-default-my-deployment-5d8f9c")) == 3
    assert state.pods_of("nobody") == []
    assert state.pods_matching("default", deploy.selector) == state.pods_of(deploy.meta.uid)


def test_pods_matching_label_selectors() -> None:
    state = _w6_state()
    assert len(state.pods_matching(None, LabelSelector.parse("app=my-app"))) == 4
    assert _names(state.pods_matching("team-b", LabelSelector.parse("app in (my-app,x)"))) == [
        "other"
    ]
    assert _names(state.pods_matching(None, LabelSelector.parse("!pod-template-hash"))) == ["other"]
    assert len(state.pods_matching("default", LabelSelector.parse("app,app notin (x)"))) == 3
    assert state.pods_matching("default", LabelSelector.parse("app=nope")) == []
    assert len(state.pods_matching("default", LabelSelector())) == 3


def test_objects_are_sorted_and_filtered_by_namespace() -> None:
    state = _w6_state()
    pods = state.objects("pods")
    assert [p.meta.key for p in pods] == sorted(p.meta.key for p in pods)
    assert _names(state.objects("pods", "team-b")) == ["other"]
    assert state.objects("pods", "nowhere") == []
    assert _names(state.pods_on_node("worker1")) == ["my-deployment-5d8f9c-a", "other"]
    pods.clear()  # the caller's copy: the state is unaffected
    assert len(state.objects("pods")) == 4


def test_replace_apply_and_delete() -> None:
    state = ClusterState()
    assert not state.loaded("pods")
    state.replace("pods", [running_pod("a"), running_pod("b")])
    assert state.loaded("pods") and not state.loaded("services")
    state.apply("pods", "ADDED", running_pod("c"))
    moved = running_pod("a", node="worker2", labels={"app": "other"})
    state.apply("pods", "MODIFIED", moved)
    pod_a = state.get("pods", "default", "a")
    assert pod_a is not None and pod_a.node_name == "worker2"
    assert state.by_uid("uid-default-a") is pod_a
    assert _names(state.pods_on_node("worker1")) == ["b", "c"]
    assert _names(state.pods_on_node("worker2")) == ["a"]
    selected = decode_service(service("s", selector={"app": "hostname-server"}))
    assert _names(state.pods_selected_by(selected)) == ["b", "c"]
    state.apply("pods", "DELETED", running_pod("b"))
    assert state.get("pods", "default", "b") is None
    assert state.by_uid("uid-default-b") is None
    assert _names(state.pods_selected_by(selected)) == ["c"]
    # A relist replaces everything: c is gone, d is new.
    state.replace("pods", [moved, running_pod("d")])
    assert _names(state.objects("pods")) == ["a", "d"]
    assert state.by_uid("uid-default-c") is None
    assert _names(state.pods_selected_by(selected)) == ["d"]


def test_a_late_delete_of_a_recreated_object_is_ignored() -> None:
    state = ClusterState()
    state.apply("pods", "ADDED", running_pod("a", uid="new"))
    state.apply("pods", "DELETED", running_pod("a", uid="old"))
    assert state.get("pods", "default", "a") is not None
    state.apply("pods", "DELETED", running_pod("a", uid="new"))
    assert state.get("pods", "default", "a") is None


def test_malformed_objects_are_skipped_and_remembered() -> None:
    state = ClusterState()
    bad = running_pod("bad")
    bad["spec"]["containers"] = "nginx"
    state.replace("pods", [running_pod("good"), bad])
    assert _names(state.objects("pods")) == ["good"]
    (error,) = state.errors("pods")
    assert (error.kind, error.namespace, error.name) == ("Pod", "default", "bad")
    # A good version clears the error; an object turning bad disappears rather than go stale.
    state.apply("pods", "MODIFIED", running_pod("bad"))
    assert state.errors("pods") == [] and len(state.objects("pods")) == 2
    broken = running_pod("good")
    broken["status"]["podIP"] = 10
    state.apply("pods", "MODIFIED", broken)
    assert _names(state.objects("pods")) == ["bad"]
    assert [e.name for e in state.errors("pods")] == ["good"]
    state.apply("pods", "DELETED", broken)
    assert state.errors("pods") == []
    state.apply("pods", "ADDED", broken)
    state.replace("pods", [])
    assert state.errors("pods") == []


def test_unknown_kinds_and_event_types_are_refused() -> None:
    state = ClusterState()
    with pytest.raises(UnknownKind):
        state.replace("pod", [])
    with pytest.raises(UnknownKind):
        state.objects("svc")
    with pytest.raises(ValueError, match="BOOKMARK"):
        state.apply("pods", "BOOKMARK", running_pod("a"))


def test_versions_and_drain_changes_coalesce() -> None:
    state = ClusterState()
    assert state.drain_changes() == frozenset()
    for name in "abc":
        state.apply("pods", "ADDED", running_pod(name))
    state.replace("services", [])
    assert state.version("pods") == 3 and state.version("services") == 1
    assert state.version("nodes") == 0
    assert state.drain_changes() == {"pods", "services"}
    assert state.drain_changes() == frozenset()
    state.apply("pods", "DELETED", running_pod("a"))
    assert state.drain_changes() == {"pods"}
    assert state.version("pods") == 4


def test_endpoint_slices_of_a_service() -> None:
    state = ClusterState()
    state.replace(
        "endpointslices",
        [
            endpoint_slice("web-abc", "web", endpoints=[endpoint("10.0.0.1", "p1", ready=True)]),
            endpoint_slice("web-def", "web", endpoints=[endpoint("10.0.0.2", "p2", ready=False)]),
            endpoint_slice("web-x", "web", "other"),
            endpoint_slice("api-abc", "api"),
        ],
    )
    web = decode_service(service("web", selector={"app": "web"}))
    assert _names(state.endpoint_slices_of(web)) == ["web-abc", "web-def"]
    relabelled = endpoint_slice("web-def", "api")
    state.apply("endpointslices", "MODIFIED", relabelled)
    assert _names(state.endpoint_slices_of(web)) == ["web-abc"]


# -- indexes against a full scan ----------------------------------------------------------------

_NAMESPACES = ("default", "team-b")
_NAMES = ("a", "b", "c")
_NODES = ("worker1", "worker2")
_LABELS = st.dictionaries(st.sampled_from(["app", "tier"]), st.sampled_from(["x", "y"]), max_size=2)
_SELECTORS = [{"app": "x"}, {"app": "y"}, {"app": "x", "tier": "y"}, {"tier": "x"}]


def _owner_uid(kind: str, namespace: str, name: str) -> str:
    return f"{kind}/{namespace}/{name}"


@st.composite
def _raw_objects(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    namespace, name = draw(st.sampled_from(_NAMESPACES)), draw(st.sampled_from(_NAMES))
    uid = _owner_uid(kind, namespace, name)
    if kind == "pods":
        owner = draw(st.sampled_from(_NAMES))
        return running_pod(
            name,
            namespace,
            uid=uid,
            labels=draw(_LABELS),
            node=draw(st.sampled_from(_NODES)),
            owner=("ReplicaSet", owner, _owner_uid("replicasets", namespace, owner)),
        )
    if kind == "replicasets":
        owner = draw(st.sampled_from(_NAMES))
        raw = replica_set(
            name,
            namespace,
            pod_labels={"app": "x"},
            replicas=1,
            owner=("Deployment", owner, _owner_uid("deployments", namespace, owner)),
        )
    elif kind == "deployments":
        raw = deployment(
            name, namespace, labels={}, pod_labels={"app": "x"}, replicas=1, container={}
        )
    else:
        raw = endpoint_slice(name, draw(st.sampled_from([None, *_NAMES])), namespace)
    raw["metadata"]["uid"] = uid
    return raw


_KINDS = ("pods", "replicasets", "deployments", "endpointslices")


@st.composite
def _operations(draw: st.DrawFn) -> tuple[str, str, Any]:
    kind = draw(st.sampled_from(_KINDS))
    if draw(st.integers(0, 9)) == 0:
        return ("replace", kind, draw(st.lists(_raw_objects(kind), max_size=4)))
    event = draw(st.sampled_from(["ADDED", "MODIFIED", "DELETED"]))
    return ("apply", kind, (event, draw(_raw_objects(kind))))


@settings(max_examples=150, deadline=None)
@given(st.lists(_operations(), max_size=30))
def test_indexes_equal_a_full_scan_after_any_events(operations: list[tuple[str, str, Any]]) -> None:
    state = ClusterState()
    expected: dict[str, dict[tuple[str, str], dict[str, Any]]] = {kind: {} for kind in _KINDS}
    for operation, kind, argument in operations:
        if operation == "replace":
            state.replace(kind, copy.deepcopy(argument))
            expected[kind] = {
                (r["metadata"]["namespace"], r["metadata"]["name"]): r for r in argument
            }
        else:
            event, raw = argument
            state.apply(kind, event, copy.deepcopy(raw))
            key = (raw["metadata"]["namespace"], raw["metadata"]["name"])
            if event == "DELETED":
                expected[kind].pop(key, None)
            else:
                expected[kind][key] = raw
    for kind in _KINDS:
        assert [obj.meta.key for obj in state.objects(kind)] == sorted(expected[kind])
        for namespace in _NAMESPACES:
            assert state.objects(kind, namespace) == [
                obj for obj in state.objects(kind) if obj.meta.namespace == namespace
            ]
    everything = [obj for kind in _KINDS for obj in state.objects(kind)]
    for kind in _KINDS:
        for namespace in _NAMESPACES:
            for name in _NAMES:
                uid = _owner_uid(kind, namespace, name)
                assert state.by_uid(uid) == state.get(kind, namespace, name)
    pods: list[Pod] = state.objects("pods")
    for node in _NODES:
        assert state.pods_on_node(node) == [pod for pod in pods if pod.node_name == node]
    for namespace in _NAMESPACES:
        for selector in _SELECTORS:
            svc = decode_service(service("s", namespace, selector=selector))
            scan = [
                pod
                for pod in pods
                if pod.meta.namespace == namespace
                and all(pod.meta.labels.get(k) == v for k, v in selector.items())
            ]
            assert state.pods_selected_by(svc) == scan
            assert (
                state.pods_matching(
                    namespace,
                    LabelSelector.parse(",".join(f"{k}={v}" for k, v in selector.items())),
                )
                == scan
            )
        for name in _NAMES:
            svc = decode_service(service(name, namespace, selector={"app": "x"}))
            assert state.endpoint_slices_of(svc) == [
                eps
                for eps in state.objects("endpointslices")
                if eps.meta.namespace == namespace and eps.service_name == name
            ]
            deploy_uid = _owner_uid("deployments", namespace, name)
            owned_sets = [
                rs
                for rs in state.objects("replicasets")
                if any(o.uid == deploy_uid for o in rs.meta.owner_references)
            ]
            assert state.replica_sets_of(deploy_uid) == owned_sets
            owners = {deploy_uid} | {rs.meta.uid for rs in owned_sets}
            assert state.pods_of(deploy_uid) == [
                pod for pod in pods if any(o.uid in owners for o in pod.meta.owner_references)
            ]
    assert len({obj.meta.uid for obj in everything}) == len(everything)


# -- threads ------------------------------------------------------------------------------------


def test_a_writer_thread_and_a_reader_thread() -> None:
    state = ClusterState()
    state.replace("pods", [])
    selected = decode_service(service("s", selector={"app": "hostname-server"}))
    failures: list[BaseException] = []
    done = threading.Event()

    def write() -> None:
        try:
            for round_ in range(300):
                name = f"p{round_ % 20}"
                node = "worker1" if round_ % 2 else "worker2"
                state.apply("pods", "ADDED", running_pod(name, node=node))
                if round_ % 3 == 0:
                    state.apply("pods", "DELETED", running_pod(name))
        except BaseException as error:
            failures.append(error)
        finally:
            done.set()

    def read() -> None:
        try:
            while not done.is_set():
                pods = state.objects("pods")
                assert [p.meta.key for p in pods] == sorted(p.meta.key for p in pods)
                on_nodes = state.pods_on_node("worker1") + state.pods_on_node("worker2")
                assert len(on_nodes) == len({p.meta.uid for p in on_nodes})
                state.pods_selected_by(selected)
                state.drain_changes()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    pods = state.objects("pods")
    assert len(state.pods_selected_by(selected)) == len(pods)
    assert (
        sorted(
            state.pods_on_node("worker1") + state.pods_on_node("worker2"), key=lambda p: p.meta.key
        )
        == pods
    )


def test_changed_keys_name_what_the_last_drain_covered() -> None:
    state = ClusterState()
    state.replace("pods", [running_pod("a"), running_pod("b")])
    assert state.drain_changes() == {"pods"}
    assert state.changed_keys("pods") is None  # a relist: anything may have changed
    state.apply("pods", "MODIFIED", running_pod("a", node="worker2"))
    state.apply("pods", "DELETED", running_pod("b"))
    state.apply("services", "ADDED", service("s", selector={"app": "x"}))
    assert state.drain_changes() == {"pods", "services"}
    assert state.changed_keys("pods") == {("default", "a"), ("default", "b")}
    assert state.changed_keys("services") == {("default", "s")}
    assert state.changed_keys("nodes") == frozenset()
    state.apply("pods", "ADDED", running_pod("c"))
    state.replace("pods", [running_pod("c")])
    state.drain_changes()
    assert state.changed_keys("pods") is None
    assert state.drain_changes() == frozenset() and state.changed_keys("pods") == frozenset()
