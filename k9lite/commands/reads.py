"""What a one-shot command reads: the objects its rules look at, a few filtered requests each.

`kubectl -n NS get svc NAME` is one GET; a route or a diagnosis needs little more: the
Service's EndpointSlices (label `kubernetes.io/service-name`, as the EndpointSlice controller
sets it), the pods its selector picks, and what a rule looks beyond them at (the namespace's
pods when none match, its workloads and Ingresses, the nodes of a NodePort). Nothing is
watched: the objects go into a `ClusterState` once, and the analysis reads that.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from k9lite.commands.lookup import CommandFailed, not_found
from k9lite.kube.errors import Forbidden, NotFound
from k9lite.kube.getter import Getter
from k9lite.kube.proxy import ProxyAccess
from k9lite.model.collector import collector_paused
from k9lite.model.kinds import RESOURCES
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.render.literal import literal

__all__ = [
    "Reads",
    "read_around",
    "read_diagnosis",
    "read_everywhere",
    "read_one",
    "read_service",
    "reading",
    "selector_queries",
]

_SERVICE_NAME = "kubernetes.io/service-name"
_FINISHED = ("Succeeded", "Failed")
_PAGE = 500


class Reads:
    """Objects read one request at a time into `state`; a kind the user may not list is marked
    unknown (with the server's reason) and said on stderr, as leaving it out of `purpose`."""

    def __init__(self, access: ProxyAccess, purpose: str) -> None:
        self.state = ClusterState()
        self.purpose = purpose
        self._getter = Getter(access)
        self._raws: dict[str, dict[tuple[str, str], Mapping[str, Any]]] = {}

    def close(self) -> None:
        self._getter.close()

    def get(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        """One object (None when there is none); a 403 stops: the command cannot start."""
        try:
            raw = self._getter.get(RESOURCES[kind].path(namespace, name), kind, namespace, name)
        except NotFound:
            return None
        except Forbidden as exc:
            raise CommandFailed(f"cannot read {kind} in {namespace}: {exc}") from None
        self._add(kind, [raw])
        return raw

    def fetch(
        self,
        kind: str,
        namespace: str | None,
        *,
        labels: str = "",
        fields: str = "",
        optional: bool = False,
    ) -> list[dict[str, Any]] | None:
        """The objects of one list request, kept in `state`; None when the user may not
        (`optional`: a wider look the caller can do without, so nothing is said or marked)."""
        query = {"labelSelector": labels or None, "fieldSelector": fields or None}
        try:
            found = self._pages(kind, namespace, query)
        except Forbidden as exc:
            if optional:
                return None
            if kind == "services":
                where = namespace or "all namespaces"
                raise CommandFailed(f"cannot list services in {where}: {exc}") from None
            print(f"k9lite: {self.purpose} leaves out {kind}: {literal(str(exc))}", file=sys.stderr)
            self.state.mark_unknown(kind, str(exc))
            return None
        self._add(kind, found)
        return found

    def _pages(
        self, kind: str, namespace: str | None, query: dict[str, str | None]
    ) -> list[dict[str, Any]]:
        """Every object of a list, `_PAGE` at a time as kubectl asks (the server builds a small
        answer while the last is decoded), without their managedFields (a third of a real
        object, and nothing here reads them)."""
        found: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = {**query, "limit": str(_PAGE), "continue": token}
            with collector_paused():  # millions of fresh objects, none of them garbage
                answer = self._getter.get(
                    RESOURCES[kind].path(namespace), kind, namespace, "", page
                )
            items = answer.get("items")
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict):
                    (item.get("metadata") or {}).pop("managedFields", None)
                    found.append(item)
            token = (answer.get("metadata") or {}).get("continue")
            if not token:
                return found

    def fetch_all(self, requests: Iterable[tuple[str, str | None]]) -> None:
        """Several whole lists at once (kind, namespace or None for all): one thread each."""
        together([partial(self.fetch, kind, namespace) for kind, namespace in requests])

    def _add(self, kind: str, raws: Iterable[dict[str, Any]]) -> None:
        kept = self._raws.setdefault(kind, {})
        for raw in raws:
            meta = raw.get("metadata") or {}
            kept[(str(meta.get("namespace") or ""), str(meta.get("name") or ""))] = raw
        self.state.replace(kind, kept.values())


def together(calls: Sequence[Callable[[], object]]) -> None:
    """Run `calls` at once, one thread each (the server answers one while the last answer is
    decoded); the first call's failure, in the order given, is raised once all have ended."""
    failures: list[BaseException | None] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            calls[index]()
        except BaseException as exc:  # raised in the caller's thread below
            failures[index] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(1, len(calls))]
    for thread in threads:
        thread.start()
    if calls:
        run(0)
    for thread in threads:
        thread.join()
    failure = next((exc for exc in failures if exc is not None), None)
    if failure is not None:
        raise failure


@contextmanager
def reading(access: ProxyAccess, purpose: str) -> Iterator[Reads]:
    reads = Reads(access, purpose)
    try:
        yield reads
    finally:
        reads.close()


def selector_queries(services: Iterable[Service]) -> list[str]:
    """Label selectors whose answers hold every pod the Services select, fewest first.

    Services whose selectors use the same keys share one set-based query (`app in (a,b)`): it
    may bring a few pods none selects (the cross product), which the state's own matching
    leaves out. An empty value has no set-based spelling: its Service keeps `k=`.
    """
    by_keys: dict[tuple[str, ...], dict[str, set[str]]] = {}
    alone: list[str] = []
    for service in services:
        selector = service.selector or {}
        if not selector:
            continue
        if not all(selector.values()):
            alone.append(",".join(f"{key}={value}" for key, value in sorted(selector.items())))
            continue
        values = by_keys.setdefault(tuple(sorted(selector)), {})
        for key, value in selector.items():
            values.setdefault(key, set()).add(value)
    grouped = [
        ",".join(
            f"{key}={next(iter(values[key]))}"
            if len(values[key]) == 1
            else f"{key} in ({','.join(sorted(values[key]))})"
            for key in keys
        )
        for keys, values in sorted(by_keys.items())
    ]
    return grouped + sorted(set(alone))


