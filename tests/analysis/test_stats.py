"""The tally: counts, shares, expected shares, the chi-square fairness test and latency."""

from __future__ import annotations

import math
import statistics
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k9lite.analysis.stats import (
    MAX_UNKNOWN_NAMES,
    OTHER_ANSWERS,
    ErrorCount,
    NodeShare,
    Outcome,
    PodShare,
    Tally,
    chi_square_p,
    expected_shares,
    percentile,
    upper_gamma_q,
)

A = "hostname-server-7d8f5b5d7c-pz9ft"
B = "hostname-server-7d8f5b5d7c-wjmkm"
C = "hostname-server-7d8f5b5d7c-x2x7q"
NODES = {A: "worker1", B: "worker2", C: "worker2"}


def ok(
    pod: str | None, latency: float = 0.003, *, answer: str | None = None, target: str = "proxy"
) -> Outcome:
    name = answer if answer is not None else pod
    node = NODES.get(pod or "")
    return Outcome(target, latency, answer=name, pod=pod, node=node, status=200)


def tally_of(counts: dict[str, int], expected: dict[str, float] | None = None) -> Tally:
    tally = Tally(expected, NODES)
    for pod, count in counts.items():
        for _ in range(count):
            tally.add(ok(pod))
    return tally


# -- expected shares ----------------------------------------------------------------------------


def test_kube_proxy_spreads_over_every_ready_pod() -> None:
    shares = expected_shares({"worker1": [A], "worker2": [B, C], "master": []})
    assert shares == {A: 1 / 3, B: 1 / 3, C: 1 / 3}


def test_without_local_the_targeted_nodes_do_not_matter() -> None:
    shares = expected_shares({"worker1": [A], "worker2": [B]}, targeted_nodes=["worker1"])
    assert shares == {A: 0.5, B: 0.5}


def test_no_ready_pod_expects_nothing() -> None:
    assert expected_shares({"worker1": [], "worker2": []}) == {}
    assert expected_shares({"worker1": []}, local=True) == {}
    assert expected_shares({}) == {}


def test_local_gives_each_node_with_pods_an_equal_share_split_among_its_pods() -> None:
    shares = expected_shares({"master": [], "worker1": [A], "worker2": [B, C]}, local=True)
    assert shares == {A: 0.5, B: 0.25, C: 0.25}


def test_local_answers_only_from_targeted_nodes() -> None:
    ready = {"worker1": [A], "worker2": [B, C]}
    assert expected_shares(ready, local=True, targeted_nodes=["worker2"]) == {B: 0.5, C: 0.5}
    assert expected_shares(ready, local=True, targeted_nodes=["master", "worker1"]) == {A: 1.0}
    assert expected_shares(ready, local=True, targeted_nodes=["master"]) == {}


def test_local_weighs_a_node_targeted_twice_double() -> None:
    ready = {"worker1": [A], "worker2": [B, C]}
    shares = expected_shares(ready, local=True, targeted_nodes=["worker1", "worker1", "worker2"])
    assert shares == pytest.approx({A: 2 / 3, B: 1 / 6, C: 1 / 6})


def test_a_pod_listed_twice_counts_once() -> None:
    assert expected_shares({"worker1": [A, A], "worker2": [B]}) == {A: 0.5, B: 0.5}


ready_pods = st.dictionaries(
    st.sampled_from(["master", "worker1", "worker2", "worker3"]),
    st.lists(st.from_regex(r"pod-[a-z0-9]{5}", fullmatch=True), max_size=5, unique=True),
)


@given(
    ready_pods, st.booleans(), st.none() | st.lists(st.sampled_from(["worker1", "worker2", "x"]))
)
def test_expected_shares_are_positive_and_sum_to_one(
    ready: dict[str, list[str]], local: bool, targeted: list[str] | None
) -> None:
    # A pod runs on one node: keep each name on the first node that lists it.
    first_node: dict[str, str] = {}
    for node, pods in ready.items():
        for pod in pods:
            first_node.setdefault(pod, node)
    ready = {node: [p for p in pods if first_node[p] == node] for node, pods in ready.items()}
    shares = expected_shares(ready, local=local, targeted_nodes=targeted)
    assert all(share > 0 for share in shares.values())
    if shares:
        assert math.isclose(math.fsum(shares.values()), 1.0)
    every_pod = {p for node_pods in ready.values() for p in node_pods}
    assert set(shares) <= every_pod
    if not local:
        assert set(shares) == every_pod


# -- counting -----------------------------------------------------------------------------------


