"""kube-apiserver's validation of the objects the demo cluster serves, with its messages.

Restates the parts of k8s.io/kubernetes `pkg/apis/{core,apps,networking,discovery}/validation`
that the walkthroughs reach. Each kind's strategy (`kinds/`) names its rules; they run after the
defaults, on create and on update. Cross-object rules (NodePort uniqueness, ClusterIP
allocation) belong to the registry, which owns the store.
"""

from k9lite.demo.validation.checker import Cause, Checker, Rules, invalid_message

__all__ = ["Cause", "Checker", "Rules", "invalid_message"]
