"""A route as text: stages top to bottom, one lane per Service port, for the TUI and the CLI.

    ── port 8080/TCP → targetPort 80 ──────────────────────
      ◆ a client outside the cluster
      ▼
    ┌ NodePort 30080 on every node
    │ kube-proxy on every node · from the nodes' network
    │ ✓ 172.30.1.25:30080   master
    ...

Readable without colour: every hop starts with a mark (✓ carries traffic, ○ receives nothing,
… waits, ✗ broken or dropping) and says why in words. Long stages collapse to their first hops
(problems kept in view) and "… and 17 more". Columns are cut with an ellipsis, never wrapped, so
the diagram keeps its shape at 80 columns. Names, addresses and notes come from the cluster:
each is drawn as one line of literal text (`render.literal`), never markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from k9lite.analysis.route_types import (
    Health,
    HopId,
    Route,
    RouteHop,
    RouteLane,
    RouteStage,
    StageKind,
)
from k9lite.render.literal import literal

__all__ = ["MARKS", "RouteDiagram", "RouteStyles"]

MARKS: dict[Health, str] = {
    "ok": "✓",
    "idle": "○",
    "pending": "…",
    "unknown": "?",
    "broken": "✗",
    "drops": "✗",
}
_HEALTH_WORDS: dict[Health, str] = {
    "ok": "ready",
    "idle": "not ready",
    "pending": "pending",
    "unknown": "unknown",
    "broken": "broken",
    "drops": "dropping",
}

_STAGE_WORDS: dict[StageKind, str] = {
    "ingress": "Ingress",
    "load-balancer": "load balancer",
    "external-ip": "external IPs",
    "node-port": "NodePorts",
    "cluster-ip": "ClusterIP",
    "dns": "DNS name",
    "endpoints": "endpoints",
}


@dataclass(frozen=True, slots=True)
class RouteStyles:
    """Rich styles of the diagram; the TUI passes its theme's colours."""

    ok: str = "green"
    idle: str = "dim"
    pending: str = "yellow"
    broken: str = "bold red"
    drops: str = "red"
    title: str = "bold"
    detail: str = "dim"
    address: str = "bold"
    entry: str = "cyan"

    def health(self, health: Health) -> str:
        style: str = getattr(self, health)
        return style