def test_a_2xx_or_3xx_is_answered_and_an_error_is_failed() -> None:
    tally = Tally({A: 0.5, B: 0.5}, NODES)
    tally.add(ok(A))
    tally.add(Outcome("proxy", 0.004, answer=B, pod=B, node="worker2", status=302))
    tally.add(Outcome("proxy", 0.004, answer="body:1a2b3c4d", status=200))
    tally.add(Outcome("proxy", 1.0, error="refused", detail="connection refused"))
    tally.add(
        Outcome("proxy", 0.01, status=503, error="http", detail="HTTP 503 Service Unavailable")
    )
    summary = tally.summary()
    assert (summary.sent, summary.answered, summary.failed) == (5, 3, 2)
    assert tally.sent == 5
    assert summary.unknown == (("body:1a2b3c4d", 1),)
    assert [(p.pod, p.count) for p in summary.pods] == [(A, 1), (B, 1)]


def test_an_http_error_is_labelled_with_its_status() -> None:
    tally = Tally()
    tally.add(
        Outcome("proxy", 0.01, status=503, error="http", detail="HTTP 503 Service Unavailable")
    )
    tally.add(Outcome("proxy", 0.01, status=404, error="http", detail="HTTP 404 Not Found"))
    tally.add(Outcome("proxy", 0.01, status=503, error="http", detail="HTTP 503 again"))
    assert tally.summary().errors == (
        ErrorCount("HTTP 503", 2, "HTTP 503 again"),
        ErrorCount("HTTP 404", 1, "HTTP 404 Not Found"),
    )


def test_a_4xx_or_5xx_without_an_error_class_still_fails() -> None:
    tally = Tally()
    tally.add(Outcome("proxy", 0.01, answer="body:1a2b3c4d", status=500))
    summary = tally.summary()
    assert (summary.answered, summary.failed) == (0, 1)
    assert summary.errors == (ErrorCount("HTTP 500", 1, ""),)
    assert summary.unknown == ()


def test_errors_come_most_first_with_their_latest_detail() -> None:
    tally = Tally()
    for detail in (
        "connection refused by 127.0.1.1:30081",
        "connection refused by 127.0.1.3:30081",
    ):
        tally.add(Outcome("w", 0.001, error="refused", detail=detail))
    tally.add(Outcome("w", 0.001, error="refused"))  # an empty detail keeps the last one said
    tally.add(Outcome("w", 3.0, error="timeout", detail="no answer in 3 s"))
    tally.add(Outcome("w", 0.2, error="reset", detail="connection reset by peer"))
    tally.add(Outcome("w", 0.2, error="reset", detail="connection reset by peer"))
    tally.add(Outcome("w", 0.2, error="other", detail="TLS handshake failed"))
    assert tally.summary().errors == (
        ErrorCount("refused", 3, "connection refused by 127.0.1.3:30081"),
        ErrorCount("reset", 2, "connection reset by peer"),
        ErrorCount("other", 1, "TLS handshake failed"),
        ErrorCount("timeout", 1, "no answer in 3 s"),
    )


def test_unknown_answers_come_most_first() -> None:
    tally = Tally({A: 1.0}, NODES)
    for name in (
        "body:aaaaaaaa",
        "old-pod-zzzzz",
        "old-pod-zzzzz",
        "body:bbbbbbbb",
        "old-pod-zzzzz",
    ):
        tally.add(ok(None, answer=name))
    tally.add(Outcome("proxy", 0.001, status=200))
    summary = tally.summary()
    assert summary.unknown == (
        ("old-pod-zzzzz", 3),
        ("(unnamed)", 1),
        ("body:aaaaaaaa", 1),
        ("body:bbbbbbbb", 1),
    )
    assert summary.pods == (PodShare(A, "worker1", 0, 0.0, 1.0),)


def test_an_answer_that_names_a_known_pod_counts_for_it() -> None:
    tally = Tally({A: 1.0}, NODES)
    tally.add(Outcome("proxy", 0.001, answer=A, status=200))
    assert tally.summary().pods == (PodShare(A, "worker1", 1, 1.0, 1.0),)
    assert tally.summary().unknown == ()


def test_distinct_unknown_answers_past_the_limit_are_counted_together() -> None:
    tally = Tally()
    for n in range(MAX_UNKNOWN_NAMES + 50):
        tally.add(ok(None, answer=f"body:{n:08x}"))
    tally.add(ok(None, answer="body:00000000"))
    summary = tally.summary()
    assert len(summary.unknown) == MAX_UNKNOWN_NAMES + 1
    assert summary.unknown[0] == (OTHER_ANSWERS, 50)
    assert ("body:00000000", 2) in summary.unknown
    assert sum(count for _, count in summary.unknown) == summary.answered


