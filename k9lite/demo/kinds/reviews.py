"""The strategy of a review kind: created and answered (rbac/reviews), never stored or listed."""

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType

__all__ = ["review_strategy"]


def review_strategy(group: str, kind: str, plural: str) -> Strategy:
    """A cluster-scoped v1 kind whose only verb is create, as discovery lists the reviews."""
    return Strategy(ResourceType(group, "v1", kind, plural, False, verbs=("create",)), stored=False)
