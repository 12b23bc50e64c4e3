"""The prompt line above the table: what is typed after `:` or `/`, as it is typed.

Tab completes (view names, then contexts after `ctx `, namespaces after `ns `; Tab again cycles
through the other candidates), Up and Down walk the history of what was entered in that mode,
Enter submits and Esc cancels (both handled by the app, which owns what the text means).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Label

from k9lite.ui.keys import PROMPT_KEYS

__all__ = ["PromptBar", "PromptMode"]

PromptMode = Literal["command", "filter"]
_HISTORY = 50  # entries kept per mode
_MARKS: dict[PromptMode, str] = {"command": ":", "filter": "/"}
_PLACEHOLDERS: dict[PromptMode, str] = {
    "command": "deploy | po | svc | no | ns [NAME] | ctx [NAME]   Tab completes, Esc cancels",
    "filter": "text, or -l key=value for a label selector   Esc cancels",
}

Completer = Callable[[str], list[str]]


class _CompletionSuggester(Suggester):
    """Shows the first completion greyed after the cursor, as a shell does."""

    def __init__(self, completer: Completer) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.completer = completer

    async def get_suggestion(self, value: str) -> str | None:
        found = self.completer(value) if value else []
        return found[0] if found else None


class _PromptInput(Input):
    """The Input of the prompt: Tab completes, Up/Down recall earlier entries (the bar's)."""

    BINDINGS: ClassVar[list[BindingType]] = PROMPT_KEYS.bindings()

    def __init__(self, bar: PromptBar) -> None:
        super().__init__(id="prompt", suggester=_CompletionSuggester(bar.candidates))
        self.bar = bar

    def action_complete(self) -> None:
        self.bar.complete()

    def action_history(self, step: int) -> None:
        self.bar.recall(step)


class PromptBar(Horizontal):
    """`: svc` or `/ -l app=web`: a mark for the mode, then the text being typed."""

    class Submitted(Message):
        """Enter: the text typed in a mode."""

        def __init__(self, bar: PromptBar, mode: PromptMode, value: str) -> None:
            super().__init__()
            self.bar = bar
            self.mode = mode
            self.value = value

        @property
        def control(self) -> PromptBar:
            return self.bar

    class Completions(Message):
        """Tab found several candidates: the app says which."""

        def __init__(self, candidates: list[str]) -> None:
            super().__init__()
            self.candidates = candidates

    def __init__(self, *, completer: Completer, id: str | None = None) -> None:
        super().__init__(id=id)
        self.completer = completer
        self.mode: PromptMode = "command"
        self._history: dict[PromptMode, list[str]] = {"command": [], "filter": []}
        self._recall: int | None = None  # position in the history while walking it
        self._cycle: list[str] = []  # the candidates Tab is going through

    def compose(self) -> ComposeResult:
        yield Label(":", id="prompt-mark")
        yield _PromptInput(self)

    @property
    def input(self) -> Input:
        return self.query_one("#prompt", Input)

    def candidates(self, value: str) -> list[str]:
        """What `value` may complete to: only commands complete, never a filter."""
        return self.completer(value) if self.mode == "command" else []

    def open(self, mode: PromptMode) -> None:
        """Show the prompt for `mode`, empty and focused."""
        self.mode = mode
        self._recall = None
        self._cycle = []
        self.query_one("#prompt-mark", Label).update(_MARKS[mode])
        prompt = self.input
        prompt.value = ""
        prompt.placeholder = _PLACEHOLDERS[mode]
        # Shown and focused now, not after the next style pass: keys that arrive with the `:`
        # (a paste, a fast typist, tmux send-keys) belong to the prompt. A hidden widget
        # cannot take the focus, and a class change shows it only once styles are refreshed.
        self.display = True
        self.screen.set_focus(prompt)

    def close(self) -> None:
        self.display = False

    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        history = self._history[self.mode]
        if value and (not history or history[-1] != value):
            history.append(value)
            del history[:-_HISTORY]
        self.post_message(self.Submitted(self, self.mode, value))

    @on(Input.Changed, "#prompt")
    def _changed(self, event: Input.Changed) -> None:
        if event.value not in self._cycle:
            self._cycle = []

    def complete(self) -> None:
        """Tab: the first completion, then the next one on each Tab."""
        prompt = self.input
        if prompt.value in self._cycle:
            at = self._cycle.index(prompt.value)
            choice = self._cycle[(at + 1) % len(self._cycle)]
        else:
            self._cycle = self.candidates(prompt.value)
            if not self._cycle:
                return
            choice = self._cycle[0]
            if len(self._cycle) > 1:
                self.post_message(self.Completions(self._cycle))
        prompt.value = choice
        prompt.cursor_position = len(choice)

    def recall(self, step: int) -> None:
        """Up: the entry before; Down: the one after, then an empty line again."""
        history = self._history[self.mode]
        if not history:
            return
        at = len(history) if self._recall is None else self._recall
        at = max(0, min(len(history), at + step))
        self._recall = at
        prompt = self.input
        prompt.value = history[at] if at < len(history) else ""
        prompt.cursor_position = len(prompt.value)