def test_pods_include_silent_expected_ones_sorted_by_name() -> None:
    tally = tally_of({C: 3, A: 1}, {A: 0.5, B: 0.5})
    assert tally.summary().pods == (
        PodShare(A, "worker1", 1, 0.25, 0.5),
        PodShare(B, "worker2", 0, 0.0, 0.5),
        PodShare(C, "worker2", 3, 0.75, 0.0),
    )


def test_without_expectations_pods_have_no_expected_share() -> None:
    summary = tally_of({A: 2}).summary()
    assert summary.pods == (PodShare(A, "worker1", 2, 1.0, None),)
    assert summary.fairness_p is None
    assert summary.max_deviation is None


def test_a_pod_node_comes_from_the_outcome_or_the_map() -> None:
    tally = Tally({"x": 0.5, "y": 0.5}, {"x": "worker1"})
    tally.add(Outcome("proxy", 0.001, answer="y", pod="y", node="worker3", status=200))
    tally.add(Outcome("proxy", 0.001, answer="z", pod="z", status=200))
    assert [(p.pod, p.node) for p in tally.summary().pods] == [
        ("x", "worker1"),
        ("y", "worker3"),
        ("z", ""),
    ]


def test_nodes_add_up_their_pods() -> None:
    summary = tally_of({A: 2, B: 1, C: 1}, {A: 1 / 3, B: 1 / 3, C: 1 / 3}).summary()
    assert summary.nodes == (NodeShare("worker1", 2, 0.5), NodeShare("worker2", 2, 0.5))


def test_targets_keep_the_order_they_were_first_seen() -> None:
    tally = Tally({A: 1.0}, NODES)
    tally.add(ok(A, target="worker2 127.0.1.3:30081"))
    tally.add(ok(A, target="worker1 127.0.1.2:30081"))
    tally.add(Outcome("worker2 127.0.1.3:30081", 0.001, error="refused"))
    tally.add(Outcome("master 127.0.1.1:30081", 0.001, error="refused"))
    assert tally.summary().by_target == (
        ("worker2 127.0.1.3:30081", 1, 1),
        ("worker1 127.0.1.2:30081", 1, 0),
        ("master 127.0.1.1:30081", 0, 1),
    )


def test_expect_replaces_the_expectations_and_keeps_the_counts() -> None:
    tally = tally_of({A: 2, B: 2}, {A: 0.5, B: 0.5})
    tally.expect({A: 0.25, B: 0.25, C: 0.5})
    summary = tally.summary()
    assert [(p.pod, p.count, p.expected) for p in summary.pods] == [
        (A, 2, 0.25),
        (B, 2, 0.25),
        (C, 0, 0.5),
    ]
    assert summary.max_deviation == pytest.approx(0.5)


def test_a_summary_is_reused_until_something_is_added() -> None:
    tally = tally_of({A: 1})
    first = tally.summary()
    assert tally.summary() is first
    tally.add(ok(A))
    assert tally.summary() is not first
    assert tally.summary().answered == 2


def test_nothing_sent_is_an_empty_summary() -> None:
    summary = Tally({A: 0.5, B: 0.5}, NODES).summary()
    assert (summary.sent, summary.answered, summary.failed) == (0, 0, 0)
    assert [(p.pod, p.count, p.share) for p in summary.pods] == [(A, 0, 0.0), (B, 0, 0.0)]
    assert summary.latency_p50 is None and summary.fairness_p is None
    assert summary.max_deviation is None


# -- latency ------------------------------------------------------------------------------------


def test_latency_percentiles_are_of_answered_requests_only() -> None:
    tally = Tally()
    for ms in range(1, 101):
        tally.add(ok(A, ms / 1000))
    tally.add(Outcome("proxy", 3.0, error="timeout"))
    summary = tally.summary()
    assert summary.latency_p50 == pytest.approx(0.0505)
    assert summary.latency_p95 == pytest.approx(0.09505)
    assert summary.latency_p99 == pytest.approx(0.09901)


def test_one_latency_is_every_percentile() -> None:
    summary = tally_of({A: 1}).summary()
    assert summary.latency_p50 == summary.latency_p95 == summary.latency_p99 == 0.003


@given(st.lists(st.floats(0, 60, allow_nan=False), min_size=2, max_size=300))
def test_percentiles_are_those_of_statistics_inclusive(latencies: list[float]) -> None:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    ordered = sorted(latencies)
    for percent in (1, 50, 95, 99):
        assert percentile(ordered, percent) == cuts[percent - 1]


