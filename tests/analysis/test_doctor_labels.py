"""compare_labels and rank_candidates: the selector held against labels, key by key."""

from __future__ import annotations

from collections.abc import Mapping
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from k9lite.analysis.doctor import Candidate, LabelCheck, compare_labels, rank_candidates

# Few letters in both cases, so that equal, case-equal and different keys and values all occur.
keys = st.text(alphabet="aAbB", min_size=1, max_size=3)
values = st.text(alphabet="xXyY", max_size=3)
label_maps = st.dictionaries(keys, values, max_size=5)
selectors = st.dictionaries(keys, values, min_size=1, max_size=4)

Labelled = tuple[str, str, str, Mapping[str, str]]
objects = st.lists(
    st.tuples(
        st.sampled_from(["Pod", "Deployment"]), st.sampled_from(["a", "b"]), keys, label_maps
    ),
    max_size=8,
    unique_by=lambda o: (o[0], o[1], o[2]),
)


def _spellings(key: str, labels: Mapping[str, str]) -> list[str]:
    return [k for k in labels if k.casefold() == key.casefold()]


@given(selectors, label_maps)
def test_compare_labels_verdicts(selector: dict[str, str], labels: dict[str, str]) -> None:
    checks = compare_labels(selector, labels)
    assert [(c.key, c.wanted) for c in checks] == sorted(selector.items())
    for check in checks:
        key, wanted = check.key, check.wanted
        assert (check.verdict == "match") == (labels.get(key) == wanted)
        assert (check.verdict == "missing") == (not _spellings(key, labels))
        if check.verdict == "missing":
            assert check.found is None and check.found_key is None
            continue
        assert check.found_key is not None and labels[check.found_key] == check.found
        # The exact key wins over other spellings: that is the one the Service compares.
        assert check.found_key == key or key not in labels
        assert check.found is not None
        nearly = check.found_key.casefold() == key.casefold() and (
            check.found.casefold() == wanted.casefold()
        )
        exact = (check.found_key, check.found) == (key, wanted)
        assert (check.verdict == "case") == (nearly and not exact)
        assert (check.verdict == "different") == (not nearly)


@given(selectors, label_maps)
def test_case_is_found_whenever_some_spelling_is_equal_ignoring_case(
    selector: dict[str, str], labels: dict[str, str]
) -> None:
    for check in compare_labels(selector, labels):
        if check.key in labels:
            continue
        equal = [
            k
            for k in _spellings(check.key, labels)
            if labels[k].casefold() == check.wanted.casefold()
        ]
        assert (check.verdict == "case") == bool(equal)


def test_compare_labels_examples() -> None:
    selector = {"app": "my-app", "tier": "front", "env": "prod"}
    labels = {"app": "My-App", "tier": "back", "Env": "prod"}
    assert compare_labels(selector, labels) == (
        LabelCheck("app", "my-app", "My-App", "case", "app"),
        LabelCheck("env", "prod", "prod", "case", "Env"),
        LabelCheck("tier", "front", "back", "different", "tier"),
    )
    assert compare_labels({"app": "web"}, {}) == (LabelCheck("app", "web", None, "missing"),)


def _order(candidate: Candidate) -> tuple[int, int, int]:
    return (-candidate.matched, -candidate.cased, candidate.differing)


@given(selectors, objects, st.integers(min_value=0, max_value=10), st.randoms())
def test_rank_candidates_order(
    selector: dict[str, str], labelled: list[Labelled], limit: int, random: Random
) -> None:
    ranked = rank_candidates(selector, labelled, limit)
    assert len(ranked) == min(limit, len(labelled))
    full = rank_candidates(selector, labelled, len(labelled))
    assert ranked == full[:limit]
    assert [_order(c) for c in full] == sorted(_order(c) for c in full)
    # Total: the order does not depend on the order the objects came in.
    shuffled = list(labelled)
    random.shuffle(shuffled)
    assert rank_candidates(selector, shuffled, limit) == ranked
    selected = [o for o in labelled if selector.items() <= dict(o[3]).items()]
    if selected and limit:
        assert ranked[0].selected
        assert ranked[0].matched == len(selector)


@given(selectors, st.lists(label_maps, min_size=2, max_size=6))
def test_rank_candidates_is_stable(
    selector: dict[str, str], label_list: list[dict[str, str]]
) -> None:
    """Objects that compare equal (one identity, as many matches) keep the order they came in."""
    labelled: list[Labelled] = [("Pod", "ns", "p", labels) for labels in label_list]
    ranked = rank_candidates(selector, labelled, len(labelled))
    came_in = [
        Candidate("Pod", "ns", "p", compare_labels(selector, labels)) for labels in label_list
    ]
    assert list(ranked) == sorted(came_in, key=_order)


def test_rank_candidates_examples() -> None:
    selector = {"app": "web", "tier": "front"}
    labelled: list[Labelled] = [
        ("Pod", "default", "none", {"role": "db"}),
        ("Pod", "default", "wrong", {"app": "api", "tier": "back"}),
        ("Pod", "default", "cased", {"app": "Web", "tier": "back"}),
        ("Pod", "default", "half", {"app": "web"}),
        ("Pod", "default", "conflict", {"app": "web", "tier": "back"}),
        ("Deployment", "default", "all", {"app": "web", "tier": "front", "x": "y"}),
    ]
    ranked = rank_candidates(selector, labelled)
    assert [c.name for c in ranked] == ["all", "half", "conflict", "cased", "none"]
    assert [c.matched for c in ranked] == [2, 1, 1, 0, 0]
    assert rank_candidates(selector, labelled, limit=0) == ()
    assert not ranked[-1].near and ranked[-2].near
