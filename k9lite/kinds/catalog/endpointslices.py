"""EndpointSlices: the server's Table, also opened as `:eps` (k9s's name; the API has no
short name for them)."""

from __future__ import annotations

from k9lite.kinds.base import Kind
from k9lite.model.kinds import RESOURCES

KIND = Kind(RESOURCES["endpointslices"], "EndpointSlices", aliases=("eps",))
