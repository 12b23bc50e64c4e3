"""How big the demo cluster may grow: nodes and pods its address plan and the machine allow.

Kept free of imports so that the command line can name these limits without loading the cluster.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_PODS", "MAX_NODES", "MAX_PODS"]

# A cluster's node addresses are 127.K.1.N and its pod networks 127.(244-K).N.0/24, N up to
# 250 (demo/address_plan.py).
MAX_NODES = 250
# Each node's /24 leaves 253 pod addresses (.0 is the network, .1 the node's bridge, .255
# broadcast), and pods run on the workers only (the master is tainted, as on kubeadm's clusters):
# the address plan holds at most MAX_PODS pods. `--scale` beyond it would run out of addresses.
MAX_PODS = (MAX_NODES - 1) * 253
# Pods the demo admits unless told otherwise (`demo-cluster --max-pods`): enough for the
# benchmarks' 10,000, and a stop long before a mistyped `--replicas` takes the machine down.
DEFAULT_MAX_PODS = 20_000
