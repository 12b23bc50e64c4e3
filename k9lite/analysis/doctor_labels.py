"""A Service selector held against the labels of pods and pod templates, key by key.

"Why does my Service have no endpoints" is most often a label that is almost right: a typo, a
capital letter, the Deployment's own label instead of its pods'. `compare_labels` marks each
selector pair match, missing, different or case (equal but for letter case, in the key or the
value); `rank_candidates` puts the objects nearest to the selector first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Candidate",
    "LabelCheck",
    "LabelVerdict",
    "compare_labels",
    "pairs_text",
    "rank_candidates",
]

LabelVerdict = Literal["match", "missing", "different", "case"]
"""match: the label is there with the wanted value; missing: no key equal even ignoring case;
different: another value; case: the key or the value differs only in letter case."""


@dataclass(frozen=True, slots=True)
class LabelCheck:
    """One selector pair against the labels of one object."""

    key: str
    wanted: str
    found: str | None
    """The value found (under `found_key`), None when the key is missing."""
    verdict: LabelVerdict
    found_key: str | None = None
    """The key as the object spells it: `key`, or a spelling differing only in case."""

    @property
    def shown(self) -> str:
        """The label as found, `app=my-app`, or `no app label`."""
        if self.found is None:
            return f"no {self.key} label"
        return f"{self.found_key or self.key}={self.found}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pod or pod template near the selector, its labels compared key by key."""

    kind: str
    """Pod; or Deployment or ReplicaSet for its pod template (the labels its pods get)."""
    namespace: str
    name: str
    checks: tuple[LabelCheck, ...]
    own: bool = False
    """The workload's own metadata labels, not its template's: a Service never looks at them."""

    @property
    def matched(self) -> int:
        return sum(1 for check in self.checks if check.verdict == "match")

    @property
    def cased(self) -> int:
        return sum(1 for check in self.checks if check.verdict == "case")

    @property
    def differing(self) -> int:
        return sum(1 for check in self.checks if check.verdict == "different")

    @property
    def selected(self) -> bool:
        """Every selector pair matches: a Service with this selector would pick it."""
        return all(check.verdict == "match" for check in self.checks)

    @property
    def near(self) -> bool:
        """At least one selector key is there (in some letter case): worth showing."""
        return any(check.verdict != "missing" for check in self.checks)

    @property
    def found_text(self) -> str:
        """The object's labels for the selector keys, `app=my-app,no tier label`."""
        return ",".join(check.shown for check in self.checks)


def pairs_text(labels: Mapping[str, str]) -> str:
    """`a=1,b=2`: labels (or a selector) as kubectl's `-l` writes them, keys sorted."""
    return ",".join(f"{key}={value}" for key, value in sorted(labels.items()))


def compare_labels(
    selector: Mapping[str, str], labels: Mapping[str, str]
) -> tuple[LabelCheck, ...]:
    """Each selector pair (keys sorted) against `labels`."""
    return tuple(_check(key, wanted, labels) for key, wanted in sorted(selector.items()))


def _check(key: str, wanted: str, labels: Mapping[str, str]) -> LabelCheck:
    if key in labels:
        found = labels[key]
        if found == wanted:
            return LabelCheck(key, wanted, found, "match", key)
        verdict: LabelVerdict = "case" if found.casefold() == wanted.casefold() else "different"
        return LabelCheck(key, wanted, found, verdict, key)
    # Label keys are case-sensitive: `App` is not `app`, a classic near miss.
    spellings = sorted(k for k in labels if k.casefold() == key.casefold())
    if not spellings:
        return LabelCheck(key, wanted, None, "missing")
    same = [k for k in spellings if labels[k].casefold() == wanted.casefold()]
    found_key = (same or spellings)[0]
    verdict = "case" if same else "different"
    return LabelCheck(key, wanted, labels[found_key], verdict, found_key)


def rank_candidates(
    selector: Mapping[str, str],
    labelled: Iterable[tuple[str, str, str, Mapping[str, str]]],
    limit: int = 5,
) -> tuple[Candidate, ...]:
    """The `limit` objects (kind, namespace, name, labels) nearest to `selector`, best first:
    most pairs matching, then most equal but for case, then fewest differing, then by name."""
    candidates = [
        Candidate(kind, namespace, name, compare_labels(selector, labels))
        for kind, namespace, name, labels in labelled
    ]
    candidates.sort(key=_rank)
    return tuple(candidates[: max(limit, 0)])


def _rank(candidate: Candidate) -> tuple[int, int, int, str, str, str]:
    return (
        -candidate.matched,
        -candidate.cased,
        candidate.differing,
        candidate.name,
        candidate.kind,
        candidate.namespace,
    )
