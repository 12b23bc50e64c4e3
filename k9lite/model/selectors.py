"""Label and field selectors with kube-apiserver's grammar, matching rules and error texts.

Restates k8s.io/apimachinery `pkg/labels/selector.go` and `pkg/fields/selector.go`: a label
selector's terms are `label_requirements.Requirement`s, parsed by `label_parser`; field
selectors live in `field_selectors`. The names callers use are all importable from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.field_selectors import FieldSelector
from k9lite.model.label_parser import parse_requirements
from k9lite.model.label_requirements import Requirement, new_requirement
from k9lite.model.selector_errors import SelectorError

__all__ = ["FieldSelector", "LabelSelector", "Requirement", "SelectorError"]

_EXPRESSION_OPERATORS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """The AND of its requirements, kept sorted by key; no requirements selects everything."""

    requirements: tuple[Requirement, ...] = ()

    @classmethod
    def parse(cls, text: str) -> LabelSelector:
        """labels.Parse: `a=b,c!=d,e in (x,y),f notin (z),g,!h`; "" selects everything."""
        return cls._sorted(parse_requirements(text))

    @classmethod
    def from_label_selector(cls, spec: Mapping[str, Any] | None) -> LabelSelector:
        """A metav1.LabelSelector (matchLabels + matchExpressions); None or {} selects all."""
        if not spec:
            return cls()
        requirements = [
            new_requirement(key, "=", (value,))
            for key, value in (spec.get("matchLabels") or {}).items()
        ]
        for expression in spec.get("matchExpressions") or ():
            operator = _EXPRESSION_OPERATORS.get(expression.get("operator", ""))
            if operator is None:
                raise SelectorError(
                    f'"{expression.get("operator", "")}" is not a valid label selector operator'
                )
            values = expression.get("values") or ()
            requirements.append(new_requirement(expression.get("key", ""), operator, values))
        return cls._sorted(requirements)

    @classmethod
    def from_service_selector(cls, selector: Mapping[str, str] | None) -> LabelSelector | None:
        """A Service's `spec.selector`; None when absent or empty (endpoints managed by hand).

        Not validated, like SelectorFromValidatedSet: stored Services passed validation.
        """
        if not selector:
            return None
        return cls._sorted(Requirement(key, "=", (value,)) for key, value in selector.items())

    @classmethod
    def _sorted(cls, requirements: Iterable[Requirement]) -> LabelSelector:
        return cls(tuple(sorted(requirements, key=lambda requirement: requirement.key)))

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict anything (labels.Selector.Empty)."""
        return not self.requirements

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(requirement.matches(labels) for requirement in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)
