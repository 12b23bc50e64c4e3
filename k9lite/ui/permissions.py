"""Changes asked about before they are confirmed: may this user delete, scale, open a shell?

Each (kind, verb, namespace) is asked once per context with a SelfSubjectAccessReview (the
answer is kept for the session); a refusal is said on the message line instead of asking "are
you sure?", and the footer then shows the key greyed. A server that cannot be asked leaves the
answer unknown, and the change is tried as before.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on, work
from textual.css.query import NoMatches
from textual.message import Message

from k9lite.kinds.base import Action, Kind
from k9lite.kube.access import AccessQuestion, may
from k9lite.kube.config import Connection
from k9lite.kube.errors import KubeError
from k9lite.ui.forwards import Forwarding
from k9lite.ui.navigator import AppOptions
from k9lite.ui.session import Session

__all__ = ["Permitted"]

Proceed = Callable[[], object]
AccessKey = tuple[Connection, AccessQuestion]
"""A question, and the context it is asked in."""

# What each guarded action asks: the verb, the subresource, and how a refusal names it.
_ASKED = {
    "delete": (Action.DELETE, "delete", "", "delete"),
    # k9lite scales as kubectl scale does: a PATCH of the scale subresource.
    "scale": (Action.SCALE, "patch", "scale", "scale"),
    # kubectl exec: a POST (create) on pods/exec.
    "shell": (Action.SHELL, "create", "exec", "open a shell in"),
}


def _question(action: str, kind: Kind, namespace: str) -> AccessQuestion:
    """The review that says whether `action` ("delete", "scale", "shell") is allowed."""
    _, verb, subresource, _ = _ASKED[action]
    resource = kind.resource
    return AccessQuestion(
        verb,
        resource.group,
        resource.plural,
        namespace if resource.namespaced else "",
        subresource,
    )


def _refusal(action: str, question: AccessQuestion) -> str:
    where = f" in {question.namespace}" if question.namespace else ""
    return f"forbidden: you may not {_ASKED[action][3]} {question.plural}{where}"


class Permitted(Forwarding):
    """The app, knowing before a change whether the server will allow it."""

    class Answered(Message):
        """A worker asked the server whether a change is allowed (None: could not tell)."""

        def __init__(self, key: AccessKey, allowed: bool | None) -> None:
            super().__init__()
            self.key = key
            self.allowed = allowed

    def __init__(self, options: AppOptions, *, session: Session | None = None) -> None:
        super().__init__(options, session=session)
        self.answers: dict[AccessKey, bool | None] = {}
        """What the server said, per context (a context switch asks again)."""
        self._waiting: dict[AccessKey, list[tuple[str, Proceed]]] = {}
        """Questions on their way, with the changes that wait for their answer."""

    def when_permitted(self, action: str, namespace: str, proceed: Proceed) -> None:
        """Run `proceed` (which asks for confirmation) unless the user may not do `action`."""
        if not self.options.watch:
            proceed()  # no cluster behind the feed (snapshots): nobody to ask
            return
        key = (self.connection, _question(action, self.browser.kind, namespace))
        if key in self.answers:
            self._decide(action, key[1], self.answers[key], proceed)
        else:
            self._ask(key, (action, proceed))

    def _ask(self, key: AccessKey, waiting: tuple[str, Proceed] | None) -> None:
        if key not in self._waiting:
            self._waiting[key] = []
            self.ask_permission(key)
        if waiting is not None:
            self._waiting[key].append(waiting)

    def _decide(
        self, action: str, question: AccessQuestion, allowed: bool | None, proceed: Proceed
    ) -> None:
        if allowed is False:
            self.show_error(_refusal(action, question))
        else:
            proceed()

    @work(thread=True, group="access", exit_on_error=False)
    def ask_permission(self, key: AccessKey) -> None:
        allowed = None
        try:
            allowed = may(*key)
        except KubeError:
            pass  # unreachable, or refused: unknown, and the change itself will say why
        finally:
            # Answered even when something unforeseen failed: the waiting changes go on.
            self.post_message(self.Answered(key, allowed))

    @on(Answered)
    def permission_answered(self, event: Answered) -> None:
        self.answers[event.key] = event.allowed
        waiting = self._waiting.pop(event.key, [])
        if not self.screen_stack:
            return  # the app is closing: an answer that came too late has nothing to grey
        self.refresh_bindings()
        if event.key[0] == self.connection:  # not if the context changed meanwhile
            for action, proceed in waiting:
                self._decide(action, event.key[1], event.allowed, proceed)

    def on_key(self, event: events.Key) -> None:
        """A greyed key is never run: pressed, it says why it is greyed."""
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled or active.binding.action not in _ASKED:
            return
        action = active.binding.action
        obj = self.browser.selected(self.feed.state)
        namespace = obj.meta.namespace if obj is not None else self.browser.namespace or ""
        key = (self.connection, _question(action, self.browser.kind, namespace))
        if self.answers.get(key) is False:
            self.show_error(_refusal(action, key[1]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _ASKED and self.options.watch and not self.options.readonly:
            try:
                kind, namespace = self.browser.kind, self.browser.namespace
            except NoMatches:
                return False
            applies = _ASKED[action][0] in kind.actions
            if applies and (namespace is not None or not kind.resource.namespaced):
                key = (self.connection, _question(action, kind, namespace or ""))
                if key not in self.answers:
                    # Asked as soon as the footer shows the key, so that it can be greyed.
                    self._ask(key, None)
                elif self.answers[key] is False:
                    return None
        return super().check_action(action, parameters)
