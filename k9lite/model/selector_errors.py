"""The error of a selector kube-apiserver would refuse, label or field."""

from __future__ import annotations

__all__ = ["SelectorError"]


class SelectorError(ValueError):
    """A selector kube-apiserver would refuse; the message is the one it answers with."""
