"""The address plan at every size: the documented small plan up to 250 nodes, a /14 cluster CIDR
cut per node beyond, and a real cluster of a few hundred nodes as kubectl lists it.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import itertools
from pathlib import Path

import pytest

from k9lite.demo.address_plan import BLOCKS, AddressBlock
from k9lite.demo.cluster import DemoCluster, DemoStartError
from k9lite.demo.limits import MAX_NODES, MAX_PODS, SMALL_PLAN_NODES
from tests.conftest import FAST, Kubectl, wait_for
from tests.demo.test_two_clusters import table

SIZES = (1, 3, SMALL_PLAN_NODES, SMALL_PLAN_NODES + 1, 1024, 1025, 2000, MAX_NODES)


def node_networks(block: AddressBlock) -> list[ipaddress.IPv4Network]:
    return [ipaddress.IPv4Network(block.pod_cidr(n)) for n in range(1, block.nodes + 1)]


@pytest.mark.parametrize("nodes", SIZES)
def test_every_node_has_its_own_pod_cidr_inside_the_cluster_cidr(nodes: int) -> None:
    block = AddressBlock(BLOCKS - 1, nodes)
    networks = node_networks(block)
    assert len(set(networks)) == nodes
    assert all(n.subnet_of(block.pod_network) for n in networks)
    # In order, back to back: no two overlap, and each leaves its pods the same room.
    ordered = sorted(networks)
    assert all(a.broadcast_address < b.network_address for a, b in itertools.pairwise(ordered))
    assert {n.num_addresses - 3 for n in networks} == {block.pods_per_node}
    addresses = [ipaddress.ip_address(block.node_address(n)) for n in range(1, nodes + 1)]
    assert len(set(addresses)) == nodes
    load_balancers = ipaddress.ip_network(f"{block.load_balancer_address(0)}/24")
    assert not any(a in load_balancers or a in block.pod_network for a in addresses)
    assert all(str(a).startswith(f"127.{block.index}.") and a.packed[3] != 0 for a in addresses)


def test_the_small_plan_is_unchanged_and_the_large_one_grows_as_a_real_cluster() -> None:
    assert (AddressBlock(0, 250).pod_cidr(250), AddressBlock(0, 250).node_address(250)) == (
        "127.244.250.0/24",
        "127.0.1.250",
    )
    large = AddressBlock(0, 2000)
    assert (str(large.pod_network), large.node_mask, large.pods_per_node) == (
        "127.16.0.0/14",
        25,
        125,
    )
    assert (large.pod_cidr(1), large.pod_cidr(2000)) == ("127.16.0.0/25", "127.19.231.128/25")
    assert (large.node_address(251), large.node_address(2000)) == ("127.0.3.1", "127.0.9.250")
    assert AddressBlock(0, 1024).node_mask == 24
    # MAX_PODS pods fit the plan of MAX_NODES nodes (its workers), as `--scale` spreads them.
    assert AddressBlock(0, MAX_NODES).pods_per_node * (MAX_NODES - 1) == MAX_PODS
    with pytest.raises(ValueError, match="1 to 2,048 nodes"):
        AddressBlock(0, MAX_NODES + 1)


def test_no_two_blocks_share_an_address_at_any_size() -> None:
    networks = [
        (block, network)
        for index in range(BLOCKS)
        for nodes in (3, MAX_NODES)
        for block in [AddressBlock(index, nodes)]
        for network in {
            *(
                ipaddress.ip_network(f"{block.node_address(n)}/24", strict=False)
                for n in range(1, nodes + 1)
            ),
            ipaddress.ip_network(f"{block.load_balancer_address(0)}/24"),
            block.service_cidr,
            block.pod_network,
        }
    ]
    for (one, a), (other, b) in itertools.combinations(networks, 2):
        if one.index != other.index:
            assert not a.overlaps(b), (one, a, other, b)
    api_server = ipaddress.ip_address("127.0.0.1")
    assert not any(api_server in network for _, network in networks)


def test_more_nodes_than_the_plan_holds_are_refused() -> None:
    with pytest.raises(DemoStartError, match="2049 nodes asked for; the demo runs 1 to 2,048"):
        DemoCluster(dataclasses.replace(FAST, nodes=MAX_NODES + 1))


def test_a_cluster_of_three_hundred_nodes_as_kubectl_lists_it(tmp_path: Path) -> None:
    options = dataclasses.replace(FAST, nodes=300, scale=600, scenarios=("empty",))
    with DemoCluster(options) as demo:
        block = demo.addresses
        assert (block.nodes, str(block.pod_network)) == (300, f"127.{16 + 4 * block.index}.0.0/14")
        kubectl = Kubectl(demo.kubeconfig_path, tmp_path / "cache")
        nodes = table(kubectl("get", "nodes", "-o", "wide"))
        assert len(nodes) == 300
        internal = {row["NAME"]: row["INTERNAL-IP"] for row in nodes}
        assert internal["worker299"] == block.node_address(300) == f"127.{block.index}.3.50"
        assert len(set(internal.values())) == 300
        cidrs = dict(
            line.split()
            for line in kubectl(
                "get",
                "nodes",
                "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.spec.podCIDR}{'\\n'}{end}",
            ).splitlines()
        )
        assert len(set(cidrs.values())) == 300
        # A Deployment's pods go through the scheduler and a kubelet, which gives the IPs.
        kubectl("create", "deployment", "web", "--image=nginx", "--replicas=4")
        pods = wait_for(
            lambda: (
                rows
                if len(rows := table(kubectl("get", "pods", "-A", "-o", "wide"))) == 604
                and all(row["IP"] != "<none>" for row in rows)
                else None
            ),
            timeout=30,
            message="600 scaled pods and 4 started ones, each with an IP",
        )
        for row in pods:
            network = ipaddress.ip_network(cidrs[row["NODE"]])
            assert ipaddress.ip_address(row["IP"]) in network, row
            assert ipaddress.ip_address(row["IP"]) not in (network[0], network[1]), row
