"""`l`: a pod's log, or the merged logs of a Deployment's or a Service's pods, live.

`kubectl logs -f` for one pod; for several, `kubectl logs -f -l ... --prefix` that also follows
the pods as they come and go (the app's state says which pods the selector picks now), so that
during a traffic test the access lines say which pod answered. One stream per pod, read on its
own thread (kube/logs.py); the lines reach the screen as one message per batch, and the screen
keeps the last `LINE_CAP` of them. Closing the screen cuts every stream.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, RichLog, Static

from k9lite.kube.config import Connection
from k9lite.kube.logs import LogOpener, LogRequest, PodLogs
from k9lite.model.pods import ContainerRunning, ContainerTerminated, Pod
from k9lite.model.state import ClusterState
from k9lite.render.literal import literal
from k9lite.render.logs import LINE_CAP, LogBuffer, LogLine, log_text, short_names, split_stamp
from k9lite.ui.keymap import Key, Keymap
from k9lite.ui.live import follow_state
from k9lite.ui.screens.ask import AskScreen
from k9lite.ui.screens.pick import PickScreen
from k9lite.ui.widgets.message_line import MessageLine

__all__ = ["LOGS_KEYS", "LogTarget", "LogsScreen"]

TAIL_LINES = 200
"""Lines each pod's log starts with (`kubectl logs --tail`); a pod joining later: all of it."""
_DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"

LOGS_KEYS = Keymap(
    (
        Key(
            "f", "toggle_follow", "Pause/Follow", "pause the view (lines are kept), or follow again"
        ),
        Key("t", "toggle_timestamps", "Time", "timestamps on or off"),
        Key("w", "toggle_wrap", "Wrap", "wrap long lines, or cut them"),
        Key("slash", "search", "Search", "only the lines containing a text, highlighted (asks)"),
        Key("c", "pick_container", "Container", "the container whose log shows (when several)"),
        Key("p", "toggle_previous", "Previous", "the previous container's log (after a restart)"),
        Key("escape,q", "back", "Back", "stop the streams, and back"),
    )
)


@dataclass(frozen=True, slots=True)
class LogTarget:
    """Whose logs: a pod, or the pods a Deployment's or a Service's selector picks now."""

    kind: str
    """`pods`, `deployments` or `services`: the kinds whose Action.LOGS the registry states."""
    namespace: str
    name: str

    @property
    def title(self) -> str:
        return f"logs {self.kind.removesuffix('s')}/{self.name}"

    def pods(self, state: ClusterState) -> list[Pod] | None:
        """The pods whose logs show now; None when the object itself is gone."""
        if self.kind == "pods":
            pod = state.get("pods", self.namespace, self.name)
            return None if pod is None else [pod]
        if self.kind == "services":
            service = state.get("services", self.namespace, self.name)
            return None if service is None else state.pods_selected_by(service)
        deployment = state.get("deployments", self.namespace, self.name)
        if deployment is None:
            return None
        return state.pods_matching(self.namespace, deployment.selector)


