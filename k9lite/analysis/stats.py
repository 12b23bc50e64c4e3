"""The tally of a run of requests: who answered how often, against what kube-proxy would do.

kube-proxy picks an endpoint uniformly at random for each new *connection*, so N requests on N
new connections spread over the ready pods like N dice throws: `expected_shares` says what
each pod should get, and a chi-square goodness-of-fit test (`chi_square_p`) says whether the
counts seen are a plausible throw of those dice or a sign that something skews the spread
(keep-alive, session affinity, a Local traffic policy, a pod that stopped answering).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from k9lite.analysis.chisquare import chi_square_p, upper_gamma_q

__all__ = [
    "FAIRNESS_THRESHOLD",
    "MAX_UNKNOWN_NAMES",
    "OTHER_ANSWERS",
    "UNNAMED",
    "ErrorClass",
    "ErrorCount",
    "NodeShare",
    "Outcome",
    "PodShare",
    "Summary",
    "Tally",
    "chi_square_p",
    "expected_shares",
    "percentile",
    "upper_gamma_q",
]

FAIRNESS_THRESHOLD = 0.01
"""A fairness p-value below this: the answers are not spread as expected."""

ErrorClass = Literal["refused", "timeout", "reset", "http", "other"]

UNNAMED = "(unnamed)"
"""The unknown answer of a success that carried no name at all."""
OTHER_ANSWERS = "(other answers)"
"""Where unknown answers go past `MAX_UNKNOWN_NAMES` distinct ones."""
# A body that changes per request (a timestamp, a request id) fingerprints anew each time:
# past this many distinct names the rest are counted together, so summary() stays cheap.
MAX_UNKNOWN_NAMES = 200

# Floating-point noise of share * total: counts are whole numbers and shares ratios of small
# ones, so a real deviation is never this small, and a perfectly even tally is exactly even.
_NOISE = 1e-9


@dataclass(frozen=True, slots=True)
class Outcome:
    """One request: where it went, what answered (or how it failed), how long it took."""

    target: str
    """The vantage target's label, e.g. "proxy" or "worker1 127.0.1.2:30080"."""
    latency: float
    """Seconds, request start to full answer (or to failure)."""
    answer: str | None = None
    """Answer.name for an HTTP answer that named someone (2xx/3xx)."""
    pod: str | None = None
    """The pod that name maps to, None when it matches no pod."""
    node: str | None = None
    """That pod's node."""
    status: int | None = None
    """HTTP status when one came."""
    error: ErrorClass | None = None
    """None for a success; "http" for a 4xx/5xx."""
    detail: str = ""
    """One line, for errors ("connection refused", "HTTP 503 Service Unavailable: ...")."""
    from_server: bool = False
    """The answer is the API server's own Status (a proxied request it could not deliver, or
    refused), not the pod's."""


@dataclass(frozen=True, slots=True)
class PodShare:
    """How often one pod answered; `share` and `expected` are fractions of answered requests."""

    pod: str
    node: str
    """"" when not known."""
    count: int
    share: float
    expected: float | None
    """None when the tally was given no expectations."""


@dataclass(frozen=True, slots=True)
class NodeShare:
    """How often the pods of one node answered, as a fraction of answered requests."""

    node: str
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class ErrorCount:
    """Failures of one kind: "refused", "timeout", "reset", "HTTP 503", "other"."""

    label: str
    count: int
    detail: str
    """The most recent detail given for this label."""


@dataclass(frozen=True, slots=True)
class Summary:
    """A tally at one moment, ready to draw."""

    sent: int
    answered: int
    failed: int
    pods: tuple[PodShare, ...]
    """Every pod that answered plus every expected pod (count 0 if silent), by pod name."""
    unknown: tuple[tuple[str, int], ...]
    """Answers that match no pod: (answer name, count), most first."""
    nodes: tuple[NodeShare, ...]
    """Nodes of the pods above whose node is known, by node name."""
    errors: tuple[ErrorCount, ...]
    """Most first."""
    by_target: tuple[tuple[str, int, int], ...]
    """(target, answered, failed) in first-seen order."""
    latency_p50: float | None
    latency_p95: float | None
    latency_p99: float | None
    """Percentiles of answered requests' latency, in seconds."""
    fairness_p: float | None
    """Chi-square p-value of the expected pods' counts; None with < 2 expected pods or none
    answered by them."""
    max_deviation: float | None
    """Largest |share - expected| over expected pods; None with none expected or answered."""


