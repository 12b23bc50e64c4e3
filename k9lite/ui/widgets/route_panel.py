"""The route to one Service's pods, redrawn whenever the objects it is drawn from change.

No markup: the diagram is a renderable, and the lines about a missing Service are literal.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from k9lite.analysis.route_types import ROUTE_KINDS, Route
from k9lite.analysis.routes import build_route
from k9lite.model.state import ClusterState
from k9lite.render.literal import literal
from k9lite.render.route import RouteDiagram, RouteStyles
from k9lite.ui.live import follow_state
from k9lite.ui.theme import theme_colour

__all__ = ["RoutePanel"]


class RoutePanel(Static):
    """`RouteDiagram` of the Service `namespace/name`, live from the state `source` returns."""

    DEFAULT_CSS = """
    RoutePanel {
        height: auto;
    }
    """

    def __init__(
        self, *, namespace: str, name: str, source: Callable[[], ClusterState], id: str = "route"
    ) -> None:
        super().__init__(id=id, markup=False)
        self.service_namespace = namespace
        self.service_name = name
        self.source = source
        self.route: Route | None = None
        """The route drawn last; None while the Service is unknown."""
        self._drawn: tuple[int, ...] | None = None
        self._state: ClusterState | None = None

    def on_mount(self) -> None:
        self.redraw()
        follow_state(self, self.redraw)

    def redraw(self) -> None:
        """Draw again if the state (or any object a route is drawn from) changed."""
        state = self.source()
        versions = tuple(state.version(kind) for kind in ROUTE_KINDS)
        if state is self._state and versions == self._drawn:
            return
        self._state, self._drawn = state, versions
        service = state.get("services", self.service_namespace, self.service_name)
        if service is None:
            self.route = None
            loaded = state.loaded("services")
            self.update(
                literal(f"service {self.service_namespace}/{self.service_name} is gone")
                if loaded
                else "loading services…"
            )
            return
        route = build_route(state, service)
        if route != self.route:
            # A busy cluster bumps the pods' version all the time: redraw only a new route.
            self.route = route
            self.update(RouteDiagram(route, styles=self._styles()))

    def _styles(self) -> RouteStyles:
        """The theme's colours for the diagram's marks."""
        colour = theme_colour(self.app)
        error = colour("error", "red")
        return RouteStyles(
            ok=colour("success", "green"),
            pending=colour("warning", "yellow"),
            broken=f"bold {error}",
            drops=error,
            entry=colour("accent", "cyan"),
        )
