"""What the server needs to know about one kind: its REST identity, defaults, validation,
status handling and table printer (kube-apiserver's `pkg/registry/*/strategy.go`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import GENERIC_PRINTER, Printer
from k9lite.demo.validation import Cause, Checker, Rules
from k9lite.demo.validation.metadata import validate_object_meta
from k9lite.model.names import is_dns1123_subdomain

__all__ = ["Strategy"]

Prepare = Callable[[dict[str, Any], Mapping[str, Any] | None], None]
"""PrepareForCreate (old is None) or PrepareForUpdate: the kind's own changes to a write."""


def _no_rules(check: Checker, obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    """Kinds whose only checks are those of their ObjectMeta."""


def _no_defaults(obj: dict[str, Any]) -> None:
    """Kinds without SetDefaults_* functions."""


def _no_preparation(obj: dict[str, Any], old: Mapping[str, Any] | None) -> None:
    """Kinds whose strategy changes nothing beyond status and generation."""


@dataclass(frozen=True, slots=True)
class Strategy:
    """One kind as the server treats it, from a request body to a stored object and a row."""

    resource: ResourceType
    printer: Printer = GENERIC_PRINTER
    defaults: Callable[[dict[str, Any]], None] = _no_defaults
    """SetDefaults_*: in place and idempotent, run on create and on every update."""
    rules: Rules = _no_rules
    name_check: Callable[[str], list[str]] = is_dns1123_subdomain
    """How metadata.name is validated (most kinds: a DNS subdomain)."""
    initial_status: Mapping[str, Any] | None = field(default_factory=dict)
    """With a status subresource, the status a create stores whatever the body says (None:
    no status at all, as custom resources)."""
    prepare: Prepare = _no_preparation
    counts_generation: bool = False
    """Whether metadata.generation counts changes to the spec (what observedGeneration means)."""
    field_labels: frozenset[str] = frozenset()
    """Field selector labels beyond metadata.name and metadata.namespace."""
    stored: bool = True
    """False for a second API of another kind's objects (events.k8s.io Events are core Events)."""

    def validate(self, obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
        """Every rule `obj` breaks, in kube-apiserver's order; `old` is the stored object."""
        check = Checker()
        validate_object_meta(check, obj, self.name_check)
        self.rules(check, obj, old)
        return check.causes
