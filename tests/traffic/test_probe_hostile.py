"""Hostile HTTP bodies through a real probe and everything `k9lite probe` prints of them.

Property test: a local server answers each example's body (200, or 500 for an error), a real
`Probe` fetches it, and the log line (`print_reply`), the histogram and the JSON document
carry no raw control byte, to a terminal or a pipe, and still read as the body's escapes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings

from k9lite.analysis.stats import Tally
from k9lite.commands.probe import print_reply
from k9lite.render.histogram import Histogram
from k9lite.render.literal import json_line, literal
from k9lite.traffic.runner import Probe, ProbeOptions, Reply
from k9lite.traffic.vantage import Target
from tests.render.hostile import hostile, printed, raw_controls, written
from tests.traffic.test_probe_demo import LocalServer, http_server

_BODIES = hostile | hostile.map(lambda name: f"<p>Hello,  {name}</p>\n{name}")


@dataclasses.dataclass
class _Answer:
    body: str = ""


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[_Answer, LocalServer]]:
    """A server answering whatever body the current example set."""
    answer = _Answer()
    with http_server(lambda _: answer.body) as server:
        yield answer, server


def _replies(url: str) -> list[Reply]:
    probe = Probe([Target(url, url)], ProbeOptions(count=1), resolve=lambda _: (None, None))
    replies: list[Reply] = []
    asyncio.run(probe.run(replies.append))
    return replies


@settings(max_examples=40, deadline=None)
@given(_BODIES)
def test_a_hostile_body_is_printed_escaped(served: tuple[_Answer, LocalServer], body: str) -> None:
    answer, server = served
    answer.body = body
    (reply,) = _replies(server.url)
    assert reply.outcome.error is None, reply.line
    out = written(lambda console: print_reply(console, reply), width=80)
    assert out.count("\n") == 1, f"one line per answer: {out!r}"
    assert literal(reply.line) in out
    tally = Tally()
    tally.add(reply.outcome)
    summary = tally.summary()
    shown = printed(Histogram(summary, title=("via url",)))
    assert literal(f"? {reply.outcome.answer}") in shown
    document = json_line(dataclasses.asdict(summary))
    assert not raw_controls(document.removesuffix("\n").encode())
    assert json.loads(document)["unknown"] == [[reply.outcome.answer, 1]]
