"""Push, not poll: the watch threads tell the app that the cluster state changed, and the app
redraws then, at most ten frames a second; nothing polls the state on a timer.

A `LiveApp` is told through `tell()` (any thread, cheap: one message until it is handled) and
redraws in `redraw()`, which returns the kinds that changed; panels that derive from several
kinds subscribe to `state_changed` and redraw only when their inputs are among them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from textual import on
from textual.app import App
from textual.message import Message
from textual.signal import Signal
from textual.timer import Timer
from textual.widget import Widget

__all__ = ["LiveApp", "StateChanged", "follow_state"]

_FRAME_SECONDS = 0.1  # changes are drawn at most ten times a second


class StateChanged(Message):
    """The watch threads changed the state or a kind's status (many changes, one message)."""


class LiveApp(App[None]):
    """An app redrawn when its state says it changed."""

    def __init__(self) -> None:
        super().__init__()
        self._told = threading.Event()  # a StateChanged is on its way
        self._drawn_at = 0.0
        self._frame: Timer | None = None
        self.state_changed: Signal[frozenset[str]] = Signal(self, "state-changed")
        """Published after each redraw with the kinds that changed: panels redraw then."""

    def tell(self) -> None:
        """From a watch thread: something changed."""
        if not self._told.is_set():
            self._told.set()
            self.post_message(StateChanged())

    @on(StateChanged)
    def state_told(self) -> None:
        """Redraw now, or (at most ten frames a second) when this frame's time is up."""
        if self._frame is not None:
            return  # a redraw is already due
        wait = self._drawn_at + _FRAME_SECONDS - time.monotonic()
        if wait > 0:
            self._frame = self.set_timer(wait, self._frame_due)
        else:
            self.refresh_state()

    def _frame_due(self) -> None:
        self._frame = None
        self.refresh_state()

    def refresh_state(self) -> None:
        """Draw what changed since the last time, then tell the panels which kinds it was."""
        self._told.clear()
        if not self.is_running:
            return  # shutting down: the widgets are being removed
        self._drawn_at = time.monotonic()
        changes = self.redraw()
        if changes:
            self.state_changed.publish(changes)

    def redraw(self) -> frozenset[str]:
        """Patch the screen with what changed; the kinds that changed."""
        raise NotImplementedError


def follow_state(widget: Widget, redraw: Callable[[], None]) -> None:
    """Call `redraw` after each redraw of the app that changed some kinds (while `widget` is
    mounted); it checks for itself whether its inputs were among them."""
    app = widget.app
    if isinstance(app, LiveApp):
        app.state_changed.subscribe(widget, lambda _changes: redraw())