def test_latencies_added_between_summaries_are_sorted_in() -> None:
    tally = Tally()
    for seconds in (0.005, 0.001, 0.009):
        tally.add(ok(A, seconds))
    assert tally.summary().latency_p50 == 0.005
    for seconds in (0.0005, 0.0007, 0.0002, 0.0009):
        tally.add(ok(A, seconds))
    assert tally.summary().latency_p50 == 0.0009


def test_summary_is_cheap_at_100000_outcomes() -> None:
    tally = Tally({A: 0.5, B: 0.5}, NODES)
    for n in range(100_000):
        tally.add(ok((A, B)[n % 2], (n * 7919 % 1000) / 1e5))
    tally.summary()
    start = time.perf_counter()
    for n in range(10):  # one second of redraws, each after a few more outcomes
        for _ in range(50):
            tally.add(ok(A, n / 1000))
        tally.summary()
    # 10 redraws a second must leave the CPU to the rest: far below a second here.
    assert time.perf_counter() - start < 0.25


# -- fairness -----------------------------------------------------------------------------------


# chi2.sf to ten digits, from the closed forms of `chi2_sf` below; the textbook 5% and 1%
# critical values are rounded to four digits, so their p-values are 0.0500 and 0.0100 only to
# about 3e-4.
@pytest.mark.parametrize(
    ("statistic", "freedom", "p"),
    [
        (3.841, 1, 0.05001368376),
        (5.991, 2, 0.05001161503),
        (11.07, 5, 0.05000961862),
        (6.635, 1, 0.009999419574),
        (100.0, 3, 1.554159431e-21),
        (2.0, 10, 0.9963401532),
        (80.0, 40, 0.0001763028977),
    ],
)
def test_upper_gamma_q_is_the_chi_square_tail(statistic: float, freedom: int, p: float) -> None:
    assert upper_gamma_q(freedom / 2, statistic / 2) == pytest.approx(p, rel=1e-4)


@pytest.mark.parametrize("freedom", [1, 2, 3, 7, 50])
def test_a_zero_statistic_has_p_one(freedom: int) -> None:
    assert upper_gamma_q(freedom / 2, 0.0) == 1.0


