"""`k9lite tour`: the app, walked through a tour file step by step for an audience.

Each step says what the audience sees (the narration panel on every screen), makes its cluster
changes through the API (as kubectl apply and kubectl patch), waits until the cluster has caught
up, then opens its view, selects its Service and opens the route, the description (with the
doctor) or a traffic test. `n`/Right and `p`/Left move; going back shows the earlier step's
screen again but does not undo cluster changes. Esc leaves the tour; the cluster stays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import work
from textual.binding import BindingType
from textual.reactive import reactive

from k9lite.analysis.settled import settled
from k9lite.kube.apply import Written, apply_manifests, merge_patch
from k9lite.tours.script import Step, Tour
from k9lite.ui.app import K9liteApp
from k9lite.ui.keymap import Key, Keymap
from k9lite.ui.navigator import AppOptions
from k9lite.ui.screens.traffic import TrafficScreen
from k9lite.ui.session import Session
from k9lite.ui.widgets.doctor_panel import DoctorPanel
from k9lite.ui.widgets.narration import Narration

__all__ = ["TOUR_KEYS", "TourApp"]

# How long a step waits for the cluster (pods to start, endpoints to follow) before saying so.
_STEP_TIMEOUT = 20.0
_POLL_SECONDS = 0.05

# Priority: during a tour n and p are the tour's, on every screen (the narration panel shows
# them; the footer keeps its room for the screen's own keys).
TOUR_KEYS = Keymap(
    (
        Key(
            "n,right",
            "tour_next",
            "Next step",
            "the next step",
            footer=False,
            word="next",
            priority=True,
        ),
        Key(
            "p,left",
            "tour_back",
            "Previous step",
            "the step before (cluster changes are not undone)",
            footer=False,
            word="back",
            priority=True,
        ),
        Key(
            "escape",
            "tour_leave",
            "Leave the tour",
            "leave the tour; the cluster stays",
            footer=False,
            priority=True,
        ),
    )
)


class TourApp(K9liteApp):
    """K9liteApp with a tour: its keys win over the screens' only while the tour runs."""

    BINDINGS: ClassVar[list[BindingType]] = TOUR_KEYS.bindings()

    narration: reactive[Narration] = reactive(Narration)
    """What every screen's narration panel shows; empty once the tour is left."""

    def __init__(
        self,
        options: AppOptions,
        tour: Tour,
        *,
        start: int = 0,
        start_probes: bool = True,
        session: Session | None = None,
    ) -> None:
        super().__init__(options, session=session)
        self.tour = tour
        self.touring = True
        self.step_index = start
        """The step on screen (0-based)."""
        self.step_ready = False
        """The step's screen is up (its cluster changes made and seen)."""
        self.start_probes = start_probes
        """False: a probe step opens the traffic test without starting it (snapshots: the
        answers are live data)."""
        self._changed_through = -1
        self._changes: dict[int, asyncio.Future[list[Written]]] = {}

    def on_ready(self) -> None:
        self.go_to_step(self.step_index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action.startswith("tour_"):
            return self.touring  # once left, the keys reach the screens again
        return super().check_action(action, parameters)

    def action_tour_next(self) -> None:
        if self.step_index + 1 < len(self.tour.steps):
            self.go_to_step(self.step_index + 1)
        else:
            self.show_message("the last step: Esc leaves the tour, the cluster stays")

    def action_tour_back(self) -> None:
        if self.step_index > 0:
            self.go_to_step(self.step_index - 1)

    def action_tour_leave(self) -> None:
        self.touring = False
        self.workers.cancel_group(self, "tour")
        self.narration = Narration()
        self.show_message("tour left: the cluster is yours (? for the keys)")

    # -- one step -------------------------------------------------------------------------------

    def go_to_step(self, index: int) -> None:
        """Narrate step `index` at once (keys pressed quickly count every press), then act."""
        self.step_index = index
        self.step_ready = False
        step = self.tour.steps[index]
        self.narration = Narration(
            step.title, step.say, index + 1, len(self.tour.steps), TOUR_KEYS.summary()
        )
        self.show_step(index)

    @work(exclusive=True, group="tour", exit_on_error=False)
    async def show_step(self, index: int) -> None:
        """Make the cluster changes not made yet, then show step `index`'s screen."""
        step = self.tour.steps[index]
        # Forward (or a tour started at a later step): every earlier change first, in order.
        # Back: nothing is undone.
        while self._changed_through < index:
            following = self.tour.steps[self._changed_through + 1]
            if following.changes_cluster:
                written = await self._changes_of(self._changed_through + 1)
                changes = following.applied or f"the patch of {following.title!r}"
                if not await self._until(partial(self._seen, written), f"{changes} to settle"):
                    return
            self._changed_through += 1
        if step.select and not await self._until(
            lambda: self.feed.state.get("services", self.namespace, step.select) is not None,
            f"service {step.select}",
        ):
            return
        await self._show(step)
        self.step_ready = True

    async def _changes_of(self, index: int) -> list[Written]:
        """Step `index`'s cluster changes, made once: a key pressed while they are written
        cancels this worker, not the writing, and the next worker awaits the same writing
        (writing it again would answer "already exists")."""
        change = self._changes.get(index)
        if change is None:
            change = asyncio.ensure_future(asyncio.to_thread(self._change, self.tour.steps[index]))
            self._changes[index] = change
        try:
            return await asyncio.shield(change)
        except Exception:
            del self._changes[index]  # refused: the next visit tries again
            raise

    def _change(self, step: Step) -> list[Written]:
        """The step's cluster changes (a worker thread: these are blocking API calls)."""
        written = apply_manifests(self.connection, step.apply)
        if step.patch is not None:
            patch = step.patch
            written.append(
                merge_patch(self.connection, patch.kind, self.namespace, patch.name, patch.body)
            )
        return written

    def _seen(self, written: list[Written]) -> bool:
        """The feed shows every written object at (or past) its version, and has settled."""
        state = self.feed.state
        for one in written:
            obj = state.get(one.kind, one.namespace, one.name)
            if obj is None or not _at_least(obj.meta.resource_version, one.resource_version):
                return False
        return settled(state)

    async def _until(self, condition: Callable[[], bool], what: str) -> bool:
        """Wait (bounded) for the cluster; False, and an error line, when it does not come."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _STEP_TIMEOUT
        while not condition():
            if loop.time() >= deadline:
                self.show_error(
                    f"tour: waited {_STEP_TIMEOUT:.0f}s for {what}; the next step tries again"
                )
                return False
            await asyncio.sleep(_POLL_SECONDS)
        return True

    async def _show(self, step: Step) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if step.view:
            self.run_command(f":{step.view}")
        if step.select:
            self.browser.refresh_rows(self.feed.state, self.options.clock())
            self.browser.table.move_cursor(key=f"{self.namespace}/{step.select}")
        if step.open is None:
            return
        opening = {
            "describe": self.action_describe,
            "route": self.action_route,
            "traffic": self.action_traffic,
        }
        opening[step.open]()
        opened = self.screen
        if not await self._until(lambda: opened.is_mounted, f"the {step.open} to open"):
            return
        if step.open == "describe":
            # The doctor's findings end the description: in view, the audience reads them.
            doctor = opened.query_one(DoctorPanel)
            opened.call_after_refresh(doctor.scroll_visible, top=True, animate=False)
        if isinstance(opened, TrafficScreen) and step.probe:
            opened.set_via(step.probe)
            if self.start_probes:
                opened.action_start()


def _at_least(version: str, wanted: str) -> bool:
    """resourceVersions are opaque to clients; the demo's (and etcd's) are growing integers."""
    if version.isdigit() and wanted.isdigit():
        return int(version) >= int(wanted)
    return version == wanted
