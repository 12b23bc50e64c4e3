"""Deployments and ReplicaSets: the controllers that keep a number of pods running."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.fields import (
    FieldError,
    each,
    integer,
    mapping,
    nested,
    repeated_string,
    string_map,
)
from k9lite.model.meta import (
    Condition,
    ObjectMeta,
    OwnerReference,
    decode_conditions,
    decode_object,
)
from k9lite.model.pods import Container, decode_container
from k9lite.model.selectors import LabelSelector, SelectorError

__all__ = ["Deployment", "PodTemplate", "ReplicaSet", "decode_deployment", "decode_replica_set"]


@dataclass(frozen=True, slots=True)
class PodTemplate:
    """spec.template: the labels and containers every pod of the controller gets."""

    labels: Mapping[str, str]
    containers: tuple[Container, ...] = ()


@dataclass(frozen=True, slots=True)
class Deployment:
    """An apps/v1 Deployment: desired replicas, rollout progress and its pod template."""

    meta: ObjectMeta
    replicas: int  # spec.replicas, desired
    selector: LabelSelector
    template: PodTemplate
    strategy_type: str = "RollingUpdate"
    status_replicas: int = 0
    ready_replicas: int = 0
    updated_replicas: int = 0
    available_replicas: int = 0
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class ReplicaSet:
    """An apps/v1 ReplicaSet, usually owned by a Deployment (one per template revision)."""

    meta: ObjectMeta
    replicas: int
    selector: LabelSelector
    template: PodTemplate
    status_replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0

    @property
    def owner(self) -> OwnerReference | None:
        """The controlling owner, the Deployment for ReplicaSets a Deployment made."""
        return self.meta.controller


def _selector(raw: Mapping[str, Any]) -> LabelSelector:
    try:
        return LabelSelector.from_label_selector(raw)
    except (SelectorError, TypeError, AttributeError) as error:
        # TypeError, AttributeError: a matchLabels value or an expression of the wrong JSON type.
        raise FieldError("", str(error)) from None


def _template(raw: Mapping[str, Any]) -> PodTemplate:
    return PodTemplate(
        labels=nested(raw, "metadata", lambda meta: string_map(meta, "labels")),
        containers=nested(raw, "spec", lambda spec: each(spec, "containers", decode_container)),
    )


def _controller_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    # Defaulting sets spec.replicas to 1; a stored object always has it.
    return {
        "replicas": integer(spec, "replicas", 1),
        "selector": nested(spec, "selector", _selector),
        "template": nested(spec, "template", _template),
    }


def _deployment_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    fields = _controller_spec(spec)
    fields["strategy_type"] = repeated_string(mapping(spec, "strategy"), "type", "RollingUpdate")
    return fields


def _deployment_status(status: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "status_replicas": integer(status, "replicas"),
        "ready_replicas": integer(status, "readyReplicas"),
        "updated_replicas": integer(status, "updatedReplicas"),
        "available_replicas": integer(status, "availableReplicas"),
        "conditions": decode_conditions(status),
    }


def _replica_set_status(status: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "status_replicas": integer(status, "replicas"),
        "ready_replicas": integer(status, "readyReplicas"),
        "available_replicas": integer(status, "availableReplicas"),
    }


def _deployment(meta: ObjectMeta, raw: Mapping[str, Any]) -> Deployment:
    return Deployment(
        meta,
        **nested(raw, "spec", _deployment_spec),
        **nested(raw, "status", _deployment_status),
    )


def _replica_set(meta: ObjectMeta, raw: Mapping[str, Any]) -> ReplicaSet:
    return ReplicaSet(
        meta,
        **nested(raw, "spec", _controller_spec),
        **nested(raw, "status", _replica_set_status),
    )


def decode_deployment(raw: Mapping[str, Any]) -> Deployment:
    """An apps/v1 Deployment as the API returns it; DecodeError if malformed."""
    return decode_object("Deployment", raw, _deployment)


def decode_replica_set(raw: Mapping[str, Any]) -> ReplicaSet:
    """An apps/v1 ReplicaSet as the API returns it; DecodeError if malformed."""
    return decode_object("ReplicaSet", raw, _replica_set)