@dataclass(frozen=True, slots=True)
class RouteDiagram:
    """A Rich renderable of a `Route`; at most `max_hops` hops a stage before collapsing."""

    route: Route
    max_hops: int = 8
    styles: RouteStyles = RouteStyles()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._header()
        for lane in self.route.lanes:
            yield Text()
            yield from self._lane(lane, options.max_width)

    def _header(self) -> Text:
        route, styles = self.route, self.styles
        text = Text.assemble(
            ("Service ", styles.detail),
            (literal(f"{route.namespace}/{route.name}"), styles.title),
            ("  ", ""),
            (literal(route.kind), styles.title),
        )
        if route.selector:
            text.append(f"\nselector {literal(route.selector)}", styles.detail)
        for note in route.notes:
            text.append(f"\n! {literal(note)}", styles.pending)
        return text

    def _lane(self, lane: RouteLane, width: int) -> Iterable[RenderableType]:
        title = Text(literal(lane.title), style=self.styles.title)
        yield Rule(title, align="left", characters="─", style=self.styles.detail)
        previous: RouteStage | None = None
        for stage in lane.stages:
            yield from self._arrival(previous, stage, lane)
            yield self._stage(stage, lane, width)
            previous = stage

    def _arrival(
        self, previous: RouteStage | None, stage: RouteStage, lane: RouteLane
    ) -> Iterable[Text]:
        """The entries of `stage`, and how the previous stage leads into it."""
        styles = self.styles
        flows = previous is None
        if previous is not None:
            keys = {hop.key for hop in stage.hops}
            flows = any(hop.targets is None or keys & set(hop.targets) for hop in previous.hops)
            if not flows:
                yield Text(f"  ╎ {self._skips_to(previous, lane)}", styles.detail)
        for entry in stage.entries:
            yield Text.assemble("  ◆ ", (literal(entry), styles.entry))
        if flows or stage.entries:
            yield Text("  ▼")

    def _skips_to(self, stage: RouteStage, lane: RouteLane) -> str:
        """Where the hops of a stage that does not flow into the next one lead instead."""
        targets = {key for hop in stage.hops for key in hop.targets or ()}
        kinds = [s.kind for s in lane.stages if targets & {hop.key for hop in s.hops}]
        if not kinds:
            return "leads nowhere"
        return "straight to the " + " and ".join(_STAGE_WORDS[kind] for kind in kinds) + " below"

    def _stage(self, stage: RouteStage, lane: RouteLane, width: int) -> Group:
        styles = self.styles
        lines: list[RenderableType] = [
            Text.assemble(
                "┌ ", (literal(stage.title), styles.title), no_wrap=True, overflow="ellipsis"
            ),
            Text.assemble(
                "│ ",
                (literal(f"{stage.actor} · {stage.reach}"), styles.detail),
                no_wrap=True,
                overflow="ellipsis",
            ),
        ]
        shown, hidden = _collapse(stage.hops, self.max_hops)
        if shown:
            lines.append(self._hops(shown, lane, width))
        if hidden:
            counts = Counter(hop.health for hop in hidden)
            parts = ", ".join(f"{n} {_HEALTH_WORDS[h]}" for h, n in sorted(counts.items()))
            lines.append(Text(f"│ … and {len(hidden)} more ({parts})", styles.detail))
        end = Text.assemble(
            "└ ", (literal(stage.note), styles.detail), no_wrap=True, overflow="ellipsis"
        )
        lines.append(end)
        return Group(*lines)

    def _hops(self, hops: list[RouteHop], lane: RouteLane, width: int) -> Table:
        """One row a hop: mark, address, whose, where, and what it says; empty columns left out."""
        styles = self.styles
        addresses = {hop.key: hop.address for stage in lane.stages for hop in stage.hops}
        rows = []
        for hop in hops:
            health = styles.health(hop.health)
            dimmed = Style.parse(styles.idle) if hop.health == "idle" else Style()
            rows.append(
                (
                    Text.assemble(
                        "│ ",
                        (MARKS[hop.health], health),
                        " ",
                        (literal(hop.address), Style.parse(styles.address) + dimmed),
                    ),
                    Text(literal(hop.name), dimmed),
                    Text(literal(hop.where), dimmed),
                    Text(
                        literal(_says(hop, addresses)),
                        health if hop.health != "ok" else styles.detail,
                    ),
                )
            )
        shown = [0] + [c for c in (1, 2, 3) if any(row[c].plain for row in rows)]
        naturals = [max(row[c].cell_len for row in rows) for c in shown]
        table = Table.grid(padding=(0, 2))
        floors = [_FLOORS[c] for c in shown]
        for allowed in _fit(naturals, floors, width - 2 * (len(shown) - 1)):
            table.add_column(no_wrap=True, overflow="ellipsis", width=allowed)
        for row in rows:
            table.add_row(*(row[c] for c in shown))
        return table


# The least each column keeps before the ones after it get any room: the address whole (up to
# 34 cells), a pod name readable, a node name, a note's first words.
_FLOORS = (34, 16, 8, 12)


def _fit(naturals: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths within `room`: each its floor first, then the rest left to right.

    Addresses are what the diagram is for, then whose they are, where, and the notes: on a
    narrow terminal the notes give way first, never the addresses.
    """
    floors = [min(n, f) for n, f in zip(naturals, floors, strict=True)]
    # Too narrow even for the floors: the last columns give up their room first.
    deficit = sum(floors) - room
    for index in range(len(floors) - 1, 0, -1):
        cut = min(max(deficit, 0), floors[index] - 1)
        floors[index] -= cut
        deficit -= cut
    widths = []
    left = room - sum(floors)
    for natural, floor in zip(naturals, floors, strict=True):
        extra = max(0, min(natural - floor, left))
        left -= extra
        widths.append(floor + extra)
    return widths


def _says(hop: RouteHop, addresses: dict[HopId, str]) -> str:
    """The note of a hop, or the addresses it leads to when it names them."""
    if hop.targets and not hop.note:
        shown = [addresses[key] for key in hop.targets if key in addresses]
        return "→ " + ", ".join(shown)
    return hop.note


def _collapse(hops: tuple[RouteHop, ...], limit: int) -> tuple[list[RouteHop], list[RouteHop]]:
    """At most `limit` hops in their order, the rest hidden; every kind of health stays in view.

    One hop of each health first, then the rarer healths before the common ones: among 200
    nodes under externalTrafficPolicy Local, the two that lead to a pod; among 20 endpoints,
    the one that is not ready.
    """
    if len(hops) <= limit:
        return list(hops), []
    keep = limit - 1  # one line says what was left out
    groups: dict[Health, list[RouteHop]] = {}
    for hop in hops:
        groups.setdefault(hop.health, []).append(hop)
    ranked = sorted(groups.values(), key=len)
    chosen = [group[0].key for group in ranked]
    chosen += [hop.key for group in ranked for hop in group[1:]]
    kept = set(chosen[:keep])
    return [hop for hop in hops if hop.key in kept], [hop for hop in hops if hop.key not in kept]
