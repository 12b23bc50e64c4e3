"""`--scale`: populate's pods, made in-process as the demo cluster's start makes them."""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.bootstrap import bootstrap
from k9lite.demo.cluster import DemoCluster
from k9lite.demo.controllers.deployments import DeploymentController
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.controllers.replica_sets import ReplicaSetController
from k9lite.demo.controllers.services import EndpointsController
from k9lite.demo.managed_fields import entry_order, writing_as
from k9lite.demo.registry import SUFFIX_ALPHABET, Registry, resource
from k9lite.demo.scale import populate
from k9lite.demo.store import Store, StoreEvent
from tests.conftest import FAST, wait_for
from tests.demo.test_api_errors import connect

_APPS = "/apis/apps/v1/namespaces/scale-000"


class ScriptedSuffixes(random.Random):
    """Random, except that name suffixes take their letters from `script` while it lasts (an
    empty one: a random letter)."""

    def __init__(self, script: Iterator[str]) -> None:
        super().__init__(0)
        self.script = script

    def choice(self, seq: Any) -> Any:
        letter = next(self.script, None) if seq == SUFFIX_ALPHABET else None
        return super().choice(seq) if not letter else seq[SUFFIX_ALPHABET.index(letter)]


def _registry(rng: random.Random) -> Registry:
    """A store with what a demo cluster's start makes first: namespaces, nodes..."""
    registry = Registry(Store(), rng=rng, addresses=AddressBlock(0, 3))
    bootstrap(registry, EventRecorder(registry), users=())
    return registry


def test_a_pod_name_drawn_twice_is_drawn_again() -> None:
    rng = ScriptedSuffixes(iter(()))
    registry = _registry(rng)
    # The first pod's name and token volume, then the second pod's name: the same 5 letters.
    rng.script = iter("b" * 15)
    populate(registry, 2)
    names = [p["metadata"]["name"] for p in registry.store.iter(resource("Pod"))]
    assert len(names) == 2 and len(set(names)) == 2
    assert sorted(name.rsplit("-", 1)[1] for name in names)[0] == "bbbbb"


def test_populate_leaves_the_controllers_nothing_to_write() -> None:
    registry = _registry(random.Random(0))
    populate(registry, 7)
    for rs in registry.store.iter(resource("ReplicaSet")):
        replicas = rs["spec"]["replicas"]
        assert rs["status"] == {
            "replicas": replicas,
            "fullyLabeledReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "observedGeneration": 1,
        }
        owners = [(e["manager"], e.get("subresource")) for e in rs["metadata"]["managedFields"]]
        assert owners == [("kube-controller-manager", None), ("kube-controller-manager", "status")]
    slices = registry.store.iter(resource("EndpointSlice"))
    assert sum(len(s["endpoints"] or ()) for s in slices) == 7
    # A pass of every controller over every object, as at the cluster's start: no write.
    written: list[StoreEvent] = []
    registry.store.listeners.append(written.append)
    recorder = EventRecorder(registry)
    for controller in (
        ReplicaSetController(registry, recorder),
        DeploymentController(registry, recorder),
        EndpointsController(registry, recorder),
    ):
        for key in controller.resync():
            with writing_as(controller.field_manager):
                controller.reconcile(key)
    assert written == []


