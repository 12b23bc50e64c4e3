"""The Events a node's arrival leaves, as on a kubeadm cluster: its kubelet starts, reports its
conditions, and the node lifecycle controller registers it.

The kubelet refers to its Node with the node's name as uid (kubelet.go nodeRef), which is why
`kubectl describe node` looks events up both by the real uid and by the name.
"""

from __future__ import annotations

from typing import Any

from k9lite.demo.controllers.recorder import EventRecorder

__all__ = ["record_node_registered"]

# setNodeStatus's condition setters record each condition as it is first reported.
_KUBELET_CONDITIONS = ("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID")


def record_node_registered(recorder: EventRecorder, node: dict[str, Any]) -> None:
    name = node["metadata"]["name"]

    def kubelet(reason: str, message: str) -> None:
        recorder.record(node, reason, message, component="kubelet", host=name, uid=name)

    kubelet("Starting", "Starting kubelet.")
    for condition in _KUBELET_CONDITIONS:
        kubelet(condition, f"Node {name} status is now: {condition}")
    kubelet("NodeAllocatableEnforced", "Updated Node Allocatable limit across pods")
    recorder.record(
        node,
        "RegisteredNode",
        f"Node {name} event: Registered Node {name} in Controller",
        component="node-controller",
    )
    kubelet("NodeReady", f"Node {name} status is now: NodeReady")