class LogsScreen(ModalScreen[None]):
    """Pods' logs, merged and prefixed when several; the streams end with the screen."""

    BINDINGS: ClassVar[list[BindingType]] = LOGS_KEYS.bindings()

    class LinesArrived(Message):
        """The streams read something (many lines, one message until it is handled)."""

    def __init__(
        self,
        *,
        connection: Connection,
        target: LogTarget,
        source: Callable[[], ClusterState],
        opener: LogOpener = PodLogs,
    ) -> None:
        super().__init__()
        self.target = target
        self.source = source
        self.buffer = LogBuffer()
        self.following = True
        self.timestamps = False
        self.wrap = False
        self.search = ""
        self.container: str | None = None
        self.previous = False
        self.unseen = 0
        """Lines that arrived while paused."""
        self.logs = opener(connection, self)
        self._arrived: deque[LogLine] = deque(maxlen=LINE_CAP)
        self._arrived_lock = threading.Lock()
        self._overflow = 0
        self._ending: set[str] = set()  # pods whose stream's end is told but not yet read
        self._told = threading.Event()
        self._pods: dict[str, Pod] = {}  # the target's pods, as last seen
        self._ended: dict[str, int] = {}  # pods whose stream ended: their restarts then
        self._seen: set[str] = set()
        self._gone = False

    def compose(self) -> ComposeResult:
        with Vertical(id="logs-frame") as frame:
            frame.border_title = Text(literal(self.target.title))
            yield Static(id="logs-status", markup=False)
            yield RichLog(max_lines=LINE_CAP, wrap=self.wrap, id="logs-lines")
        yield MessageLine()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RichLog).focus()
        self._sync_pods(tail=True)
        self._show_status()
        follow_state(self, self._sync_pods)

    def on_unmount(self) -> None:
        self.logs.close()

    # -- from the stream threads ----------------------------------------------------------------

    def line(self, pod: str, text: str) -> None:
        stamp, body = split_stamp(text)
        self._arrive(LogLine(pod, body, stamp))

    def ended(self, pod: str, problem: str | None) -> None:
        said = f"✗ {problem}" if problem else "— log ended"
        self._arrive(LogLine(pod, said, note=True), ended=True)

    def _arrive(self, line: LogLine, *, ended: bool = False) -> None:
        with self._arrived_lock:
            if ended:
                self._ending.add(line.pod)
            if len(self._arrived) == LINE_CAP:
                self._overflow += 1  # more than the view keeps arrived between two draws
            self._arrived.append(line)
        if not self._told.is_set():
            self._told.set()
            self.post_message(self.LinesArrived())

    # -- the pods followed ----------------------------------------------------------------------

    def _sync_pods(self, *, tail: bool = False) -> None:
        """Open the streams of pods that came (or restarted), stop those of pods that left."""
        pods = self.target.pods(self.source())
        if pods is None:
            if not self._gone:
                self._gone = True
                self._note(self.target.name, f"— {self.target.kind.removesuffix('s')} is gone")
            pods = []
        now = {pod.meta.name: pod for pod in pods}
        for name in self._pods.keys() - now.keys():
            self.logs.stop(name)
            self._ended.pop(name, None)
            if self.target.kind != "pods":
                self._note(name, "← left")
        for name, pod in now.items():
            if name not in self._pods and not tail and self.target.kind != "pods":
                self._note(name, "→ joined")
            self._open(pod, tail=tail)
        self._pods = now
        self._show_status()

    def _open(self, pod: Pod, *, tail: bool) -> None:
        name = pod.meta.name
        container = self._container_of(pod)
        restarts = _restarts(pod, container)
        ended = self._ended.get(name)
        with self._arrived_lock:
            ending = name in self._ending
        if ending or name in self.logs.pods() or (ended is not None and ended == restarts):
            return  # read now, or read to its end and not restarted since
        if not _started(pod, container, previous=self.previous):
            return  # its stream opens when the state says the container started
        self._ended.pop(name, None)
        self._seen.add(name)
        request = LogRequest(
            pod.meta.namespace,
            name,
            container,
            tail_lines=TAIL_LINES if tail or ended is not None else None,
            previous=self.previous,
        )
        self.logs.open(request)

    def _container_of(self, pod: Pod) -> str | None:
        """The container picked with `c` if the pod has it, else kubectl's default one."""
        names = [c.name for c in pod.containers]
        if self.container in names:
            return self.container
        default = pod.meta.annotations.get(_DEFAULT_CONTAINER)
        if default in names:
            return default
        return names[0] if names else None

    def _reopen(self) -> None:
        """Read every pod's log again from its tail (another container, or previous)."""
        for name in self.logs.pods():
            self.logs.stop(name)
        with self._arrived_lock:
            self._arrived.clear()  # what the streams stopped had read: the old container's
            self._ending.clear()
        self._ended.clear()
        self.buffer.clear()
        self._pods = {}
        self._sync_pods(tail=True)
        self._redraw()

    # -- drawing --------------------------------------------------------------------------------

    @on(LinesArrived)
    def lines_arrived(self) -> None:
        self._told.clear()
        with self._arrived_lock:
            arrived = list(self._arrived)
            self._arrived.clear()
            overflow, self._overflow = self._overflow, 0
            ending, self._ending = self._ending, set()
        self.buffer.dropped += overflow
        for name in ending:
            pod = self._pods.get(name)
            if pod is not None:
                self._ended[name] = _restarts(pod, self._container_of(pod))
        for line in arrived:
            self._seen.add(line.pod)
            self._add(line)
        self._show_status()

    def _note(self, pod: str, text: str) -> None:
        self._seen.add(pod)
        self._add(LogLine(pod, text, note=True))

    def _add(self, line: LogLine) -> None:
        self.buffer.add(line)
        if not self.following:
            self.unseen += 1
            return
        shown = self._text(line, short_names(self._seen))
        if shown is not None:
            self.query_one(RichLog).write(shown)

    def _text(self, line: LogLine, shorts: dict[str, str]) -> Text | None:
        merged = self.target.kind != "pods"
        prefix = shorts.get(line.pod, line.pod) if merged else ""
        width = max(map(len, shorts.values()), default=0) if merged else 0
        return log_text(
            line, prefix=prefix, width=width, timestamps=self.timestamps, search=self.search
        )

    def _redraw(self) -> None:
        """Every kept line again (paused: those shown when it paused): after a change of
        timestamps, wrap, search or follow."""
        log = self.query_one(RichLog)
        log.clear()
        log.wrap = self.wrap
        shorts = short_names(self._seen)
        kept = list(self.buffer)
        for line in kept[: len(kept) - min(self.unseen, len(kept))]:
            shown = self._text(line, shorts)
            if shown is not None:
                log.write(shown)
        self._show_status()

    def _show_status(self) -> None:
        """Following or paused, the lines kept (and dropped), the pods followed, the options."""
        if self.following:
            parts = ["● following"]
        else:
            parts = [f"‖ paused ({self.unseen:,} new)" if self.unseen else "‖ paused"]
        parts.append(f"{len(self.buffer):,} lines")
        if self.buffer.dropped:
            parts.append(f"{self.buffer.dropped:,} oldest dropped (cap {LINE_CAP:,})")
        read = len(self.logs.pods())
        parts.append(f"{read} pod{'' if read == 1 else 's'} followed")
        waiting = len(self._pods.keys() - self.logs.pods() - self._ended.keys())
        if waiting:
            parts.append(f"{waiting} starting")
        if self.container:
            parts.append(f"container {self.container}")
        if self.previous:
            parts.append("previous")
        if self.search:
            parts.append(f"/{self.search}")
        self.query_one("#logs-status", Static).update(literal("  ·  ".join(parts)))

    # -- keys -----------------------------------------------------------------------------------

    def action_toggle_follow(self) -> None:
        self.following = not self.following
        if self.following:
            self.unseen = 0
            self._redraw()
            self.query_one(RichLog).scroll_end(animate=False)
        self._show_status()

    def action_toggle_timestamps(self) -> None:
        self.timestamps = not self.timestamps
        self._redraw()

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap
        self._redraw()

    def action_search(self) -> None:
        def answered(text: str | None) -> None:
            if text is not None:
                self.search = text
                self._redraw()

        question = "Show the lines containing (empty: every line):"
        self.app.push_screen(AskScreen(question, self.search, lambda _text: None), answered)

    def action_pick_container(self) -> None:
        names = list(dict.fromkeys(c.name for pod in self._pods.values() for c in pod.containers))
        if len(names) < 2:
            self._say(f"one container only: {names[0]}" if names else "no container yet")
            return

        def picked(name: str | None) -> None:
            if name is not None and name != self.container:
                self.container = name
                self._reopen()

        first = next(iter(self._pods.values()))
        current = self.container or self._container_of(first) or ""
        self.app.push_screen(PickScreen("Container", names, current=current), picked)

    def action_toggle_previous(self) -> None:
        self.previous = not self.previous
        self._reopen()

    def action_back(self) -> None:
        self.dismiss()

    def _say(self, text: str) -> None:
        show = getattr(self.app, "show_message", None)
        if show is not None:
            show(text, level="warning")


def _restarts(pod: Pod, container: str | None) -> int:
    return sum(s.restart_count for s in pod.container_statuses if s.name == container)


def _started(pod: Pod, container: str | None, *, previous: bool) -> bool:
    """Whether the kubelet has a log for it yet: the container ran. A previous run is asked
    for at once: if there is none, the server's answer says so."""
    if previous:
        return True
    for status in pod.container_statuses:
        if status.name == container:
            return isinstance(status.state, ContainerRunning | ContainerTerminated)
    return False