def _settled(http: httpx.Client, name: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The Deployment and its ReplicaSet once its rollout is complete and its pods available."""
    deploy = http.get(f"{_APPS}/deployments/{name}").json()
    conditions = {c["type"]: c for c in deploy.get("status", {}).get("conditions", ())}
    if conditions.get("Progressing", {}).get("reason") != "NewReplicaSetAvailable":
        return None
    (rs,) = http.get(f"{_APPS}/replicasets", params={"labelSelector": f"app={name}"}).json()[
        "items"
    ]
    if rs.get("status", {}).get("availableReplicas") != 5:
        return None
    return deploy, rs


def _comparable(obj: dict[str, Any], names: dict[str, str]) -> Any:
    """Status and who owns which fields, without times, and with names and uids as placeholders."""
    kept = {
        "status": obj["status"],
        # Without times, so not in their order (by time, then manager: writes in the same second
        # or not order them differently).
        "managedFields": sorted(
            (
                {k: v for k, v in entry.items() if k != "time"}
                for entry in obj["metadata"]["managedFields"]
            ),
            key=lambda entry: (entry["manager"], entry.get("subresource", "")),
        ),
        "annotations": obj["metadata"].get("annotations"),
    }
    text = orjson.dumps(kept).decode()
    for real, placeholder in names.items():
        text = text.replace(real, placeholder)
    return _without_times(orjson.loads(text))


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_times(v)
            for k, v in value.items()
            if k not in ("lastUpdateTime", "lastTransitionTime")
        }
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_a_scaled_deployment_is_as_the_controllers_make_one() -> None:
    """populate writes each ReplicaSet's status by its controller: the scaled Deployment and
    ReplicaSet end as those the controllers make for the same Deployment sent through the API."""
    options = dataclasses.replace(FAST, scale=5, scenarios=("empty",))
    with DemoCluster(options) as cluster, connect(cluster) as http:
        scaled = wait_for(lambda: _settled(http, "app-00000"), message="the scaled Deployment")
        template = scaled[0]["spec"]["template"]
        body = {
            "metadata": {"name": "made", "labels": {"app": "made"}},
            "spec": {
                "replicas": 5,
                "selector": {"matchLabels": {"app": "made"}},
                "template": {
                    "metadata": {"labels": {"app": "made"}},
                    "spec": {"containers": [{k: template["spec"]["containers"][0][k]
                                             for k in ("name", "image", "ports")}]},
                },
            },
        }  # fmt: skip
        created = http.post(
            f"{_APPS}/deployments", params={"fieldManager": "kubectl-create"}, json=body
        )
        assert created.status_code == 201, created.text
        made = wait_for(lambda: _settled(http, "made"), message="the Deployment made by the API")
    hashes = {rs["metadata"]["labels"]["pod-template-hash"]: "HASH" for _, rs in (scaled, made)}
    for ours, theirs in zip(scaled, made, strict=True):
        names = {
            **{o["metadata"][field]: field.upper() for o in (ours, theirs)
               for field in ("uid", "name")},
            **{ref["uid"]: "OWNER" for o in (ours, theirs)
               for ref in o["metadata"].get("ownerReferences", ())},
            **hashes,
        }  # fmt: skip
        ours_seen, theirs_seen = _comparable(ours, names), _comparable(theirs, names)
        assert ours_seen == theirs_seen, (ours["kind"], ours_seen, theirs_seen)


_DRAWN = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # uids
    r"|containerd://[0-9a-f]{64}"  # container IDs
    rf"|(?<=-)[{SUFFIX_ALPHABET}]{{5}}(?=[\"\\\\])"  # generated names' 5 letters
    r"|127\.96\.\d+\.\d+"  # ClusterIPs (this block's Service CIDR)
)
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _populated(nodes: int, pods: int, *, replay: bool) -> tuple[list[Any], list[StoreEvent]]:
    """The scale namespaces' objects, with what is drawn at random (uids, name suffixes,
    ClusterIPs) numbered in order of appearance, times and resourceVersions blanked; and the
    store's events. Pods in IP order (the same in both ways), the rest by name."""
    registry = Registry(Store(), rng=random.Random(0), addresses=AddressBlock(0, nodes))
    bootstrap(registry, EventRecorder(registry), users=())
    events: list[StoreEvent] = []
    registry.store.listeners.append(events.append)
    populate(registry, pods, replay=replay)
    made = [
        obj
        for rt in map(resource, ("Deployment", "Service", "ReplicaSet", "Pod", "EndpointSlice"))
        for obj in registry.store.iter(rt)
        if obj["metadata"]["namespace"].startswith("scale-")
    ] + [e.obj for e in events if e.resource == resource("Endpoints") and e.type == "ADDED"]

    def order(obj: dict[str, Any]) -> tuple[str, ...]:
        meta = obj["metadata"]
        name = meta["generateName"] if obj["kind"] == "EndpointSlice" else meta["name"]
        at = obj["status"]["podIP"] if obj["kind"] == "Pod" else name
        return obj["kind"], meta["namespace"], at

    for obj in made:  # as the server orders them, whichever way they were made
        entries = obj["metadata"].get("managedFields") or []
        assert entries == sorted(entries, key=entry_order), obj["metadata"]["name"]
    # Compared in no particular order: by time, then manager, so writes in the same second or
    # not order them differently.
    made = [
        {**obj, "metadata": {**obj["metadata"], "managedFields": sorted(
            obj["metadata"].get("managedFields") or (),
            key=lambda entry: (entry["manager"], entry.get("subresource", "")),
        )}}
        for obj in made
    ]  # fmt: skip
    numbers: dict[str, str] = {}
    text = orjson.dumps(sorted(made, key=order)).decode()
    text = _TIME.sub("TIME", text)
    text = re.sub(r'"resourceVersion":"\d+"', '"resourceVersion":"RV"', text)
    text = _DRAWN.sub(lambda m: numbers.setdefault(m.group(0), f"<{len(numbers)}>"), text)
    return orjson.loads(text), events