class Tally:
    """Outcomes as they stream in; add() is O(1) amortised, summary() is cheap enough for 10
    redraws a second at 100,000 outcomes."""

    def __init__(
        self,
        expected: Mapping[str, float] | None = None,
        pod_nodes: Mapping[str, str] | None = None,
    ) -> None:
        self._expected: dict[str, float] | None = None
        self._pod_nodes: dict[str, str] = {}
        self._answered = 0
        self._failed = 0
        self._pods: Counter[str] = Counter()
        self._nodes_seen: dict[str, str] = {}
        self._unknown: Counter[str] = Counter()
        self._errors: Counter[str] = Counter()
        self._error_details: dict[str, str] = {}
        self._targets: dict[str, list[int]] = {}
        self._latencies: list[float] = []
        self._summary: Summary | None = None
        self.expect(expected, pod_nodes)

    @property
    def sent(self) -> int:
        return self._answered + self._failed

    def expect(
        self, expected: Mapping[str, float] | None, pod_nodes: Mapping[str, str] | None = None
    ) -> None:
        """Replace the expected shares (pods scaled mid-run); `pod_nodes` adds to what is known."""
        self._expected = dict(expected) if expected is not None else None
        self._pod_nodes.update(pod_nodes or {})
        self._summary = None

    def add(self, outcome: Outcome) -> None:
        self._summary = None
        error = outcome.error
        if error is None and outcome.status is not None and outcome.status >= 400:
            error = "http"  # a 4xx/5xx is a failure even when the runner did not say so
        target = self._targets.setdefault(outcome.target, [0, 0])
        if error is not None:
            self._failed += 1
            target[1] += 1
            label = _error_label(error, outcome.status)
            self._errors[label] += 1
            if outcome.detail or label not in self._error_details:
                self._error_details[label] = outcome.detail
            return
        self._answered += 1
        target[0] += 1
        self._latencies.append(outcome.latency)
        pod = outcome.pod
        if pod is None and outcome.answer is not None and self._is_pod(outcome.answer):
            pod = outcome.answer
        if pod is not None:
            self._pods[pod] += 1
            if outcome.node and pod not in self._nodes_seen:
                self._nodes_seen[pod] = outcome.node
            return
        name = outcome.answer or UNNAMED
        if name not in self._unknown and len(self._unknown) >= MAX_UNKNOWN_NAMES:
            name = OTHER_ANSWERS
        self._unknown[name] += 1

    def summary(self) -> Summary:
        if self._summary is None:
            self._summary = self._summarise()
        return self._summary

    def _is_pod(self, name: str) -> bool:
        return name in self._pod_nodes or (self._expected is not None and name in self._expected)

    def _node_of(self, pod: str) -> str:
        return self._nodes_seen.get(pod) or self._pod_nodes.get(pod, "")

    def _summarise(self) -> Summary:
        answered, expected = self._answered, self._expected
        names = sorted(set(self._pods) | set(expected or ()))
        pods = tuple(
            PodShare(
                pod,
                self._node_of(pod),
                self._pods[pod],
                self._pods[pod] / answered if answered else 0.0,
                None if expected is None else expected.get(pod, 0.0),
            )
            for pod in names
        )
        by_node: Counter[str] = Counter()
        for share in pods:
            if share.node:
                by_node[share.node] += share.count
        nodes = tuple(
            NodeShare(node, count, count / answered if answered else 0.0)
            for node, count in sorted(by_node.items())
        )
        errors = sorted(
            (ErrorCount(label, n, self._error_details[label]) for label, n in self._errors.items()),
            key=lambda e: (-e.count, e.label),
        )
        latencies = self._sorted_latencies()
        p50, p95, p99 = (percentile(latencies, q) if latencies else None for q in (50, 95, 99))
        return Summary(
            sent=self.sent,
            answered=answered,
            failed=self._failed,
            pods=pods,
            unknown=tuple(sorted(self._unknown.items(), key=lambda item: (-item[1], item[0]))),
            nodes=nodes,
            errors=tuple(errors),
            by_target=tuple((t, a, f) for t, (a, f) in self._targets.items()),
            latency_p50=p50,
            latency_p95=p95,
            latency_p99=p99,
            fairness_p=self._fairness(),
            max_deviation=self._max_deviation(pods),
        )

    def _sorted_latencies(self) -> list[float]:
        # Sorted in place: timsort finds the run sorted last time and merges the new tail in
        # about linear time, instead of sorting 100,000 latencies afresh on every redraw.
        self._latencies.sort()
        return self._latencies

    def _fairness(self) -> float | None:
        expected = self._expected
        if expected is None or len(expected) < 2:
            return None
        pods = sorted(expected)
        observed = [self._pods[pod] for pod in pods]
        if sum(observed) < 1:
            return None
        # Answers from pods not expected (or unknown) are left out: the test asks whether the
        # expected pods split what they answered as expected.
        return chi_square_p(observed, [expected[pod] for pod in pods])

    def _max_deviation(self, pods: tuple[PodShare, ...]) -> float | None:
        if not self._expected or not self._answered:
            return None
        deviation = max(abs(p.share - (p.expected or 0.0)) for p in pods if p.pod in self._expected)
        return deviation if deviation > _NOISE else 0.0