def chi2_sf(x: float, k: int) -> float:
    """The chi-square survival function in closed form (a different road to the same number)."""
    half = x / 2
    if k % 2 == 0:
        return math.exp(-half) * math.fsum(half**i / math.factorial(i) for i in range(k // 2))
    tail = math.fsum(half ** (i - 0.5) / math.gamma(i + 0.5) for i in range(1, (k + 1) // 2))
    return math.erfc(math.sqrt(half)) + math.exp(-half) * tail


@given(st.floats(0.001, 200), st.integers(1, 30))
def test_upper_gamma_q_agrees_with_the_closed_forms(x: float, k: int) -> None:
    expected = chi2_sf(x, k)
    assert upper_gamma_q(k / 2, x / 2) == pytest.approx(expected, rel=1e-4, abs=1e-300)


def test_chi_square_p_of_known_tallies() -> None:
    # 60/40 of 100 against 50/50: statistic 4.0, one degree of freedom.
    assert chi_square_p([60, 40], [0.5, 0.5]) == pytest.approx(0.0455003, rel=1e-4)
    # Shares are normalised, so weights do as well.
    assert chi_square_p([60, 40], [1, 1]) == pytest.approx(0.0455003, rel=1e-4)
    assert chi_square_p([50, 50], [0.5, 0.5]) == 1.0
    assert chi_square_p([0, 0], [0.5, 0.5]) == 1.0


def test_a_count_where_none_is_expected_rejects_outright() -> None:
    assert chi_square_p([5, 5, 1], [0.5, 0.5, 0.0]) == 0.0
    assert chi_square_p([5, 5, 0], [0.5, 0.5, 0.0]) == 1.0


def test_one_category_cannot_be_uneven() -> None:
    assert chi_square_p([10], [1.0]) == 1.0


@pytest.mark.parametrize(
    ("observed", "expected"),
    [([1, 2], [1.0]), ([-1, 2], [0.5, 0.5]), ([1, 2], [-0.5, 1.5]), ([1, 2], [0.0, 0.0])],
)
def test_chi_square_p_rejects_bad_input(observed: list[int], expected: list[float]) -> None:
    with pytest.raises(ValueError):
        chi_square_p(observed, expected)


@pytest.mark.parametrize("bad", [(0.0, 1.0), (-1.0, 1.0), (1.0, -1.0)])
def test_upper_gamma_q_rejects_bad_arguments(bad: tuple[float, float]) -> None:
    with pytest.raises(ValueError):
        upper_gamma_q(*bad)


def test_an_uneven_tally_is_flagged() -> None:
    summary = tally_of({A: 90, B: 10}, {A: 0.5, B: 0.5}).summary()
    assert summary.fairness_p is not None and summary.fairness_p < 0.01
    assert summary.max_deviation == pytest.approx(0.4)


def test_fairness_needs_two_expected_pods_and_an_answer_from_them() -> None:
    assert tally_of({A: 10}, {A: 1.0}).summary().fairness_p is None
    assert tally_of({C: 10}, {A: 0.5, B: 0.5}).summary().fairness_p is None
    assert tally_of({}, {A: 0.5, B: 0.5}).summary().fairness_p is None


def test_fairness_leaves_out_answers_of_pods_not_expected() -> None:
    with_strangers = tally_of({A: 50, B: 50, C: 30}, {A: 0.5, B: 0.5}).summary()
    assert with_strangers.fairness_p == 1.0
    # ... but the shares are of every answer, so the deviation shows them.
    assert with_strangers.max_deviation == pytest.approx(0.5 - 50 / 130)


def test_local_policy_tally_is_even_against_its_expected_shares() -> None:
    expected = expected_shares({"worker1": [A], "worker2": [B, C]}, local=True)
    summary = tally_of({A: 40, B: 20, C: 20}, expected).summary()
    assert summary.fairness_p == 1.0
    assert summary.max_deviation == 0.0


# -- properties ---------------------------------------------------------------------------------

outcomes = st.builds(
    Outcome,
    target=st.sampled_from(["proxy", "worker1 127.0.1.2:30080", "worker2 127.0.1.3:30080"]),
    latency=st.floats(0, 10, allow_nan=False),
    answer=st.none() | st.sampled_from([A, B, C, "body:1a2b3c4d", "stranger"]),
    pod=st.none() | st.sampled_from([A, B, C]),
    node=st.none() | st.sampled_from(["worker1", "worker2"]),
    status=st.none() | st.sampled_from([200, 301, 404, 503]),
    error=st.none() | st.sampled_from(["refused", "timeout", "reset", "http", "other"]),
    detail=st.sampled_from(["", "connection refused"]),
)
expectations = st.none() | st.sampled_from(
    [{A: 0.5, B: 0.5}, {A: 1 / 3, B: 1 / 3, C: 1 / 3}, {A: 1.0}]
)


@settings(max_examples=200)
@given(st.lists(outcomes, max_size=60), expectations)
def test_counts_add_up(items: list[Outcome], expected: dict[str, float] | None) -> None:
    tally = Tally(expected, NODES)
    for outcome in items:
        tally.add(outcome)
    summary = tally.summary()
    assert summary.answered + summary.failed == summary.sent == len(items) == tally.sent
    assert sum(e.count for e in summary.errors) == summary.failed
    assert sum(a for _, a, _ in summary.by_target) == summary.answered
    assert sum(f for _, _, f in summary.by_target) == summary.failed
    pods_and_unknown = [p.count for p in summary.pods] + [n for _, n in summary.unknown]
    assert sum(pods_and_unknown) == summary.answered
    if summary.answered:
        shares = [p.share for p in summary.pods] + [
            n / summary.answered for _, n in summary.unknown
        ]
        assert math.isclose(math.fsum(shares), 1.0)
    if summary.fairness_p is not None:
        assert 0.0 <= summary.fairness_p <= 1.0
    if summary.max_deviation is not None:
        assert 0.0 <= summary.max_deviation <= 1.0
    assert [p.pod for p in summary.pods] == sorted(p.pod for p in summary.pods)


@given(
    st.lists(st.integers(0, 500), min_size=1, max_size=12),
    st.lists(st.floats(0.01, 1), min_size=1, max_size=12),
)
def test_p_value_is_a_probability(observed: list[int], weights: list[float]) -> None:
    size = min(len(observed), len(weights))
    p = chi_square_p(observed[:size], weights[:size])
    assert 0.0 <= p <= 1.0


@given(st.integers(2, 40), st.integers(1, 200), st.integers(1, 4))
def test_a_perfectly_even_tally_has_p_one_and_no_deviation(
    pods: int, each: int, nodes: int
) -> None:
    names = [f"pod-{n:02}" for n in range(pods)]
    ready = {f"worker{n}": names[n::nodes] for n in range(nodes)}
    tally = Tally(expected_shares(ready), {p: n for n, ps in ready.items() for p in ps})
    for _ in range(each):
        for name in names:
            tally.add(ok(name))
    summary = tally.summary()
    assert summary.fairness_p == 1.0
    assert summary.max_deviation == 0.0
