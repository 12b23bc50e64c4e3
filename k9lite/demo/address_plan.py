"""Each demo cluster's own block of loopback addresses, claimed so that two never collide.

Every network of the demo cluster is a loopback range, so that `curl NODE:NODEPORT` or
`curl CLUSTER-IP:PORT` works from the user's shell and nothing ever leaves the machine. Block 0
is the plan the docs and tests show: nodes 127.0.1.N, pods 127.244.N.0/24 (one /24 per node, as
flannel's 10.244.N.0/24), Services 127.96.0.0/16 with cluster DNS at .10, load balancers
127.0.2.N. Block k moves each range to addresses no other block uses: nodes 127.k.1.N, load
balancers 127.k.2.N, Services 127.(96+k).0.0/16, pods 127.(244-k).N.0/24.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from dataclasses import dataclass

__all__ = ["BLOCKS", "AddressBlock", "BlockClaim", "claim_block"]

BLOCKS = 16
"""How many clusters may run side by side; their ranges stay apart (127.0-15, 127.96-111,
127.229-244 in the second octet)."""
_CLAIM_HOST = "127.0.0.1"
_CLAIM_PORT = 29400
"""Block k is held by a UDP socket bound to 127.0.0.1:29400+k for the cluster's life."""


@dataclass(frozen=True, slots=True)
class AddressBlock:
    """The addresses of one demo cluster: its nodes, pods, Services, load balancers and DNS."""

    index: int = 0

    def node_address(self, node: int) -> str:
        """The InternalIP of the node-th node (from 1)."""
        return f"127.{self.index}.1.{node}"

    def pod_cidr(self, node: int) -> str:
        """The pod CIDR of the node-th node (from 1)."""
        return f"127.{244 - self.index}.{node}.0/24"

    def load_balancer_address(self, host: int) -> str:
        """The host-th load-balancer address (1 to 254)."""
        return f"127.{self.index}.2.{host}"

    @property
    def pod_network(self) -> ipaddress.IPv4Network:
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
        return (
            f"address block {self.index}: nodes {self.node_address(0)}/24, "
            f"load balancers {self.load_balancer_address(0)}/24,",
            f"  pods {self.pod_network}, Services {self.service_cidr} (DNS {self.dns_server})",
        )


class BlockClaim:
    """A block held by this process until `release` (or until it exits: the kernel frees it)."""

    def __init__(self, block: AddressBlock, holder: socket.socket) -> None:
        self.block = block
        self._holder = holder

    def release(self) -> None:
        self._holder.close()


def claim_block() -> BlockClaim:
    """The first block no other cluster holds, held until released; OSError if all are taken.

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
        return BlockClaim(AddressBlock(index), holder)
    raise OSError(
        errno.EADDRINUSE,
        f"all {BLOCKS} address blocks are taken by other demo clusters "
        f"(UDP {_CLAIM_HOST}:{_CLAIM_PORT}-{_CLAIM_PORT + BLOCKS - 1})",
    )
