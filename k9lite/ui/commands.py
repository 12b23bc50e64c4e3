"""What a `:` command means, and how a half-typed one completes: plain data, no widgets.

k9s's vocabulary: `:po`, `:svc`, `:deploy`, `:no`, `:ns` open a view, and so does any resource
the server lists (`:cm`, `:jobs`, a custom resource's plural); `:ns NAME` switches the
namespace; `:ctx` picks a context and `:ctx NAME` switches to it; `:pf` lists the port-forwards
(the app handles it, ui/forwards.py); `:q` quits.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeAlias

from k9lite.kinds.base import Kind
from k9lite.kinds.registry import lookup, word_list
from k9lite.model.resources import Resource

__all__ = [
    "Command",
    "OpenView",
    "Quit",
    "SwitchContext",
    "SwitchNamespace",
    "Unknown",
    "completions",
    "parse_command",
]

_CONTEXT_WORDS = ("ctx", "context", "contexts")
_QUIT_WORDS = ("q", "quit", "q!")
_NAMESPACE_WORDS = ("ns", "namespace", "namespaces")


def _first_words(discovered: Iterable[Resource]) -> list[str]:
    """What Tab offers for the first word, in this order: each kind's short name first."""
    return [*word_list(discovered), *_CONTEXT_WORDS, "pf", "quit"]


@dataclass(frozen=True, slots=True)
class OpenView:
    """Show another kind (`:po`, `:svc`, `:cm`)."""

    kind: Kind


@dataclass(frozen=True, slots=True)
class SwitchNamespace:
    """Watch and show another namespace (`:ns kube-system`)."""

    namespace: str


@dataclass(frozen=True, slots=True)
class SwitchContext:
    """Another kubeconfig context (`:ctx kind-dev`); an empty name asks which."""

    context: str


@dataclass(frozen=True, slots=True)
class Quit:
    """`:q`."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A command that names no view, with the valid names nearest to its first word."""

    word: str
    nearest: tuple[str, ...]

    def message(self) -> str:
        if self.nearest:
            return f"unknown command {self.word!r}: did you mean {', '.join(self.nearest)}?"
        return f"unknown command {self.word!r}: try deploy, po, svc, no, ns, ctx or q"


Command: TypeAlias = "OpenView | SwitchNamespace | SwitchContext | Quit | Unknown | None"


def parse_command(text: str, discovered: Iterable[Resource] = ()) -> Command:
    """The command typed after `:`, kinds looked up in the registry then among the
    `discovered` resources; None when nothing was typed."""
    words = text.strip().lstrip(":").split()
    if not words:
        return None
    first, rest = words[0].lower(), words[1:]
    if first in _QUIT_WORDS:
        return Quit()
    if first in _CONTEXT_WORDS:
        return SwitchContext(rest[0] if rest else "")
    if first in _NAMESPACE_WORDS and rest:
        return SwitchNamespace(rest[0])
    kind = lookup(first, discovered)
    if kind is not None:
        return OpenView(kind)
    nearest = difflib.get_close_matches(first, _first_words(discovered), n=3, cutoff=0.5)
    return Unknown(text.strip().lstrip(":"), tuple(nearest))


def completions(
    text: str,
    *,
    contexts: Callable[[], Iterable[str]],
    namespaces: Callable[[], Iterable[str]],
    discovered: Iterable[Resource] = (),
) -> list[str]:
    """Whole command lines that complete `text`: view names and aliases first, then, after
    `ctx ` or `ns `, the kubeconfig's contexts or the cluster's namespaces (each read only when
    that word is being completed: Tab's suggestion is asked for at every keystroke)."""
    if " " not in text.lstrip():
        word = text.strip().lower()
        return [w for w in _first_words(discovered) if w.startswith(word) and w != word]
    first, _, partial = text.lstrip().partition(" ")
    partial = partial.lstrip()
    if first.lower() in _CONTEXT_WORDS:
        names = contexts()
    elif first.lower() in _NAMESPACE_WORDS:
        names = namespaces()
    else:
        return []
    return [f"{first} {name}" for name in sorted(names) if name.startswith(partial)]