@pytest.mark.parametrize(
    ("nodes", "pods", "replayed"),
    [(10, 15, 2), (7, 100, 19), (3, 23, 1)],
    ids=["15-pods-10-nodes", "100-pods-7-nodes", "fewer-nodes-than-pods"],
)
def test_replayed_deployments_are_what_the_api_and_controllers_make(
    nodes: int, pods: int, replayed: int
) -> None:
    """After the first, `--scale`'s Deployments are that first one's objects with their own
    names, uids, nodes and IPs (scale_replay.py): the same objects, to the last field, as the
    API rules and the controllers make for each (its pods' order in the slice included)."""
    replay, replay_events = _populated(nodes, pods, replay=True)
    full, full_events = _populated(nodes, pods, replay=False)
    assert len(replay) == len(full)
    for ours, theirs in zip(replay, full, strict=True):
        assert ours == theirs, (ours["kind"], ours["metadata"]["name"])
    # Each replayed Deployment's 10 objects are written once each; through the API, 18 writes.
    assert len(full_events) - len(replay_events) == 8 * replayed


class _Counting(random.Random):
    """Random, counting the letters drawn for name suffixes."""

    letters = 0

    def choice(self, seq: Any) -> Any:
        self.letters += seq == SUFFIX_ALPHABET
        return super().choice(seq)


def test_a_name_drawn_twice_for_one_replayed_deployment_is_drawn_again() -> None:
    """The replay draws a Deployment's five pod names before it stores any: the second draw of
    the same name must be seen, as the store would refuse it (409 AlreadyExists)."""
    counting = _Counting(0)
    registry = Registry(Store(), rng=counting, addresses=AddressBlock(0, 10))
    bootstrap(registry, EventRecorder(registry), users=())
    counting.letters = 0
    populate(registry, 5)  # the first Deployment, through the API: the letters it draws
    scripted = ScriptedSuffixes(iter(()))
    registry = Registry(Store(), rng=scripted, addresses=AddressBlock(0, 10))
    bootstrap(registry, EventRecorder(registry), users=())
    # The second Deployment (replayed): its first two pods' names are both ...-bbbbb.
    scripted.script = itertools.chain(itertools.repeat("", counting.letters), "b" * 10)
    populate(registry, 10)
    names = [p["metadata"]["name"] for p in registry.store.iter(resource("Pod"))]
    assert len(set(names)) == 10, names
    assert sum(name.endswith("-bbbbb") for name in names) == 1, names
