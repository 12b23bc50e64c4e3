"""The answers histogram as text: golden renderings at 80 and 38 columns, cutting, colours.

The tallies are fixed (the tutorial's two pods, a scale-up, a Local policy, answers from no pod,
twenty pods), so a rendering changes only when the drawing does: `pytest --snapshot-update`
after an intended change, then read the diff.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from rich.console import Console
from syrupy.assertion import SnapshotAssertion

from k9lite.analysis.stats import Outcome, Summary, Tally, expected_shares
from k9lite.render.histogram import Histogram, HistogramStyles

RS = "hostname-server-7d8f5b5d7c-"
PZ9FT, WJMKM = RS + "pz9ft", RS + "wjmkm"
TQ2MN, HQ5C8 = RS + "tq2mn", RS + "hq5c8"
LOCAL_A, LOCAL_B = "local-server-6d8f9c7b5-k4j2x", "local-server-6d8f9c7b5-m8p7q"


def latency(n: int) -> float:
    """A fixed spread of latencies: mostly 2-5 ms, a few slow ones."""
    return (2 + (n * 37 % 31) / 10 + (9 if n % 50 == 0 else 0)) / 1000


def answered(tally: Tally, pod: str, node: str, times: int, target: str = "proxy") -> None:
    for n in range(times):
        tally.add(Outcome(target, latency(n), answer=pod, pod=pod, node=node, status=200))


def tutorial() -> Summary:
    ready = {"worker1": [PZ9FT], "worker2": [WJMKM]}
    tally = Tally(expected_shares(ready), {PZ9FT: "worker1", WJMKM: "worker2"})
    answered(tally, PZ9FT, "worker1", 503)
    answered(tally, WJMKM, "worker2", 497)
    return tally.summary()


def scaled() -> Summary:
    """Scaled from 2 to 4 mid-run: the new pods have answered only the last requests."""
    ready = {"worker1": [PZ9FT, HQ5C8], "worker2": [WJMKM, TQ2MN]}
    nodes = {p: n for n, pods in ready.items() for p in pods}
    tally = Tally(expected_shares(ready), nodes)
    for pod, count in ((PZ9FT, 462), (WJMKM, 478), (HQ5C8, 31), (TQ2MN, 29)):
        answered(tally, pod, nodes[pod], count)
    return tally.summary()


def local_policy() -> Summary:
    """NodePort under externalTrafficPolicy Local, round-robin over 3 nodes; one has the pods."""
    ready: dict[str, list[str]] = {"master": [], "worker1": [LOCAL_A, LOCAL_B], "worker2": []}
    tally = Tally(expected_shares(ready, local=True), {LOCAL_A: "worker1", LOCAL_B: "worker1"})
    addresses = {"master": "127.0.1.1", "worker1": "127.0.1.2", "worker2": "127.0.1.3"}
    for n in range(300):
        node = ("master", "worker1", "worker2")[n % 3]
        target = f"{node} {addresses[node]}:30081"
        if node == "worker1":
            pod = (LOCAL_A, LOCAL_B)[n * 7 // 3 % 13 < 6]
            tally.add(Outcome(target, latency(n), answer=pod, pod=pod, node=node, status=200))
        elif n == 299:
            tally.add(Outcome(target, 3.0, error="timeout", detail="no answer in 3 s"))
        else:
            detail = f"connection refused by {addresses[node]}:30081"
            tally.add(Outcome(target, 0.0004, error="refused", detail=detail))
    return tally.summary()


def unknown_answers() -> Summary:
    """Answers of pods no longer known, bodies no pattern names, and a 503."""
    tally = Tally({PZ9FT: 0.5, WJMKM: 0.5}, {PZ9FT: "worker1", WJMKM: "worker2"})
    answered(tally, PZ9FT, "worker1", 140)
    answered(tally, WJMKM, "worker2", 151)
    strangers = [
        ("hostname-server-5f6d7c8b9-old01", 12),
        ("body:1a2b3c4d", 40),
        ("body:9f8e7d6c", 3),
        ("body:00ff00ff", 2),
        ("body:c0ffee00", 1),
    ]
    for name, count in strangers:
        for n in range(count):
            tally.add(Outcome("proxy", latency(n), answer=name, status=200))
    unavailable = "HTTP 503 Service Unavailable: no endpoints available for service"
    for _ in range(4):
        tally.add(Outcome("proxy", 0.001, status=503, error="http", detail=unavailable))
    return tally.summary()


def many_pods() -> Summary:
    pods = [f"web-7b9c6d5f4-{n:02}abc" for n in range(20)]
    ready = {f"worker{w}": pods[w - 1 :: 3] for w in (1, 2, 3)}
    nodes = {p: n for n, ps in ready.items() for p in ps}
    tally = Tally(expected_shares(ready), nodes)
    for index, pod in enumerate(pods):
        answered(tally, pod, nodes[pod], 40 + index * 7 % 23)
    return tally.summary()


def nothing_yet() -> Summary:
    return Tally({PZ9FT: 0.5, WJMKM: 0.5}, {PZ9FT: "worker1", WJMKM: "worker2"}).summary()


CASES = {
    "tutorial": (tutorial, ("via proxy", "1,000 requests", "new connection each")),
    "scaled": (scaled, ("via proxy", "1,000 requests", "scaled 2 → 4")),
    "local": (local_policy, ("via NodePort 30081 on 3 nodes", "300 requests", "Local policy")),
    "unknown": (unknown_answers, ("via proxy", "353 requests")),
    "many": (many_pods, ("via web.default:80", "1,026 requests")),
    "empty": (nothing_yet, ("via proxy", "1,000 requests", "new connection each")),
}


def text_of(histogram: Histogram, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(histogram)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def histogram(case: str) -> Histogram:
    make, title = CASES[case]
    return Histogram(make(), title=title)


@pytest.mark.parametrize("width", (80, 38))
@pytest.mark.parametrize("case", list(CASES))
def test_golden(case: str, width: int, snapshot: SnapshotAssertion) -> None:
    assert text_of(histogram(case), width) == snapshot


def all_failed() -> Summary:
    tally = Tally({PZ9FT: 0.5, WJMKM: 0.5}, {PZ9FT: "worker1", WJMKM: "worker2"})
    for _ in range(5):
        tally.add(Outcome("proxy", 0.001, error="refused", detail="connection refused"))
    return tally.summary()


def long_names() -> Summary:
    """Cloud node names, six-digit counts, a long --match name, long targets."""
    pods = [f"checkout-api-canary-{n}-5f6d7c8b9d-{n}x{n}z{n}" for n in range(3)]
    nodes = {p: f"ip-10-0-{n}-23.eu-west-1.compute.internal" for n, p in enumerate(pods)}
    tally = Tally(dict.fromkeys(pods, 1 / 3), nodes)
    for n, pod in enumerate(pods):
        target = f"{nodes[pod]} 10.0.{n}.23:31234"
        for _ in range(40_000 * (n + 1)):
            tally.add(Outcome(target, 0.0021, answer=pod, pod=pod, node=nodes[pod], status=200))
    tally.add(Outcome("x", 0.002, answer="a" * 200, status=200))
    tally.add(Outcome("x", 0.002, error="other", detail="TLS handshake failed: " + "x" * 200))
    return tally.summary()


@pytest.mark.parametrize("width", (30, 38, 80, 120))
@pytest.mark.parametrize("case", [*CASES, "all-failed", "long-names"])
def test_no_line_is_wider_than_the_terminal(case: str, width: int) -> None:
    extra = {"all-failed": all_failed, "long-names": long_names}
    shown = Histogram(extra[case](), title=("t " * 50,)) if case in extra else histogram(case)
    for line in text_of(shown, width).splitlines():
        assert len(line) <= width, f"{case} at {width}: {line!r}"


@pytest.mark.parametrize("width", (30, 38, 80, 120))
def test_every_pod_row_names_its_node_and_pod_suffix(width: int) -> None:
    text = text_of(histogram("scaled"), width)
    for pod, node in (
        (PZ9FT, "worker1"),
        (HQ5C8, "worker1"),
        (WJMKM, "worker2"),
        (TQ2MN, "worker2"),
    ):
        rows = [line for line in text.splitlines() if pod[-5:] in line]
        assert len(rows) == 1, text
        assert node in rows[0], rows[0]


def test_the_whole_pod_name_shows_at_80_columns() -> None:
    text = text_of(histogram("tutorial"), 80)
    assert PZ9FT in text and WJMKM in text
    assert "exp 50%" in text


def test_bars_are_scaled_to_the_largest_count() -> None:
    lines = text_of(histogram("scaled"), 80).splitlines()
    bars = {pod: line.count("█") for pod in (PZ9FT, WJMKM, HQ5C8) for line in lines if pod in line}
    assert bars[WJMKM] > bars[PZ9FT] > bars[HQ5C8] > 0


def test_a_fair_spread_and_an_uneven_one_say_so() -> None:
    assert "fairness: p=0.85 (spread as expected)" in text_of(histogram("tutorial"), 80)
    uneven = text_of(histogram("scaled"), 80)
    assert "fairness: p<0.0001 (uneven)" in uneven
    assert "max deviation 22.8%" in uneven


def test_latency_line_in_milliseconds() -> None:
    text = text_of(histogram("tutorial"), 80)
    assert "latency p50 3.5 ms · p95 5.0 ms · p99 12.2 ms" in text


def test_errors_name_their_kind_count_and_latest_detail() -> None:
    text = text_of(histogram("local"), 80)
    assert "✗ refused 199 — connection refused by 127.0.1.1:30081" in text
    assert "✗ timeout 1 — no answer in 3 s" in text
    assert "→ worker2 127.0.1.3:30081    0 answered  100 failed" in text


def test_unknown_answers_are_rows_and_collapse() -> None:
    text = text_of(histogram("unknown"), 80)
    assert "? body:1a2b3c4d" in text
    assert "? hostname-server-5f6d7c8b9-old01" in text
    assert "… and 2 more unknown (3 answers)" in text
    assert "✗ HTTP 503 4 — HTTP 503 Service Unavailable" in text


def test_many_pods_collapse_to_one_line() -> None:
    text = text_of(histogram("many"), 80)
    assert "… and 8 more pods (" in text
    assert sum("web-7b9c6d5f4-" in line for line in text.splitlines()) == 12
    fewer = text_of(Histogram(many_pods(), max_rows=5), 80)
    assert "… and 15 more pods (" in fewer


def test_nothing_sent_is_one_line() -> None:
    assert text_of(Histogram(nothing_yet()), 80) == "no requests yet\n"
    titled = text_of(histogram("empty"), 80).splitlines()
    assert titled == ["via proxy · 1,000 requests · new connection each", "no requests yet"]


def test_bars_are_coloured_per_node_in_node_order() -> None:
    styles = HistogramStyles(bar=("cyan", "magenta"))
    console = Console(width=80, file=io.StringIO(), color_system="truecolor", legacy_windows=False)
    lines = console.render_lines(
        Histogram(scaled(), styles=styles), console.options, new_lines=False, pad=False
    )
    colours: dict[str, set[str]] = {}
    for line in lines:
        text = "".join(segment.text for segment in line)
        node = "worker1" if "worker1" in text else "worker2" if "worker2" in text else None
        for segment in line:
            if node and "█" in segment.text and segment.style and segment.style.color:
                colours.setdefault(node, set()).add(segment.style.color.name)
    assert colours == {"worker1": {"cyan"}, "worker2": {"magenta"}}


def test_the_pure_modules_stay_headless() -> None:
    modules = "k9lite.analysis.answers, k9lite.analysis.stats, k9lite.render.histogram"
    probe = (
        f"import sys, {modules}; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('textual', 'kubernetes', 'httpx', 'aiohttp')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_note_comes_last_and_folds_at_its_parts() -> None:
    note = (
        "keep-alive: a connection stays with the pod it reached",
        "kube-proxy spreads connections",
    )
    wide = text_of(Histogram(tutorial(), note=note), 120).splitlines()
    assert wide[-1].rstrip() == " · ".join(note)
    narrow = text_of(Histogram(tutorial(), note=note), 60).splitlines()
    assert narrow[-2].rstrip() == "keep-alive: a connection stays with the pod it reached"
    assert narrow[-1].strip() == "kube-proxy spreads connections"


def test_a_note_part_too_long_for_a_narrow_column_wraps_whole() -> None:
    """Two runs side by side at 80 columns leave ~38 cells: the lesson must still read whole."""
    note = (
        "keep-alive: a connection stays with the pod it reached",
        "kube-proxy spreads connections",
    )
    narrow = " ".join(text_of(Histogram(tutorial(), note=note), 38).split())
    assert "a connection stays with the pod it reached" in narrow
    assert "…" not in narrow.split("fairness")[-1]