def _error_label(error: ErrorClass, status: int | None) -> str:
    if error != "http":
        return error
    return f"HTTP {status}" if status is not None else "HTTP"


def percentile(ordered: Sequence[float], percent: int) -> float:
    """The `percent`th percentile of sorted data, as statistics.quantiles(method="inclusive").

    Linear interpolation between the closest ranks, in the same integer arithmetic, so the
    result is the very float statistics gives.
    """
    if not ordered:
        raise ValueError("percentile of no data")
    if len(ordered) == 1:
        return ordered[0]
    j, delta = divmod(percent * (len(ordered) - 1), 100)
    if j + 1 >= len(ordered):
        return ordered[-1]
    return (ordered[j] * (100 - delta) + ordered[j + 1] * delta) / 100


def expected_shares(
    ready_pods_by_node: Mapping[str, Sequence[str]],
    *,
    local: bool = False,
    targeted_nodes: Sequence[str] | None = None,
) -> dict[str, float]:
    """The share of answered requests each ready pod should get; empty when none can answer.

    kube-proxy spreads connections uniformly at random over the ready endpoints, wherever they
    run. Under externalTrafficPolicy Local a node sends only to its own pods and drops the
    rest, so with requests spread round-robin over `targeted_nodes` (a node listed twice gets
    twice the requests) each targeted node with ready pods gets an equal share of the answers,
    split evenly among its pods; the others produce errors, not answers.
    """
    if not local:
        pods = list(
            dict.fromkeys(p for node_pods in ready_pods_by_node.values() for p in node_pods)
        )
        # One division per share: an even tally's count/answered is then the very same float.
        return {pod: 1 / len(pods) for pod in pods}
    # Counted from a list: Counter(mapping) would take the mapping's values as the counts.
    weights = Counter(list(ready_pods_by_node) if targeted_nodes is None else targeted_nodes)
    answering = {
        node: list(dict.fromkeys(ready_pods_by_node.get(node, ())))
        for node in weights
        if ready_pods_by_node.get(node)
    }
    total = sum(weights[node] for node in answering)
    shares: dict[str, float] = {}
    for node, pods in answering.items():
        for pod in pods:
            shares[pod] = shares.get(pod, 0.0) + weights[node] / (total * len(pods))
    return shares
