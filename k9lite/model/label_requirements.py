"""One term of a label selector, checked as labels.NewRequirement checks it.

Restates k8s.io/apimachinery `pkg/labels/selector.go`'s Requirement; keys and values are checked
by `k9lite.model.names`, so errors carry kube-apiserver's messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from k9lite.model.names import is_label_value, is_qualified_name, join_errors
from k9lite.model.selector_errors import SelectorError

__all__ = ["Requirement", "invalid_key", "new_requirement"]


def _quote(value: str) -> str:
    # Go's %q on the printable ASCII that label keys and values allow.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def invalid_key(key: str, field: str = "<nil>") -> str | None:
    """kube-apiserver's message for a key that is not a qualified name, or None."""
    # The parser validates keys against a nil field.Path, which Go prints as "<nil>".
    errors = is_qualified_name(key)
    return f"{field}: Invalid value: {_quote(key)}: {'; '.join(errors)}" if errors else None


def _invalid_value(key: str, index: int, value: str) -> str | None:
    errors = is_label_value(value)
    if not errors:
        return None
    return f"values[{index}][{key}]: Invalid value: {_quote(value)}: {'; '.join(errors)}"


_OPERATORS = ("=", "!=", "in", "notin", "exists", "!")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One term of a label selector: `key` related to `values` by `operator`."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.operator not in _OPERATORS:
            raise SelectorError(f'"{self.operator}" is not a valid label selector operator')

    def matches(self, labels: Mapping[str, str]) -> bool:
        """labels.Requirement.Matches: `!=` and `notin` also match when the key is absent."""
        if self.operator in ("=", "in"):
            return self.key in labels and labels[self.key] in self.values
        if self.operator in ("!=", "notin"):
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "exists":
            return self.key in labels
        return self.key not in labels

    def __str__(self) -> str:
        if self.operator == "exists":
            return self.key
        if self.operator == "!":
            return "!" + self.key
        values = ",".join(sorted(self.values))
        if self.operator in ("in", "notin"):
            return f"{self.key} {self.operator} ({values})"
        return f"{self.key}{self.operator}{values}"


def new_requirement(key: str, operator: str, values: Iterable[str]) -> Requirement:
    """labels.NewRequirement: values as a sorted set, each checked as a label value."""
    ordered = tuple(sorted(set(values)))
    problems = [] if (key_problem := invalid_key(key, "key")) is None else [key_problem]
    if operator in ("in", "notin") and not ordered:
        problems.append(
            "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
        )
    if operator in ("exists", "!") and ordered:
        problems.append(
            f"values: Invalid value: {json.dumps(list(ordered), separators=(',', ':'))}: "
            "values set must be empty for exists and does not exist"
        )
    problems.extend(
        problem
        for index, value in enumerate(ordered)
        if (problem := _invalid_value(key, index, value)) is not None
    )
    if problems:
        raise SelectorError(join_errors(problems))
    return Requirement(key, operator, ordered)
