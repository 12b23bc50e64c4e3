"""Each demo cluster's own block of loopback addresses, claimed so that two never collide.

Every network of the demo cluster is a loopback range, so that `curl NODE:NODEPORT` or
`curl CLUSTER-IP:PORT` works from the user's shell and nothing ever leaves the machine. Block 0
is the plan the docs and tests show: nodes 127.0.1.N, pods 127.244.N.0/24 (one /24 per node, as
flannel's 10.244.N.0/24), Services 127.96.0.0/16 with cluster DNS at .10, load balancers
127.0.2.N. Block k moves each range to addresses no other block uses: nodes 127.k.1.N, load
balancers 127.k.2.N, Services 127.(96+k).0.0/16, pods 127.(244-k).N.0/24.

A cluster of more than 250 nodes outgrows that /16, as a real one outgrows kubeadm's
10.244.0.0/16: its cluster CIDR is a /14 of its own, 127.(16+4k).0.0/14, cut into one block per
node in order (node N gets the N-th), /24 each up to 1,024 nodes and /25 (125 pods) up to 2,048,
as kube-controller-manager's `--cluster-cidr` and `--node-cidr-mask-size` would. Nodes past the
250th take the next third octets after the load balancers': 127.k.3.1-250, 127.k.4.1-250...
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from dataclasses import dataclass

from k9lite.demo.limits import MAX_NODES, SMALL_PLAN_NODES

__all__ = ["BLOCKS", "AddressBlock", "BlockClaim", "claim_block"]

BLOCKS = 16
"""How many clusters may run side by side; their ranges stay apart (127.0-15, 127.96-111,
127.229-244 in the second octet)."""
_CLAIM_HOST = "127.0.0.1"
_CLAIM_PORT = 29400
"""Block k is held by a UDP socket bound to 127.0.0.1:29400+k for the cluster's life."""
_LARGE_PREFIX = 14
"""A large cluster's pod network: 127.16.0.0/14 for block 0 up to 127.76.0.0/14 for block 15."""
_NODES_PER_OCTET = 250


@dataclass(frozen=True, slots=True)
class AddressBlock:
    """The addresses of one demo cluster: its nodes, pods, Services, load balancers and DNS."""

    index: int = 0
    nodes: int = 3
    """How many nodes the cluster has: more than 250 take the large plan."""

    def __post_init__(self) -> None:
        if not 1 <= self.nodes <= MAX_NODES:
            raise ValueError(f"a demo cluster has 1 to {MAX_NODES:,} nodes, not {self.nodes}")

    @property
    def large(self) -> bool:
        return self.nodes > SMALL_PLAN_NODES

    def node_address(self, node: int) -> str:
        """The InternalIP of the node-th node (from 1): 127.k.1.N, then 127.k.3.N, 127.k.4.N..."""
        if node <= _NODES_PER_OCTET:
            return f"127.{self.index}.1.{node}"
        octet, host = divmod(node - _NODES_PER_OCTET - 1, _NODES_PER_OCTET)
        return f"127.{self.index}.{3 + octet}.{host + 1}"

    @property
    def node_mask(self) -> int:
        """The prefix length of each node's pod CIDR (`--node-cidr-mask-size`)."""
        mask = 24
        while self.large and self.nodes > 1 << (mask - _LARGE_PREFIX):
            mask += 1
        return mask

    @property
    def pods_per_node(self) -> int:
        """Pod addresses on one node: all of its CIDR but the network, bridge and broadcast."""
        return (1 << (32 - self.node_mask)) - 3

    def pod_cidr(self, node: int) -> str:
        """The pod CIDR of the node-th node (from 1)."""
        if not self.large:
            return f"127.{244 - self.index}.{node}.0/24"
        size = 1 << (32 - self.node_mask)
        return f"{self.pod_network.network_address + (node - 1) * size}/{self.node_mask}"

    def load_balancer_address(self, host: int) -> str:
        """The host-th load-balancer address (1 to 254)."""
        return f"127.{self.index}.2.{host}"

    @property
    def pod_network(self) -> ipaddress.IPv4Network:
        """The cluster CIDR (`--cluster-cidr`) the nodes' pod CIDRs are cut from."""
        if self.large:
            return ipaddress.IPv4Network(f"127.{16 + 4 * self.index}.0.0/{_LARGE_PREFIX}")
        return ipaddress.IPv4Network(f"127.{244 - self.index}.0.0/16")

    @property
    def service_cidr(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(f"127.{96 + self.index}.0.0/16")

    @property
    def dns_server(self) -> str:
        """The cluster DNS address pods are given (a real cluster's 10.96.0.10)."""
        return str(self.service_cidr.network_address + 10)

    def in_service_cidr(self, address: str) -> bool:
        try:
            return ipaddress.ip_address(address) in self.service_cidr
        except ValueError:
            return False

    def in_pod_network(self, address: str) -> bool:
        try:
            return ipaddress.ip_address(address) in self.pod_network
        except ValueError:
            return False

    def bindable(self) -> bool:
        """Whether addresses beyond 127.0.0.1 can be bound (Linux: all of 127/8; macOS: no)."""
        with socket.socket() as probe:
            try:
                probe.bind((self.node_address(1), 0))
            except OSError:
                return False
        return True

    def describe(self) -> tuple[str, str]:
        """Two lines for the banner: every range of the block."""
        nodes = f"{self.node_address(0)}/24"
        pods = str(self.pod_network)
        if self.large:
            nodes = f"{self.node_address(1)}-{self.node_address(self.nodes)}"
            pods = f"{pods} (/{self.node_mask} per node: {self.pods_per_node} pods)"
        return (
            f"address block {self.index}: nodes {nodes}, "
            f"load balancers {self.load_balancer_address(0)}/24,",
            f"  pods {pods}, Services {self.service_cidr} (DNS {self.dns_server})",
        )


class BlockClaim:
    """A block held by this process until `release` (or until it exits: the kernel frees it)."""

    def __init__(self, block: AddressBlock, holder: socket.socket) -> None:
        self.block = block
        self._holder = holder

    def release(self) -> None:
        self._holder.close()


def claim_block(nodes: int = 3) -> BlockClaim:
    """The first block no other cluster holds, for `nodes` nodes, held until released; OSError
    if all are taken.

    The claim is a bound socket, not a lock file: it lives in the same network namespace as the
    addresses it guards (clusters in separate namespaces never collide, and each gets block 0),
    the kernel releases it when the process dies however it dies, and it needs no shared
    directory. Without SO_REUSEADDR, a second bind of the same UDP address and port fails.
    """
    for index in range(BLOCKS):
        holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            holder.bind((_CLAIM_HOST, _CLAIM_PORT + index))
        except OSError as exc:
            holder.close()
            if exc.errno != errno.EADDRINUSE:
                raise
            continue
        return BlockClaim(AddressBlock(index, nodes), holder)
    raise OSError(
        errno.EADDRINUSE,
        f"all {BLOCKS} address blocks are taken by other demo clusters "
        f"(UDP {_CLAIM_HOST}:{_CLAIM_PORT}-{_CLAIM_PORT + BLOCKS - 1})",
    )
