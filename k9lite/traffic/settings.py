"""The traffic screen's settings: what `k9lite probe` would be asked, changed a key at a time.

Each setting is checked as it is changed (one line saying what is wrong), and the whole reads as
the command that reproduces the run: `k9lite probe svc --via nodeport --node worker2 --count 100`.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from k9lite.analysis.answers import AnswerPatternError, compile_match
from k9lite.flag_checks import FlagError, probe_url
from k9lite.traffic.limits import MAX_CONCURRENCY, MAX_COUNT
from k9lite.traffic.plan import ProbeRequest
from k9lite.traffic.runner import ProbeOptions
from k9lite.traffic.vantage import Via

__all__ = ["ProbeSettings", "TypedSetting", "check_field", "cycled"]

T = TypeVar("T")

TypedSetting = Literal["count", "concurrency", "interval", "match", "host", "url"]
"""The settings the user types a value for (the others cycle through choices)."""


def cycled(values: Sequence[T], current: T) -> T:
    """The value after `current` in `values`, round; the first when `current` is not there."""
    if current not in values:
        return values[0]
    return values[(list(values).index(current) + 1) % len(values)]


@dataclass(frozen=True, slots=True)
class ProbeSettings:
    """One traffic test's settings; `node` None is every node, `port` None the first port."""

    service: str
    namespace: str
    via: Via = "proxy"
    port: str | None = None
    node: str | None = None
    count: int = 100
    concurrency: int = 1
    interval: float = 0.0
    keepalive: bool = False
    match: str | None = None
    host: str | None = None
    url: str | None = None

    def request(self) -> ProbeRequest:
        """What `plan_probe` runs; ProbeError if an option is out of range."""
        options = ProbeOptions(
            count=self.count,
            concurrency=self.concurrency,
            interval=self.interval,
            keepalive=self.keepalive,
            host=self.host,
        ).check()
        return ProbeRequest(
            self.service,
            self.via,
            options,
            port=self.port,
            node=self.node if self.via in ("nodeport", "clusterip") else None,
            url=self.url,
            match=self.match,
        )

    def command(self) -> str:
        """The `k9lite probe` command line that runs the same test."""
        words = ["k9lite", "probe", "-n", self.namespace, self.service, "--via", self.via]
        if self.port is not None:
            words += ["--port", self.port]
        if self.node is not None and self.via in ("nodeport", "clusterip"):
            words += ["--node", self.node]
        if self.via == "url":
            words += ["--url", self.url or "URL"]
        words += ["--count", str(self.count)]
        if self.concurrency != 1:
            words += ["--concurrency", str(self.concurrency)]
        if self.interval:
            words += ["--interval", f"{self.interval:g}"]
        if self.keepalive:
            words.append("--keepalive")
        if self.match:
            words += ["--match", self.match]
        if self.host:
            words += ["--host", self.host]
        return shlex.join(words)

    def with_field(self, field: TypedSetting, text: str) -> ProbeSettings:
        """These settings with `field` set from the typed `text` (checked by `check_field`)."""
        problem = check_field(field, text)
        if problem is not None:
            raise ValueError(problem)
        if field == "count":
            return replace(self, count=int(text))
        if field == "concurrency":
            return replace(self, concurrency=int(text))
        if field == "interval":
            return replace(self, interval=float(text))
        if field == "match":
            return replace(self, match=text or None)
        if field == "host":
            return replace(self, host=text or None)
        if field == "url":
            return replace(self, via="url", url=text)


_NUMBERS: dict[TypedSetting, tuple[int, int]] = {
    "count": (1, MAX_COUNT),
    "concurrency": (1, MAX_CONCURRENCY),
}


def check_field(field: TypedSetting, text: str) -> str | None:
    """What is wrong with `text` as the value of `field`, in one line; None when it will do."""
    if field in _NUMBERS:
        low, high = _NUMBERS[field]
        if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
            return f"{field}: a whole number from {low} to {high:,}"
    elif field == "interval":
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds <= 60:
            return "interval: seconds between requests, 0 to 60"
    elif field == "match" and text:
        try:
            compile_match(text)
        except AnswerPatternError as exc:
            return str(exc)
    elif field == "url":
        try:
            probe_url(text)  # the rule `k9lite probe --via url --url` applies
        except FlagError as exc:
            return str(exc)
    return None
