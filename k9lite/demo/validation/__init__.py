"""kube-apiserver's validation of the objects the demo cluster serves, with its messages.

Restates the parts of k8s.io/kubernetes `pkg/apis/{core,apps,networking,discovery}/validation`
that the walkthroughs reach. Runs after `apply_defaults`, on create and on update; cross-object
rules (NodePort uniqueness, ClusterIP allocation) belong to the registry, which owns the store.
"""

from k9lite.demo.validation.checker import Cause, invalid_message
from k9lite.demo.validation.rules import validate

__all__ = ["Cause", "invalid_message", "validate"]
