"""The annotations a Deployment's controller keeps on its ReplicaSets (deployment_util.go).

A ReplicaSet's revision numbers the rollouts (`kubectl rollout history` lists them); when an
old template comes back, its ReplicaSet takes the next number and remembers the old ones in
`revision-history`. Every other annotation of the Deployment is copied to its new ReplicaSet,
so `kubernetes.io/change-cause` shows in the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from k9lite.demo.controllers.rollout_bounds import max_surge

__all__ = [
    "DESIRED_REPLICAS",
    "MAX_REPLICAS",
    "REVISION",
    "copy_annotations_to",
    "max_revision",
    "revision_of",
    "set_new_annotations",
    "set_replicas_annotations",
]

REVISION = "deployment.kubernetes.io/revision"
"""Numbers a Deployment's rollouts, as `kubectl rollout history` reads them."""
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
_SKIPPED = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        REVISION_HISTORY,
        DESIRED_REPLICAS,
        MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    }
)
"""Annotations a Deployment never hands to its ReplicaSets (annotationsToSkip)."""
_HISTORY_CHARS = 2000
"""maxRevHistoryLengthInChars: the longest `revision-history` the controller writes."""


def revision_of(obj: dict[str, Any]) -> int:
    """An object's revision; 0 when it has none or not a number (Revision())."""
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, 0))
    except ValueError:
        return 0


def max_revision(sets: Iterable[dict[str, Any]]) -> int:
    """The highest revision among `sets` (MaxRevision)."""
    return max((revision_of(rs) for rs in sets), default=0)


def copy_annotations_to(deploy: dict[str, Any], annotations: dict[str, str]) -> bool:
    """copyDeploymentAnnotationsToReplicaSet: whether `annotations` changed."""
    changed = False
    for key, value in (deploy["metadata"].get("annotations") or {}).items():
        if key not in _SKIPPED and annotations.get(key) != value:
            annotations[key] = value
            changed = True
    return changed


def set_replicas_annotations(annotations: dict[str, str], spec: dict[str, Any]) -> bool:
    """SetReplicasAnnotations: the Deployment's replicas and replicas plus surge, when scaled."""
    desired = spec.get("replicas", 1)
    wanted = {DESIRED_REPLICAS: str(desired), MAX_REPLICAS: str(desired + max_surge(spec))}
    changed = any(annotations.get(k) != v for k, v in wanted.items())
    annotations.update(wanted)
    return changed


def set_new_annotations(
    deploy: dict[str, Any], annotations: dict[str, str], revision: int, *, exists: bool
) -> bool:
    """SetNewReplicaSetAnnotations on the new ReplicaSet's `annotations`: whether they changed."""
    changed = copy_annotations_to(deploy, annotations)
    old = annotations.get(REVISION)
    try:
        old_number = int(old or 0)
    except ValueError:
        old_number = 0
    if old_number < revision:
        annotations[REVISION] = str(revision)
        changed = True
        if old is not None:
            # A template brought back: its set keeps the numbers it had, oldest dropped first.
            history = [r for r in annotations.get(REVISION_HISTORY, "").split(",") if r]
            history.append(old)
            while len(",".join(history)) > _HISTORY_CHARS:
                history.pop(0)
            annotations[REVISION_HISTORY] = ",".join(history)
    if not exists:
        changed = set_replicas_annotations(annotations, deploy["spec"]) or changed
    return changed
