"""Keys declared once: a screen's bindings, its footer, its key line, the help screen, the
command palette and README's key tables are all derived from one `Key` per key.

Textual reads a screen's keys from its BINDINGS; a `Keymap` makes them, so what the footer
shows, what `?` explains and what ctrl+p offers cannot drift from what the keys do.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType

__all__ = [
    "HelpSection",
    "Key",
    "Keymap",
    "PaletteEntry",
    "TypedCommand",
    "help_text",
    "markdown_table",
]

# How a Textual key name is written for people (the rest are written as Textual names them:
# `d`, `ctrl+d`, `K`).
_NAMES = {
    ":": ":",
    "/": "/",
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
}
_HELP_WIDTH = 74
"""The help screen's text width inside its frame at 80 columns."""


def _key_name(key: str) -> str:
    """A Textual key name as people write it: `question_mark` is `?`, `escape` is `Esc`."""
    return _NAMES.get(key, key)


@dataclass(frozen=True, slots=True)
class Key:
    """One key of a screen: the action it runs, and how the footer, help and palette name it."""

    keys: str
    """Textual key names, comma-separated: `escape,q` (the first one is the one shown)."""
    action: str
    label: str
    """The footer's word for it (also Textual's description of the binding)."""
    help: str
    """What it does, one line: the help screen, README, the palette's description."""
    footer: bool = True
    palette: str = ""
    """Its title in the command palette; empty: not in the palette."""
    word: str = ""
    """Its word in a one-line key summary (`Esc back`); empty: the label in lower case."""
    priority: bool = False
    """Checked before the focused widget's keys (Textual's priority bindings)."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.strip() for key in self.keys.split(","))

    @property
    def written(self) -> tuple[str, ...]:
        """Every key that runs it, as people write them: `("↑", "k")`."""
        return tuple(_key_name(key) for key in self.names)

    @property
    def said(self) -> str:
        """The key and its word, as a one-line key summary shows it: `Space start/stop`."""
        return f"{self.written[0]} {self.word or self.label.lower()}"

    def palette_entry(self) -> PaletteEntry:
        return PaletteEntry(
            self.palette, f"{' '.join(self.written)}: {self.help}", action=self.action
        )

    def binding(self) -> Binding:
        first = self.names[0]
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.footer,
            # Textual writes the rest itself (`^d`); these it would spell out (`question_mark`).
            key_display=_NAMES.get(first),
            priority=self.priority,
            tooltip=self.help,
        )


@dataclass(frozen=True, slots=True)
class TypedCommand:
    """A command typed after `:` (`:ctx [NAME]`); from the palette it runs `runs`."""

    words: tuple[str, ...]
    """As written in the help: `(":ctx [NAME]",)`, or the views' `(":deploy", ":po", ...)`."""
    help: str
    palette: str = ""
    """Its title in the command palette; empty: not in the palette."""
    runs: str = ""
    """What the palette types after `:` for it."""

    def palette_entry(self) -> PaletteEntry:
        return PaletteEntry(self.palette, f"{self.words[0]}: {self.help}", command=self.runs)


@dataclass(frozen=True, slots=True)
class PaletteEntry:
    """One line of the command palette: a key's action, or a command as if typed after `:`."""

    title: str
    help: str
    action: str = ""
    command: str = ""


@dataclass(frozen=True, slots=True)
class Keymap:
    """A screen's (or a widget's) keys, in the order its footer shows them."""

    keys: tuple[Key, ...]

    def bindings(self) -> list[BindingType]:
        """The BINDINGS of the screen or widget that owns these keys."""
        return [key.binding() for key in self.keys]

    def summary(self) -> str:
        """The keys on one line, each with its word: `Space start/stop  r again  Esc back`."""
        return "  ".join(key.said for key in self.keys)

    def palette(self) -> list[PaletteEntry]:
        """The palette entries of the keys that have one, in this order."""
        return [key.palette_entry() for key in self.keys if key.palette]


@dataclass(frozen=True, slots=True)
class HelpSection:
    """A titled block of the help screen: (keys, what they do) lines."""

    title: str
    lines: tuple[tuple[tuple[str, ...], str], ...]
    """(the keys or commands, what they do)"""

    @classmethod
    def of(
        cls,
        title: str,
        keys: Iterable[Key | TypedCommand],
        notes: Iterable[tuple[tuple[str, ...], str]] = (),
    ) -> HelpSection:
        """The keys' lines, then `notes`: what marks on the screen mean, in the same layout."""
        return cls(title, (*(_help_line(key) for key in keys), *notes))


def _help_line(key: Key | TypedCommand) -> tuple[tuple[str, ...], str]:
    return (key.written if isinstance(key, Key) else key.words), key.help


def help_text(sections: Sequence[HelpSection], width: int = _HELP_WIDTH) -> str:
    """The sections one after the other, every description starting in the same column and
    wrapped under itself, so that the help reads at 80x24."""
    column = max(len(" ".join(keys)) for section in sections for keys, _ in section.lines) + 4
    lines: list[str] = []
    for section in sections:
        lines += ["", section.title] if lines else [section.title]
        for keys, text in section.lines:
            wrapped = textwrap.wrap(text, width - column) or [""]
            lines.append(f"  {' '.join(keys):<{column - 4}}  {wrapped[0]}")
            lines += [" " * column + more for more in wrapped[1:]]
    return "\n".join(lines) + "\n"


def markdown_table(heading: str, sections: Sequence[HelpSection]) -> str:
    """README's table of keys (each in backticks) and what they do; with several sections,
    each starts with its title in italics."""
    rows = [f"| key | {heading} |", "| --- | --- |"]
    for section in sections:
        if len(sections) > 1:
            rows.append(f"| *{section.title}* | |")
        rows += [f"| {' '.join(f'`{k}`' for k in keys)} | {text} |" for keys, text in section.lines]
    return "\n".join(rows)
