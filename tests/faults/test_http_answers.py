"""HTTP-level faults, answered by the TLS-terminating proxy instead of the cluster.

The watches are ended at the cluster (`drop_watches`), so the watcher's next requests meet the
canned answers. Lost history (410 Gone, 504 "Too large resource version", as an HTTP answer or
as an ERROR event in the stream) relists without an error status; a refusal (500, 401, 403)
is reported with its reason until it passes, then the watcher relists.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import wait_for
from tests.faults.bench import FaultBench, Front
from tests.faults.proxies import CannedAnswer, status_body

GONE = status_body(410, "Expired", "too old resource version: 5 (120)")
# What kube-apiserver answers a watch from a version its storage has not reached
# (k8s.io/apiserver pkg/storage errors.go, NewTooLargeResourceVersionError: a Timeout Status).
TOO_LARGE = status_body(
    504,
    "Timeout",
    "Timeout: Too large resource version: 9001, current: 42",
    details={
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1,
    },
)


@pytest.mark.parametrize("as_event", [False, True], ids=["http-answer", "watch-event"])
@pytest.mark.parametrize("body", [GONE, TOO_LARGE], ids=["410-gone", "504-too-large"])
def test_lost_history_relists_every_kind(
    bench_for: Callable[[Front], FaultBench], body: dict[str, object], as_event: bool
) -> None:
    bench = bench_for("http")
    assert bench.http is not None
    bench.watch()
    bench.converged()
    listed = dict(bench.recorder.relists)
    mark = bench.recorder.mark()

    canned = bench.http.answer(
        CannedAnswer(int(str(body["code"])), body, as_watch_event=as_event, times=8)
    )
    bench.kubectl("scale", "deployment/pod", "--replicas=2")
    bench.demo.drop_watches()

    wait_for(
        lambda: sum(bench.recorder.relists.values()) >= sum(listed.values()) + 8,
        message="a relist after each lost history",
    )
    bench.converged()
    assert bench.http.given(canned) == 8, "the canned answers were not all given"
    assert [s for s in bench.recorder.since(mark) if s.state != "live"] == []


@pytest.mark.parametrize(
    ("code", "reason", "words"),
    [
        (500, "server", "answered 500: etcd is sulking"),
        (401, "unauthorized", "rejected the credentials (401 Unauthorized)"),
        (403, "forbidden", "etcd is sulking"),
    ],
)
def test_refusals_name_their_reason_then_converge(
    bench_for: Callable[[Front], FaultBench], code: int, reason: str, words: str
) -> None:
    bench = bench_for("http")
    http = bench.http
    assert http is not None
    bench.watch()
    bench.converged()
    mark = bench.recorder.mark()

    bench.kubectl("scale", "deployment/pod", "--replicas=2")
    body = status_body(code, "Whatever", "etcd is sulking")
    canned = http.answer(CannedAnswer(code, body, watches_only=False, times=16))
    bench.demo.drop_watches()

    wait_for(lambda: http.given(canned) == 16, message="every canned refusal given")
    bench.converged()
    failing = [s for s in bench.recorder.since(mark) if s.state != "live"]
    assert failing, "no status said the kinds were failing"
    assert all(s.reason == reason and words in s.message and s.hint for s in failing)
