"""How big the demo cluster may grow: nodes and pods its address plan and the machine allow.

Kept free of imports so that the command line can name these limits without loading the cluster.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_PODS", "MAX_NODES", "MAX_PODS", "SMALL_PLAN_NODES"]

# Up to 250 nodes, a cluster's nodes are 127.K.1.N and its pod networks 127.(244-K).N.0/24
# (demo/address_plan.py): the plan the docs show.
SMALL_PLAN_NODES = 250
# Past 250, its pod network is a /14 cut into a /24 per node up to 1,024 nodes and a /25 (125
# pod addresses) up to 2,048: two thousand nodes of 50 pods each hold `--scale 100000`.
MAX_NODES = 2048
# Pods run on the workers only (the master is tainted, as on kubeadm's clusters), and each /25
# leaves 125 pod addresses (the network, the node's bridge and the broadcast address are not for
# pods): the address plan of MAX_NODES nodes holds MAX_PODS pods, and every smaller cluster that
# `--scale` makes (50 pods a node) holds its own. `--scale` beyond it would run out of addresses.
MAX_PODS = (MAX_NODES - 1) * 125
# Pods the demo admits unless told otherwise (`demo-cluster --max-pods`): enough for the
# benchmarks' 10,000, and a stop long before a mistyped `--replicas` takes the machine down.
DEFAULT_MAX_PODS = 20_000
