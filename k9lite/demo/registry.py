"""The API rules between HTTP and storage: defaulting, validation, allocation, updates, deletion.

This is the part of kube-apiserver that the `registry/` packages hold: what happens to an object
on create, update, patch and delete, kind by kind. Controllers and HTTP handlers both write here.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from k9lite.demo import allocators, managed_fields
from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.admission import admit_pod
from k9lite.demo.errors import APIError, bad_request, conflict, invalid
from k9lite.demo.int32_fields import check_decodable_body, check_decodable_patch
from k9lite.demo.kinds.catalog import Catalog, stored_resource
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.limits import DEFAULT_MAX_PODS
from k9lite.demo.patch import MalformedPatch, PatchError, UnsupportedPatchType, apply_patch
from k9lite.demo.pod_cap import PodCap
from k9lite.demo.resources import ResourceType
from k9lite.demo.service_allocation import allocate_service, keep_service_allocations
from k9lite.demo.store import Store, clone
from k9lite.demo.timestamps import now_rfc3339
from k9lite.demo.validation import Cause, invalid_message

__all__ = ["SUFFIX_ALPHABET", "Registry", "patch_error", "resource"]

# Random name suffixes use the same alphabet as Kubernetes' rand.String: no vowels, no 0/1/3.
SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


Admission = Callable[[ResourceType, dict[str, Any], dict[str, Any] | None], None]
"""A check of an object about to be stored (and the stored one it replaces); raises APIError."""


def resource(kind: str) -> ResourceType:
    """The resource the objects of a built-in kind are stored as."""
    return stored_resource(kind)


class Registry:
    """Create, update, patch and delete objects with the rules kube-apiserver applies."""

    def __init__(
        self,
        store: Store,
        *,
        rng: random.Random | None = None,
        max_pods: int = DEFAULT_MAX_PODS,
        addresses: AddressBlock | None = None,
    ) -> None:
        self.store = store
        self.addresses = addresses or AddressBlock()
        """The cluster's nodes, pods, Services and load balancers live in this block."""
        self.rng = rng or random.Random()
        self.pod_cap = PodCap(store, max_pods)
        self.allocations = allocators.ServiceAllocations()
        store.listeners.append(self.allocations.observe)
        store.before_replace = _track_fields
        self.admission: list[Admission] = []
        """Checks run on every validated create and change, after kube-apiserver's admission."""
        self.kinds = Catalog(store)
        """The served kinds, built-in and custom, and the strategy of each."""

    def random_suffix(self, length: int = 5) -> str:
        return "".join(self.rng.choice(SUFFIX_ALPHABET) for _ in range(length))

    # -- create ---------------------------------------------------------------------------------

    def create(
        self, rt: ResourceType, namespace: str | None, body: Any, *, dry_run: bool = False
    ) -> dict[str, Any]:
        strategy = self.kinds.strategy(rt)
        check_decodable_body(rt.kind, rt.version, body)
        obj = self._check_body(rt, namespace, body)
        meta = obj["metadata"]
        if meta.get("resourceVersion"):
            raise bad_request("resourceVersion should not be set on objects to be created")
        if not meta.get("name"):
            if not meta.get("generateName"):
                raise invalid(
                    rt,
                    "",
                    f'{rt.kind} "" is invalid: metadata.name: Required '
                    "value: name or generateName is required",
                    [("metadata.name", "name or generateName is required", "FieldValueRequired")],
                )
            meta["name"] = meta["generateName"] + self.random_suffix()
        if rt.namespaced:
            self.store.get(resource("Namespace"), "", meta["namespace"])
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now_rfc3339()
        for transient in ("deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            meta.pop(transient, None)
        if strategy.counts_generation:
            meta["generation"] = 1
        if "status" in rt.subresources:
            # PrepareForCreate: with a status subresource, a create never sets the status.
            if strategy.initial_status is None:
                obj.pop("status", None)
            else:
                obj["status"] = clone(strategy.initial_status)
        strategy.defaults(obj)
        _track_fields(rt, obj, None)
        strategy.prepare(obj, None)
        if rt.kind == "Pod":
            admit_pod(obj, self.random_suffix())
        self._validate(strategy, obj, None)
        for admit in self.admission:
            admit(rt, obj, None)
        if rt.kind == "Service":
            self._allocate_service(obj)
        self.pod_cap.admit(rt, obj, None)
        if dry_run:
            return obj
        return self.store.create(rt, obj)

    # -- update ---------------------------------------------------------------------------------

    def update(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        body: Any,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        check_decodable_body(rt.kind, rt.version, body)
        new = self._check_body(rt, namespace, body)
        if new["metadata"].get("name") != name:
            raise bad_request(
                "the name of the object "
                f"({new['metadata'].get('name')}) does not match the name on "
                f"the URL ({name})"
            )
        old = self.store.get(rt, namespace or "", name)
        wanted_version = new["metadata"].get("resourceVersion")
        if wanted_version and wanted_version != old["metadata"]["resourceVersion"]:
            raise conflict(rt, name)
        return self._replace(rt, old, new, subresource=subresource, dry_run=dry_run)

    def patch(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        content_type: str,
        body: bytes,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        old = self.store.get(rt, namespace or "", name)
        try:
            new = apply_patch(content_type, old, body, kind=rt.kind)
        except PatchError as exc:
            raise patch_error(exc) from None
        check_decodable_patch(rt.kind, new)
        new = self._check_body(rt, namespace, new)
        wanted_version = new["metadata"].get("resourceVersion")
        if wanted_version and wanted_version != old["metadata"]["resourceVersion"]:
            raise conflict(rt, name)
        if new["metadata"].get("name") != name:
            raise bad_request("metadata.name may not be changed by a patch")
        return self._replace(rt, old, new, subresource=subresource, dry_run=dry_run)

    def write_status(
        self, rt: ResourceType, obj: dict[str, Any], status: dict[str, Any]
    ) -> dict[str, Any]:
        """A controller's status update; a no-op (no new version) when nothing changed."""
        if obj.get("status") == status:
            return obj
        return self.store.replace(rt, {**obj, "metadata": {**obj["metadata"]}, "status": status})

    def _replace(
        self,
        rt: ResourceType,
        old: dict[str, Any],
        new: dict[str, Any],
        *,
        subresource: str | None,
        dry_run: bool,
    ) -> dict[str, Any]:
        strategy = self.kinds.strategy(rt)
        meta = new["metadata"]
        old_meta = old["metadata"]
        for kept in (
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
            "resourceVersion",
        ):
            if kept in old_meta:
                meta[kept] = old_meta[kept]
            else:
                meta.pop(kept, None)
        if subresource == "status":
            # The status endpoint changes status only; the main endpoint never changes it.
            new = {**old, "metadata": old["metadata"], "status": new.get("status", {})}
        elif "status" in rt.subresources:
            if "status" in old:
                new["status"] = old["status"]
            else:
                new.pop("status", None)
        strategy.defaults(new)
        if subresource is None:
            strategy.prepare(new, old)
        if rt.kind == "Service":
            keep_service_allocations(new, old)
        self._validate(strategy, new, old)
        if rt.kind == "Service":
            self._allocate_service(new)
        if new == old:
            return old
        for admit in self.admission:
            admit(rt, new, old)
        self.pod_cap.admit(rt, new, old)
        if strategy.counts_generation and _spec_changed(old, new):
            new["metadata"]["generation"] = old_meta.get("generation", 1) + 1
        if dry_run:
            return new
        return self.store.replace(rt, new)

    # -- delete ---------------------------------------------------------------------------------

    def delete(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        options = options or {}
        obj = self.store.get(rt, namespace or "", name)
        preconditions = options.get("preconditions") or {}
        if preconditions.get("uid") not in (None, obj["metadata"]["uid"]):
            raise APIError(
                409,
                "Conflict",
                f"Precondition failed: UID in precondition: "
                f"{preconditions['uid']}, UID in object meta: "
                f"{obj['metadata']['uid']}",
            )
        wanted_version = preconditions.get("resourceVersion")
        if wanted_version not in (None, obj["metadata"]["resourceVersion"]):
            raise conflict(rt, name)
        if dry_run:
            return obj
        grace = options.get("gracePeriodSeconds")
        if rt.kind == "Pod" and obj.get("spec", {}).get("nodeName") and grace != 0:
            return self._terminate_pod(obj, grace)
        if rt.kind == "Namespace":
            self._empty_namespace(name)
        # A CRD's objects go with it (the real server's finalizer deletes them first).
        for defined in self.kinds.defined_by(rt, obj):
            self._delete_all(defined)
        removed = self.store.delete(rt, namespace or "", name)
        if options.get("propagationPolicy") == "Orphan":
            self._orphan_dependents(removed["metadata"]["uid"])
        # Background and Foreground cascade: the garbage collector deletes the dependents.
        return removed

    def _terminate_pod(self, pod: dict[str, Any], grace: int | None) -> dict[str, Any]:
        """A bound pod is marked for deletion; its kubelet stops it and removes the object."""
        if pod["metadata"].get("deletionTimestamp"):
            return pod
        if grace is None:
            grace = int(pod["spec"].get("terminationGracePeriodSeconds", 30))
        new = clone(pod)
        deadline = datetime.now(timezone.utc) + timedelta(seconds=grace)
        new["metadata"]["deletionTimestamp"] = now_rfc3339(lambda: deadline)
        new["metadata"]["deletionGracePeriodSeconds"] = grace
        return self.store.replace(resource("Pod"), new)

    def _empty_namespace(self, namespace: str) -> None:
        for rt in self.kinds.resources():
            if rt.namespaced:
                self._delete_all(rt, namespace)

    def _delete_all(self, rt: ResourceType, namespace: str | None = None) -> None:
        for obj in list(self.store.iter(rt, namespace)):
            meta = obj["metadata"]
            self.store.delete(rt, meta.get("namespace", ""), meta["name"])

    def _orphan_dependents(self, owner_uid: str) -> None:
        for rt in self.kinds.resources():
            for obj in list(self.store.iter(rt)):
                refs = obj["metadata"].get("ownerReferences") or []
                kept = [ref for ref in refs if ref.get("uid") != owner_uid]
                if len(kept) != len(refs):
                    new = clone(obj)
                    new["metadata"]["ownerReferences"] = kept
                    if not kept:
                        del new["metadata"]["ownerReferences"]
                    self.store.replace(rt, new)

    # -- helpers --------------------------------------------------------------------------------

    def _check_body(self, rt: ResourceType, namespace: str | None, body: Any) -> dict[str, Any]:
        """A private copy of a request body, with kind, apiVersion and namespace checked."""
        if not isinstance(body, dict):
            raise bad_request(f"the body of the request was not a {rt.kind} object")
        obj: dict[str, Any] = clone(body)
        api_version = obj.setdefault("apiVersion", rt.group_version)
        kind = obj.setdefault("kind", rt.kind)
        if api_version != rt.group_version or kind != rt.kind:
            raise bad_request(
                f"the API version in the data ({api_version}) or kind ({kind}) "
                f"does not match the expected {rt.group_version} {rt.kind}"
            )
        meta = obj.get("metadata")
        if meta is None:
            meta = obj["metadata"] = {}
        if not isinstance(meta, dict):
            raise bad_request("metadata must be an object")
        if rt.namespaced:
            given = meta.get("namespace")
            if given and given != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the "
                    "namespace sent on the request"
                )
            meta["namespace"] = namespace
        else:
            meta.pop("namespace", None)
        return obj

    def _validate(
        self, strategy: Strategy, obj: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        causes = strategy.validate(obj, old)
        if causes:
            self._reject(strategy.resource, obj, causes)

    def _reject(self, rt: ResourceType, obj: dict[str, Any], causes: list[Cause]) -> None:
        name = obj["metadata"].get("name", "")
        raise invalid(
            rt,
            name,
            invalid_message(rt.group_kind, name, causes),
            [(c.field, c.message, c.reason) for c in causes],
        )

    def _allocate_service(self, svc: dict[str, Any]) -> None:
        causes = allocate_service(self.addresses, self.allocations, self.rng, svc)
        if causes:
            self._reject(resource("Service"), svc, causes)


def _track_fields(rt: ResourceType, new: dict[str, Any], old: dict[str, Any] | None) -> None:
    """managedFields for one write; on create before admission and allocation, which (as on
    the real server) add fields no manager is said to own."""
    managed_fields.track(rt.kind, rt.group_version, new, old)


def _spec_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    ignored = {"metadata", "status"}
    return {k: v for k, v in old.items() if k not in ignored} != {
        k: v for k, v in new.items() if k not in ignored
    }


def patch_error(exc: PatchError) -> APIError:
    """The Status a patch that cannot be applied is answered with."""
    if isinstance(exc, UnsupportedPatchType):
        return APIError(415, "UnsupportedMediaType", str(exc))
    if isinstance(exc, MalformedPatch):
        return bad_request(str(exc))
    return APIError(422, "Invalid", str(exc))