def read_service(reads: Reads, namespace: str, name: str) -> Service:
    """The Service `name` (one GET); none stops, naming the namespace's Services."""
    if reads.get("services", namespace, name) is None:
        reads.fetch("services", namespace)
        raise CommandFailed(not_found(reads.state, namespace, name))
    service = reads.state.get("services", namespace, name)
    if service is None:
        raise CommandFailed(f"service {name!r} in namespace {namespace} could not be decoded")
    return service


def read_selected(
    reads: Reads, namespace: str, services: Sequence[Service], *, everywhere: bool
) -> None:
    """The pods `services` select: in every namespace with `everywhere` (the doctor looks
    for pods a selector was meant for elsewhere), else in `namespace`."""
    queries = selector_queries(services)
    if everywhere and queries:
        if all(reads.fetch("pods", None, labels=q, optional=True) is not None for q in queries):
            return
        print(
            f"k9lite: {reads.purpose} looks in namespace {namespace} only: "
            "pods cannot be listed in all namespaces",
            file=sys.stderr,
        )
    for query in queries:
        reads.fetch("pods", namespace, labels=query)


def pods_missing(state: ClusterState, namespace: str, services: Sequence[Service]) -> bool:
    """Whether a rule needs the namespace's other pods: a selector that picks no running pod
    (the doctor ranks the nearest), or an endpoint whose targetRef pod was not read."""
    for service in services:
        if service.selector and not any(
            pod.phase not in _FINISHED for pod in state.pods_selected_by(service)
        ):
            return True
        for endpoint_slice in state.endpoint_slices_of(service):
            for endpoint in endpoint_slice.endpoints:
                target = endpoint.target
                if (
                    target is not None
                    and target.kind == "Pod"
                    and state.get("pods", target.namespace or namespace, target.name) is None
                ):
                    return True
    return False


def _bare_addresses(state: ClusterState, services: Iterable[Service]) -> set[str]:
    """The endpoint addresses without targetRef of Services without selector: the doctor
    names the pod (in any namespace) that has such an address now."""
    return {
        endpoint.addresses[0]
        for service in services
        if not service.selector
        for endpoint_slice in state.endpoint_slices_of(service)
        for endpoint in endpoint_slice.endpoints
        if endpoint.addresses and endpoint.target is None
    }


def _needs_nodes(service: Service, *, doctor: bool) -> bool:
    """Every node carries a NodePort (the route draws each); the doctor only looks at nodes
    for `externalTrafficPolicy: Local`, where a node without a pod drops traffic."""
    if service.type not in ("NodePort", "LoadBalancer"):
        return False
    return not doctor or service.external_traffic_policy == "Local"


def read_around(reads: Reads, namespace: str, services: Sequence[Service], *, doctor: bool) -> None:
    """What the route (or, with `doctor`, the diagnosis) of `services` in `namespace` reads:
    first, at once, what the Services alone name; then the pods the answers show missing."""
    state = reads.state
    # The EndpointSlice controller labels each slice with its Service's name.
    slices = f"{_SERVICE_NAME}={services[0].meta.name}" if len(services) == 1 else ""
    kinds: list[tuple[str, str | None]] = [("ingresses", namespace)]
    if doctor:
        kinds += [("deployments", namespace), ("replicasets", namespace)]
    if any(_needs_nodes(service, doctor=doctor) for service in services):
        kinds.append(("nodes", None))
    together(
        [
            partial(reads.fetch, "endpointslices", namespace, labels=slices),
            partial(read_selected, reads, namespace, services, everywhere=doctor),
            *(partial(reads.fetch, kind, where) for kind, where in kinds),
        ]
    )
    if pods_missing(state, namespace, services):
        reads.fetch("pods", namespace)
    if doctor:
        for address in sorted(_bare_addresses(state, services)):
            # status.podIP is one of the pod fields kube-apiserver selects on
            # (pkg/registry/core/pod/strategy.go, PodToSelectableFields).
            reads.fetch("pods", None, fields=f"status.podIP={address}", optional=True)


def read_one(reads: Reads, namespace: str, name: str, *, doctor: bool) -> Service:
    """The Service `name` and what its route (or, with `doctor`, its diagnosis) reads."""
    service = read_service(reads, namespace, name)
    read_around(reads, namespace, [service], doctor=doctor)
    return service


def read_diagnosis(reads: Reads, namespace: str | None, name: str | None) -> None:
    """What the diagnosis reads: the Service `name` and what its rules look at, or every
    Service of `namespace` (None: of every namespace) and theirs."""
    if namespace is None:
        read_everywhere(reads)
    elif name is not None:
        read_one(reads, namespace, name, doctor=True)
    else:
        reads.fetch("services", namespace)
        services = reads.state.objects("services", namespace)
        read_around(reads, namespace, services, doctor=True)


def read_everywhere(reads: Reads) -> None:
    """What the diagnosis of every Service of every namespace reads: whole kinds, as
    `kubectl get svc,endpointslices,pods -A`, and the nodes only when a rule needs them."""
    reads.fetch("services", None)
    kinds = ("endpointslices", "pods", "deployments", "replicasets", "ingresses")
    reads.fetch_all((kind, None) for kind in kinds)
    if any(_needs_nodes(s, doctor=True) for s in reads.state.objects("services")):
        reads.fetch("nodes", None)
