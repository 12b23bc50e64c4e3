"""`--scale`'s fast path: the objects of one Deployment, made again for the next Deployments.

Every `--scale` Deployment is the same but for its names: the same Service, ReplicaSet, five
pods, EndpointSlice and Endpoints, written by the same writers. The first is made through the
API rules and the controllers (defaulting, validation, managedFields, 18 writes); the others
are that first group's stored objects with its own values swapped in, stored once each. A
group's own values are its namespace and name, its pod-template-hash, each object's uid, the
pods' names, nodes, IPs, container IDs and token volumes, the slice's name, the Service's
ClusterIP and the time of the writes: wherever they stand (names in labels, uids in
ownerReferences and in managedFields' keys, IPs in the slice).

What holds none of them is the first group's node itself, shared (sharing.py); what holds only
a node's name and address, or the time, is made once for every pod on that node (in that
second), as hash-consing would share it. tests/demo/test_scale.py holds the result to what the
API rules and controllers make of the same Deployments.

A Deployment of 5 pods takes ~0.5 ms where the API path took ~2.5 ms (issue 19: 100,000 pods
settled within 20 s; bench/demo_list.py).
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from k9lite.demo.allocators import allocate_cluster_ip
from k9lite.demo.controllers.pod_status import internal_ip
from k9lite.demo.controllers.workload_objects import pod_template_hash
from k9lite.demo.managed_fields import entry_order
from k9lite.demo.registry import Registry
from k9lite.demo.resources import ResourceType
from k9lite.demo.store import StoreEvent
from k9lite.demo.timestamps import WRITTEN, now_rfc3339

__all__ = ["Group", "GroupRecorder", "Replay"]

_AT_TIME_TOKEN = ""
"""Stands for the time among the values a node holds (no real value is empty)."""
_AT_TIME = frozenset([_AT_TIME_TOKEN])
_CONTAINER_ID = "containerd://"
_TOKEN_VOLUME = "kube-api-access-"
"""The service account token volume admission adds, named with 5 random letters."""

Key = tuple[ResourceType, str, str]
Build = Callable[["_Values"], Any]
"""Makes one node of a new group's object from the group's values."""


class GroupRecorder:
    """A store listener keeping the last state of every object written, in order of creation."""

    def __init__(self) -> None:
        self.objects: dict[Key, dict[str, Any]] = {}

    def __call__(self, event: StoreEvent) -> None:
        meta = event.obj["metadata"]
        key = (event.resource, meta.get("namespace", ""), meta["name"])
        if event.type == "DELETED":
            self.objects.pop(key, None)
        else:
            self.objects[key] = event.obj


@dataclass(frozen=True, slots=True)
class Group:
    """What tells one group from another: its namespace, name, and its pods' nodes and IPs, in
    the order its pods are made (the rest is drawn)."""

    namespace: str
    name: str
    nodes: list[dict[str, Any]]
    ips: list[str]


class _Values:
    """One new group's value for each of the first group's, and the nodes made of them."""

    def __init__(
        self, tokens: dict[str, str], now: str, placed: dict[tuple[Any, ...], Any]
    ) -> None:
        self.tokens = tokens
        self.now = now
        self.made: dict[int, Any] = {}
        """This group's nodes, by the first group's node they stand for."""
        self.placed = placed
        """Nodes that hold only a node's values or the time, by the first group's node and
        those values: pods on one node share them, as hash-consing would have them share."""

    def memo(self, node: Any, tokens: tuple[str, ...] | None) -> tuple[Any, Any]:
        """Where the node made for `node` is kept, and its key there."""
        if tokens is None:
            return self.made, id(node)
        return self.placed, (id(node), *[self.tokens.get(t, self.now) for t in tokens])


class Replay:
    """The first group's objects, ready to be made again with another group's values."""

    def __init__(self, registry: Registry, recorded: dict[Key, dict[str, Any]]) -> None:
        """`recorded`: the first group's objects (GroupRecorder)."""
        self.registry = registry
        self.objects = list(recorded.items())
        first = {key[0].kind: obj for key, obj in self.objects}
        self.namespace = first["Deployment"]["metadata"]["namespace"]
        self.name = first["Deployment"]["metadata"]["name"]
        self.template_hash = first["ReplicaSet"]["metadata"]["labels"]["pod-template-hash"]
        # By IP, as the slice and Endpoints list them: a new group's pods stand in for these
        # in the order of their own IPs, so those lists stay in order.
        self.pods = sorted(
            (obj for key, obj in self.objects if key[0].kind == "Pod"),
            key=lambda pod: pod["status"]["podIP"],
        )
        tokens = [self.namespace, self.name, self.template_hash]
        for key, obj in self.objects:
            tokens.append(obj["metadata"]["uid"])
            if key[0].kind in ("Pod", "EndpointSlice"):
                tokens.append(key[2])
            if key[0].kind == "Service":
                tokens.extend(obj["spec"].get("clusterIPs") or ())
        for pod in self.pods:
            status = pod["status"]
            tokens += [pod["spec"]["nodeName"], status["podIP"], status["hostIP"]]
            tokens += [c["containerID"].removeprefix(_CONTAINER_ID) for c in _containers(pod)]
            tokens += _token_volumes(pod)
        self.tokens = list(dict.fromkeys(tokens))
        # What pods on one node have in common in every group: made once for them all.
        self.placing = frozenset(
            [_AT_TIME_TOKEN]
            + [pod["spec"]["nodeName"] for pod in self.pods]
            + [pod["status"]["hostIP"] for pod in self.pods]
        )
        self._placed: dict[tuple[Any, ...], Any] = {}
        self._placed_at = ""
        # A value is one where it stands whole: `app-00001` is not one in `app-000012`.
        alternatives = "|".join(re.escape(t) for t in sorted(self.tokens, key=len, reverse=True))
        self.pattern = re.compile(f"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")
        # Every object holds its uid, so each has a build (the first group's are never stored
        # again, nor changed: the store stamps the new object's metadata).
        self.builds = [
            (key[0], cast(Build, self._compile(obj)[0]), _resorted(obj))
            for key, obj in self.objects
        ]
        self.template = self._compile(first["Deployment"]["spec"]["template"])[0]

    def make(self, group: Group) -> bool:
        """Store the group's objects; False (nothing written) where its nodes do not map one to
        one onto the first group's (fewer nodes than pods, placed otherwise)."""
        placing = sorted(zip(group.ips, group.nodes, strict=True), key=lambda pair: pair[0])
        node_names: dict[str, str] = {}
        host_ips: dict[str, str] = {}
        for pod, (_, node) in zip(self.pods, placing, strict=True):
            name = node["metadata"]["name"]
            if node_names.setdefault(pod["spec"]["nodeName"], name) != name:
                return False
            address = internal_ip(node)
            if address is None:  # its pods would have no hostIP to stand in
                return False
            host_ips[name] = address
        if len(set(node_names.values())) != len(node_names):
            return False
        now = now_rfc3339()
        if now != self._placed_at:  # what holds the time is made anew each second
            self._placed.clear()
            self._placed_at = now
        values = _Values({}, now, self._placed)
        tokens = values.tokens
        tokens.update({self.namespace: group.namespace, self.name: group.name})
        template = self.template(values) if self.template else None
        template_hash = pod_template_hash(template) if template is not None else self.template_hash
        tokens[self.template_hash] = template_hash
        values.made.clear()
        drawn: set[str] = set()
        for key, obj in self.objects:
            tokens[obj["metadata"]["uid"]] = str(uuid.uuid4())
            if key[0].kind == "Pod":
                prefix = f"{group.name}-{template_hash}-"
                tokens[key[2]] = self._name(key[0], group.namespace, prefix, drawn)
            elif key[0].kind == "EndpointSlice":
                tokens[key[2]] = self._name(key[0], group.namespace, f"{group.name}-", drawn)
            elif key[0].kind == "Service":
                for address in obj["spec"].get("clusterIPs") or ():
                    tokens[address] = self._cluster_ip()
        for pod, (ip, node) in zip(self.pods, placing, strict=True):
            tokens[pod["spec"]["nodeName"]] = node["metadata"]["name"]
            tokens[pod["status"]["hostIP"]] = host_ips[node["metadata"]["name"]]
            tokens[pod["status"]["podIP"]] = ip
            for container in _containers(pod):
                tokens[container["containerID"].removeprefix(_CONTAINER_ID)] = secrets.token_hex(32)
            for volume in _token_volumes(pod):
                tokens[volume] = f"{_TOKEN_VOLUME}{self.registry.random_suffix()}"
        store = self.registry.store
        for rt, build, resorted in self.builds:
            obj = build(values)
            if resorted:
                meta = obj["metadata"]
                meta["managedFields"] = sorted(meta["managedFields"], key=entry_order)
            store.create(rt, obj, shared=True)
        return True

    def _name(self, rt: ResourceType, namespace: str, prefix: str, drawn: set[str]) -> str:
        """A generated name that no object has, nor one drawn for this group already."""
        while True:  # 5 random letters: about 1 run of 100,000 pods in 70 draws a name twice.
            name = prefix + self.registry.random_suffix()
            if name not in drawn and self.registry.store.find(rt, namespace, name) is None:
                drawn.add(name)
                return name

    def _cluster_ip(self) -> str:
        allocations = self.registry.allocations
        address = allocate_cluster_ip(
            self.registry.addresses,
            lambda ip: allocations.cluster_ip_taken(ip, by_other_than=""),
            self.registry.rng,
        )
        if address is None:
            raise RuntimeError("the Service CIDR is full")
        return address

    def _compile(self, node: Any) -> tuple[Build | None, frozenset[str]]:
        """How to make `node` for a new group, and the first group's values it holds (`""`:
        the time); None where it holds none (the first group's node is the new group's too)."""
        if type(node) is str:
            if WRITTEN.fullmatch(node):  # a write's time: the time of the replay
                return _now, _AT_TIME
            found = frozenset(self.pattern.findall(node))
            if not found:
                return None, found
            pattern, memo = self.pattern, self._memo_tokens(found)

            def make_string(values: _Values) -> Any:
                kept, key = values.memo(node, memo)
                made = kept.get(key)
                if made is None:
                    made = kept[key] = pattern.sub(lambda m: values.tokens[m.group(0)], node)
                return made

            return make_string, found
        if type(node) is dict:
            items = [(k, self._compile(k), self._compile(v), v) for k, v in node.items()]
            held = frozenset().union(*(k[1] | v[1] for _, k, v, _ in items))
            if not held:
                return None, held
            memo = self._memo_tokens(held)
            varying = [(k, kb, vb) for k, (kb, _), (vb, _), _ in items if kb or vb]
            if not any(kb for _, kb, _ in varying):
                changes = [(k, vb) for k, _, vb in varying if vb is not None]

                def make_values(values: _Values) -> Any:
                    kept, key = values.memo(node, memo)
                    made = kept.get(key)
                    if made is None:
                        made = kept[key] = node.copy()
                        for k, build in changes:
                            made[k] = build(values)
                    return made

                return make_values, held
            rebuilt = [(k, kb, vb, v) for k, (kb, _), (vb, _), v in items]

            def make_dict(values: _Values) -> Any:
                kept, key = values.memo(node, memo)
                made = kept.get(key)
                if made is None:
                    made = kept[key] = {
                        (kb(values) if kb else k): (vb(values) if vb else v)
                        for k, kb, vb, v in rebuilt
                    }
                return made

            return make_dict, held
        if type(node) is list:
            compiled = [(self._compile(v), v) for v in node]
            held = frozenset().union(*(c[1] for c, _ in compiled))
            if not held:
                return None, held
            memo = self._memo_tokens(held)
            builds = [(build, v) for (build, _), v in compiled]

            def make_list(values: _Values) -> Any:
                kept, key = values.memo(node, memo)
                made = kept.get(key)
                if made is None:
                    made = kept[key] = [build(values) if build else v for build, v in builds]
                return made

            return make_list, held
        return None, frozenset()

    def _memo_tokens(self, held: frozenset[str]) -> tuple[str, ...] | None:
        """The values a node made once for every pod of a node is kept by (None: made once for
        a group)."""
        return tuple(sorted(held)) if held <= self.placing else None


def _resorted(obj: dict[str, Any]) -> bool:
    """Whether the object's managedFields, made again with one time for all, sort otherwise:
    the first group's writes may have spanned a second, which ordered them by time."""
    entries = obj["metadata"].get("managedFields") or []
    at_once = [{**entry, "time": "now"} if entry.get("time") else entry for entry in entries]
    return sorted(at_once, key=entry_order) != at_once


def _now(values: _Values) -> str:
    return values.now


def _containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in pod["status"].get("containerStatuses") or () if c.get("containerID")]


def _token_volumes(pod: dict[str, Any]) -> list[str]:
    volumes = pod["spec"].get("volumes") or ()
    return [v["name"] for v in volumes if v["name"].startswith(_TOKEN_VOLUME)]
