"""The resource browser: one view (Deployments, Pods, Services...) of the cluster state, live.

It turns the state into rows and patches its table by key; what is shown is the view, the
namespace, a drill-down scope (the pods of a Deployment or of a Service) and the filters.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from math import inf
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from k9lite.analysis.doctor import DOCTOR_KINDS
from k9lite.analysis.verdicts import Verdicts
from k9lite.kinds.base import Kind
from k9lite.kinds.table_view import table_view
from k9lite.model.pods import Pod
from k9lite.model.selectors import LabelSelector
from k9lite.model.state import ClusterState
from k9lite.model.table_rows import TableColumn
from k9lite.render.literal import literal
from k9lite.render.rows import RowContext, ViewSpec, endpoints_text, key_of, row_key
from k9lite.ui.widgets.resource_table import Column, ResourceTable
from k9lite.ui.widgets.row_index import age_order, number_order

__all__ = ["Browser", "Scope"]

# Views whose rows also show other kinds: refresh them when those change too. A Service's row
# shows its endpoints and the doctor's verdict, which reads all of DOCTOR_KINDS.
_ALSO_SHOWS: dict[str, set[str]] = {
    "services": {kind for kind in DOCTOR_KINDS if kind != "services"},
    "nodes": {"pods"},
}
# What a drill-down's membership and title read besides the pods (a Service's title: its
# EndpointSlices' endpoints): a pod row itself reads no other kind, so an unscoped Pods view
# never walks its 50,000 rows for a change to a Service.
_SCOPE_READS: dict[str, set[str]] = {
    "services": {"services", "endpointslices"},
    "deployments": {"deployments", "replicasets"},
    "nodes": {"nodes"},
}
# Views whose rows read those other kinds at a cost (a Service's verdict is a diagnosis): a
# change to them rebuilds the rows on screen at once and the others in slices of time, one a
# frame and one a second, so that a storm of pod events under 2,000 Services stays cheap.
_CAUGHT_UP = {"services"}
_FRAME_SLICE = 0.01
_TICK_SLICE = 0.05
_ORDERS: dict[str, Callable[[str], Any]] = {"age": age_order, "number": number_order}
_PARENT_TITLES = {"deployments": "Deployments", "services": "Services", "nodes": "Nodes"}


@dataclass(frozen=True, slots=True)
class Scope:
    """A drill-down: only the pods a Deployment owns, a Service selects, or a Node runs."""

    kind: str  # "deployments", "services" or "nodes"
    namespace: str
    name: str

    def pods(self, state: ClusterState) -> list[Pod] | None:
        """The pods in scope (from the state's indexes); None when the owner is gone."""
        if self.kind == "nodes":
            return state.pods_on_node(self.name)
        if self.kind == "services":
            service = state.get("services", self.namespace, self.name)
            return None if service is None else state.pods_selected_by(service)
        deployment = state.get("deployments", self.namespace, self.name)
        return None if deployment is None else state.pods_of(deployment.meta.uid)

    @property
    def crumbs(self) -> str:
        """Where the drill-down started: `Services > clusterip-hostname-service >`."""
        return f"{_PARENT_TITLES.get(self.kind, self.kind)} > {self.name} >"

    def detail(self, state: ClusterState) -> str:
        """What the scope adds after the count: a Service's endpoints, or that its owner went."""
        if self.kind == "nodes":
            return "" if state.get("nodes", "", self.name) is not None else "(node gone)"
        if self.kind == "deployments":
            found = state.get("deployments", self.namespace, self.name) is not None
            return "" if found else "(deployment gone)"
        service = state.get("services", self.namespace, self.name)
        if service is None:
            return "(service gone)"
        if service.selector is None:
            return "(no selector: endpoints managed by hand)"
        return f"· endpoints {endpoints_text(service, state)}"


def _view_of(kind: Kind, columns: tuple[TableColumn, ...]) -> ViewSpec:
    """A kind's view: its own, or one over the columns its server's Table defines."""
    return kind.view if kind.view is not None else table_view(kind, columns)


class Browser(Vertical):
    """A title line over a ResourceTable that shows one view of the state."""

    def __init__(self, *, kind: Kind, namespace: str | None) -> None:
        super().__init__()
        self.kind = kind
        self._source_columns: tuple[TableColumn, ...] = ()
        self.view = _view_of(kind, ())
        self.namespace = namespace
        self.scope: Scope | None = None
        self.label_selector: LabelSelector | None = None
        self.text_filter = ""
        # key -> (the object a row was built from, the row): an unchanged object keeps its row.
        self._built: dict[str, tuple[Any, tuple[str, ...]]] = {}
        self._error_keys: dict[str, tuple[str, str]] = {}  # error rows: (namespace, name)
        self._behind: set[str] = set()  # rows built before a change to a kind they read
        self._title = ""
        self.verdicts = Verdicts()
        """The doctor's verdicts of the Services view, kept while the kinds they read are still."""

    def compose(self) -> ComposeResult:
        yield Static(id="view-title", markup=False)
        yield ResourceTable(id="resources")

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#resources", ResourceTable)

    def on_mount(self) -> None:
        self._set_columns()

    def _set_columns(self) -> None:
        all_namespaces = self.namespace is None
        self.table.set_columns(
            Column(
                c.key,
                c.label,
                align="right" if c.align == "right" else "left",
                sort_key=_ORDERS.get(c.order),
                priority=c.priority,
                min_width=c.min_width,
                cut=c.cut,
                rest_priority=c.rest_priority,
            )
            for c in self.view.columns_for(all_namespaces)
        )

    def show(self, kind: Kind, state: ClusterState, *, scope: Scope | None = None) -> None:
        """Switch to another kind; its rows come with the next refresh."""
        self.kind = kind
        self.scope = scope
        self.label_selector = None
        self.text_filter = ""
        self.table.filter_text = ""
        self._rebuild(state)

    def _rebuild(self, state: ClusterState) -> None:
        """Columns anew (the server's, for a Table kind) and no rows until the next refresh;
        the filters stay."""
        self._source_columns = state.columns(self.kind.name)
        self.view = _view_of(self.kind, self._source_columns)
        self.table.replace_all({})
        self.table.loaded = False
        self._built.clear()
        self._behind.clear()
        self._error_keys.clear()
        self._set_columns()

    def set_namespace(self, namespace: str | None, state: ClusterState) -> None:
        self.namespace = namespace
        self.show(self.kind, state, scope=self.scope)

    def _reads(self) -> set[str]:
        """The other kinds this view's rows, or its drill-down's membership, read."""
        scope = set() if self.scope is None else _SCOPE_READS[self.scope.kind]
        return _ALSO_SHOWS.get(self.view.kind, set()) | scope

    def wants_refresh(self, changes: frozenset[str]) -> bool:
        return bool(changes & ({self.view.kind} | self._reads()))

    def refresh_rows(
        self,
        state: ClusterState,
        now: datetime,
        *,
        changes: frozenset[str] | None = None,
    ) -> None:
        """Patch the table with the rows that differ from what it shows.

        With `changes` (the kinds changed since the last refresh) only the rows of objects that
        changed are rebuilt, so a watch storm over 10,000 pods costs a few rows a frame. Without
        `changes` every row is rebuilt.
        """
        if self.kind.view is None and state.columns(self.kind.name) != self._source_columns:
            # The server's Table defined (other) columns: every row anew under them.
            self._rebuild(state)
            changes = None
        view = self.view
        namespace = self.namespace if view.namespaced else None
        related = self._reads()
        if changes is not None and view.kind in _CAUGHT_UP and changes & related:
            self._behind.update(self._built)
            related = set()
        partial = changes is not None and not (changes & related) and self.scope is None
        context = self._row_context(state, now)
        keys = state.changed_keys(view.kind) if partial else None
        if keys is not None:
            self._patch_rows(state, keys, context)
            self._catch_up(context, _FRAME_SLICE)
            return
        # A drill-down walks its own few pods, never all of them.
        scoped = None if self.scope is None else self.scope.pods(state) or []
        allowed = None if scoped is None else {row_key(p) for p in scoped}
        built, updates = self._built, {}
        seen = set()
        for obj in state.objects(view.kind, namespace) if scoped is None else scoped:
            key = row_key(obj)
            if not self._shows(obj):
                continue
            seen.add(key)
            previous = built.get(key)
            if partial and previous is not None and previous[0] is obj:
                continue
            row = view.row(obj, context)
            built[key] = (obj, row)
            if previous is None or previous[1] != row:
                updates[key] = row
        for error in state.errors(view.kind):
            key = key_of(error.namespace, error.name)
            if self._in_namespace(error.namespace) and (allowed is None or key in allowed):
                seen.add(key)
                updates[key] = self._error_row(error.name, error.namespace)
        gone = [key for key in built if key not in seen]
        for key in gone:
            del built[key]
        self._behind.clear()
        table = self.table
        table.upsert_rows(updates)
        table.remove_rows(gone)
        table.loaded = state.loaded(view.kind)
        self._update_title(len(seen), state)

    def _patch_rows(
        self, state: ClusterState, keys: frozenset[tuple[str, str]], context: RowContext
    ) -> None:
        """Rebuild the rows of the objects with these keys only: what a watch event changed."""
        view, built = self.view, self._built
        updates: dict[str, tuple[str, ...]] = {}
        gone = []
        for namespace, name in keys:
            key = key_of(namespace, name)
            obj = state.get(view.kind, namespace, name)
            error = state.error_of(view.kind, namespace, name) if obj is None else None
            if error is not None and self._in_namespace(namespace) and self.scope is None:
                built.pop(key, None)
                updates[key] = self._error_row(name, namespace)
                continue
            if obj is None or not self._shows(obj):
                if built.pop(key, None) is not None or obj is None:
                    gone.append(key)  # (and any error row it had)
                continue
            row = view.row(obj, context)
            built[key] = (obj, row)
            updates[key] = row
        self.table.upsert_rows(updates)
        self.table.remove_rows(gone)
        self._update_title(len(built), state)

    def _row_context(self, state: ClusterState, now: datetime) -> RowContext:
        return RowContext(now, state, self.namespace is None, self.verdicts)

    def _in_namespace(self, namespace: str) -> bool:
        return not (self.view.namespaced and self.namespace and namespace != self.namespace)

    def _shows(self, obj: Any) -> bool:
        """Whether an object belongs in this view's namespace and label filter."""
        if not self._in_namespace(obj.meta.namespace):
            return False
        return self.label_selector is None or self.label_selector.matches(obj.meta.labels)

    def _error_row(self, name: str, namespace: str) -> tuple[str, ...]:
        """An object that could not be read: its name, and `✗ unreadable` where its status
        would be (a short cell: widths only grow); `d` on it says why (`error_at_cursor`)."""
        columns = self.view.columns_for(self.namespace is None)
        labels = [c.label for c in columns]
        cells = [""] * len(columns)
        first = 1 if self.view.namespaced and self.namespace is None else 0
        if first:
            cells[0] = namespace
        cells[first] = name
        at = labels.index("STATUS") if "STATUS" in labels else min(first + 1, len(cells) - 1)
        cells[at] = "✗ unreadable"
        self._error_keys[key_of(namespace, name)] = (namespace, name)
        return tuple(literal(cell) for cell in cells)

    def error_at_cursor(self, state: ClusterState) -> str | None:
        """Why the object under the cursor could not be read, on an error row."""
        key = self.table.cursor_key
        found = None if key is None or key in self._built else self._error_keys.get(key)
        error = None if found is None else state.error_of(self.view.kind, *found)
        return None if error is None else f"{error.namespace}/{error.name}: {error.reason}"

    def refresh_on_screen(self, state: ClusterState, now: datetime) -> None:
        """Rebuild the rows on screen: what moves with time alone (AGE, "3 (5m ago)"), for the
        few rows a user sees, never for all of them; then a slice of the rows still behind."""
        context = self._row_context(state, now)
        self._renew(self.table.on_screen_keys(), context)
        self._catch_up(context, _TICK_SLICE)

    def _catch_up(self, context: RowContext, seconds: float) -> None:
        """Rebuild the rows behind a change to a kind they read: all those on screen, then
        others for `seconds`. Until then a row off screen shows what it showed (its filter and
        sort too)."""
        behind = self._behind
        if behind:
            self._renew([key for key in self.table.on_screen_keys() if key in behind], context)
            self._renew(list(behind), context, until=time.perf_counter() + seconds)

    def _renew(self, keys: Iterable[str], context: RowContext, *, until: float = inf) -> None:
        """Rebuild the rows of `keys` from the objects they were built from (those the view's own
        changes keep current), until `until` on the perf_counter clock."""
        built, updates = self._built, {}
        for key in keys:
            if time.perf_counter() > until:
                break
            self._behind.discard(key)
            found = built.get(key)
            if found is None:
                continue
            row = self.view.row(found[0], context)
            if row != found[1]:
                built[key] = (found[0], row)
                updates[key] = row
        self.table.upsert_rows(updates)

    def set_text_filter(self, text: str) -> None:
        self.text_filter = text
        self.table.filter_text = text

    def _update_title(self, count: int, state: ClusterState) -> None:
        """`Services > web > Pods [2 of 7] in default -l app=web`: the path of the drill-down,
        then the count, early on the line as the line may be cut."""
        shown = self.table.visible_count
        parts = [self.scope.crumbs] if self.scope is not None else []
        parts += [self.view.title, f"[{shown}]" if shown == count else f"[{shown} of {count}]"]
        if self.view.namespaced:
            parts.append(f"in {self.namespace}" if self.namespace else "in all namespaces")
        if self.label_selector is not None:
            parts.append(f"-l {self.label_selector}")
        if self.text_filter:
            parts.append(f"/{self.text_filter}")
        if self.scope is not None:
            parts.append(self.scope.detail(state))
        title = " ".join(part for part in parts if part)
        if title != self._title:
            # A one-line title never changes the layout: a layout pass per refresh would cost
            # as much as drawing the 10,000-row table beside it (STYLE habit 12).
            self._title = title
            self.query_one("#view-title", Static).update(literal(title), layout=False)

    def selected(self, state: ClusterState) -> Any | None:
        """The object under the cursor, as the state holds it now; None on an error row."""
        key = self.table.cursor_key
        found = None if key is None else self._built.get(key)
        return None if found is None else state.get(self.view.kind, *found[0].meta.key)
