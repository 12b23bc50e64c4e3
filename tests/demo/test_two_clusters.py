"""Two demo clusters at once, in one process or two: each holds its own block of addresses.

Block 0 is the plan the docs show (nodes 127.0.1.N, pods 127.244.N.x, Services 127.96.0.0/16,
load balancers 127.0.2.N); another cluster beside it takes the next free block, so the real
kubectl lists each cluster's own pods, and curl reaches each cluster's NodePort, with no port
moved aside (a collision would show as a port mapping).
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from k9lite.demo.address_plan import BLOCKS, AddressBlock, BlockClaim, claim_block
from k9lite.demo.cluster import ClusterRuntime, DemoCluster, DemoStartError
from k9lite.demo.registry import resource
from tests.conftest import FAST, Kubectl, default_scenario, wait_for
from tests.demo.test_dataplane import HELLO, curl_loop
from tests.test_cli import demo_cluster_process, stop_with_ctrl_c

needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")


def table(text: str) -> list[dict[str, str]]:
    """kubectl's table output as rows by column name, cut where each header starts (a cell such
    as RESTARTS `1 (5s ago)` holds spaces)."""
    header, *lines = text.splitlines()
    # Headers such as NOMINATED NODE hold one space; columns are three spaces apart.
    found = list(re.finditer(r"\S+(?: \S+)*", header))
    starts = [m.start() for m in found]
    names = [m.group() for m in found]
    bounds = list(itertools.pairwise([*starts, None]))
    return [
        {name: line[start:end].strip() for name, (start, end) in zip(names, bounds, strict=True)}
        for line in lines
    ]


def store_pods(cluster: DemoCluster) -> dict[str, tuple[str, str]]:
    """Every pod the cluster holds, `ns/name` -> (pod IP, node), read on its own loop."""

    def pods(rt: ClusterRuntime) -> dict[str, tuple[str, str]]:
        return {
            f"{p['metadata']['namespace']}/{p['metadata']['name']}": (
                p.get("status", {}).get("podIP", ""),
                p["spec"].get("nodeName", ""),
            )
            for p in rt.store.iter(resource("Pod"))
        }

    return cluster.call(pods)


def port_mappings(cluster: DemoCluster) -> dict[tuple[str, int], tuple[str, int]]:
    def mappings(rt: ClusterRuntime) -> dict[tuple[str, int], tuple[str, int]]:
        assert rt.dataplane is not None
        return dict(rt.dataplane.port_mappings)

    return cluster.call(mappings)


def check_listing(kubectl: Kubectl, block: AddressBlock) -> dict[str, str]:
    """`get nodes/pods/svc -o wide` from the real kubectl all show addresses of `block`;
    returns the pods listed, `ns/name` -> pod IP."""
    nodes = {
        row["NAME"]: row["INTERNAL-IP"] for row in table(kubectl("get", "nodes", "-o", "wide"))
    }
    assert nodes == {
        "master": block.node_address(1),
        "worker1": block.node_address(2),
        "worker2": block.node_address(3),
    }
    cidrs = {name: ipaddress.ip_network(block.pod_cidr(n)) for n, name in enumerate(nodes, 1)}
    listed = {}
    for row in table(kubectl("get", "pods", "-A", "-o", "wide")):
        assert row["STATUS"] == "Running", row
        # Each pod's IP is in the pod CIDR of the node kubectl names for it.
        assert ipaddress.ip_address(row["IP"]) in cidrs[row["NODE"]], row
        listed[f"{row['NAMESPACE']}/{row['NAME']}"] = row["IP"]
    for row in table(kubectl("get", "svc", "-A", "-o", "wide")):
        assert block.in_service_cidr(row["CLUSTER-IP"]) or row["CLUSTER-IP"] == "None", row
        if row["TYPE"] == "LoadBalancer":
            lb = ipaddress.ip_address(row["EXTERNAL-IP"])
            assert lb in ipaddress.ip_network(f"{block.load_balancer_address(0)}/24"), row
    return listed


# -- the plan ---------------------------------------------------------------------------------


def test_block_zero_is_the_documented_plan() -> None:
    block = AddressBlock(0)
    assert (block.node_address(2), block.pod_cidr(2), block.load_balancer_address(1)) == (
        "127.0.1.2",
        "127.244.2.0/24",
        "127.0.2.1",
    )
    assert (str(block.service_cidr), str(block.pod_network), block.dns_server) == (
        "127.96.0.0/16",
        "127.244.0.0/16",
        "127.96.0.10",
    )


def test_no_two_blocks_share_an_address() -> None:
    networks = [
        (index, ipaddress.ip_network(cidr))
        for index in range(BLOCKS)
        for block in [AddressBlock(index)]
        for cidr in (
            f"{block.node_address(0)}/24",
            f"{block.load_balancer_address(0)}/24",
            str(block.service_cidr),
            str(block.pod_network),
        )
    ]
    api_server = ipaddress.ip_address("127.0.0.1")
    for (one, a), (other, b) in itertools.combinations(networks, 2):
        assert not a.overlaps(b), (one, a, other, b)
        assert api_server not in a
    # The last node (250) and the last load balancer (254) stay in their block's /24.
    last = AddressBlock(BLOCKS - 1)
    assert ipaddress.ip_address(last.node_address(250)) in ipaddress.ip_network(
        f"{last.node_address(0)}/24"
    )
    assert ipaddress.IPv4Network(last.pod_cidr(250)).subnet_of(last.pod_network)


# -- clusters side by side --------------------------------------------------------------------


@needs_curl
def test_two_clusters_in_one_process_list_and_serve_their_own(tmp_path: Path) -> None:
    with default_scenario() as first, default_scenario() as second:
        assert first.addresses != second.addresses
        listed = []
        for n, demo in enumerate((first, second)):
            kubectl = Kubectl(demo.kubeconfig_path, tmp_path / f"cache-{n}")
            pods = check_listing(kubectl, demo.addresses)
            assert pods == {key: ip for key, (ip, _) in store_pods(demo).items()}
            listed.append(pods)
            # Nothing had to be moved to another port: no address of one is taken by the other.
            assert port_mappings(demo) == {}
            answers = HELLO.findall(curl_loop(demo, demo.addresses.node_address(2), 30080))
            assert len(answers) == 10
            assert {f"default/{name}" for name in answers} <= set(pods)
        assert not set(listed[0].values()) & set(listed[1].values())


def banner_block(banner: str) -> AddressBlock:
    """The block a `demo-cluster` banner names, checked range by range against the plan."""
    found = re.search(
        r"^  address block (\d+): nodes (\S+)/24, load balancers (\S+)/24,\n"
        r"    pods (\S+), Services (\S+) \(DNS (\S+)\)$",
        banner,
        re.M,
    )
    assert found, banner
    block = AddressBlock(int(found.group(1)))
    assert found.groups()[1:] == (
        block.node_address(0),
        block.load_balancer_address(0),
        str(block.pod_network),
        str(block.service_cidr),
        block.dns_server,
    )
    return block


def seven_running(kubectl: Kubectl) -> bool:
    """The default scenario's 7 pods all Running, as kubectl lists them."""
    return [row["STATUS"] for row in table(kubectl("get", "pods", "-A"))] == ["Running"] * 7


def curl_hello(host: str, port: int) -> list[str]:
    """The pod names ten runs of the real curl read at host:port, each on a new connection."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    pages = [
        subprocess.run(
            ["curl", "-s", "-m", "5", f"http://{host}:{port}/"],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
        ).stdout
        for _ in range(10)
    ]
    return [name for page in pages for name in HELLO.findall(page)]


@needs_curl
def test_two_demo_cluster_processes_side_by_side(tmp_path: Path) -> None:
    """The issue's check: two `k9lite demo-cluster` processes, `kubectl get pods -A -o wide`
    correct on both, and each one's NodePort answering with its own pods."""
    configs = [tmp_path / "one.kubeconfig", tmp_path / "two.kubeconfig"]
    with (
        demo_cluster_process("--kubeconfig-out", str(configs[0])) as (one, one_banner),
        demo_cluster_process("--kubeconfig-out", str(configs[1])) as (two, two_banner),
    ):
        blocks = [banner_block(one_banner), banner_block(two_banner)]
        assert blocks[0] != blocks[1]
        listed = []
        for n, (config, block) in enumerate(zip(configs, blocks, strict=True)):
            kubectl = Kubectl(config, tmp_path / f"cache-{n}")
            # Its pods start over a moment: wait for the 7 of the default scenario to run.
            wait_for(functools.partial(seven_running, kubectl), message=f"cluster {n}'s 7 pods")
            pods = check_listing(kubectl, block)
            assert len(pods) == 7
            answers = curl_hello(block.node_address(2), 30080)
            assert len(answers) == 10 and {f"default/{name}" for name in answers} <= set(pods)
            listed.append(pods)
        assert not set(listed[0].values()) & set(listed[1].values())
        stop_with_ctrl_c(one)
        stop_with_ctrl_c(two)


def test_a_stopped_cluster_gives_its_block_back() -> None:
    with DemoCluster(FAST) as first:
        taken = first.addresses
        with DemoCluster(FAST) as second:
            assert second.addresses != taken
    with DemoCluster(FAST) as again:
        assert again.addresses == taken


@pytest.fixture
def every_block_held() -> Iterator[list[BlockClaim]]:
    claims: list[BlockClaim] = []
    try:
        while True:
            claims.append(claim_block())
    except OSError:
        pass
    try:
        yield claims
    finally:
        for claim in claims:
            claim.release()


def test_no_free_block_is_one_line(every_block_held: list[BlockClaim]) -> None:
    with pytest.raises(DemoStartError) as refused:
        DemoCluster(FAST).start()
    assert str(refused.value) == (
        f"no address block for this cluster: all {BLOCKS} address blocks are taken by other "
        "demo clusters (UDP 127.0.0.1:29400-29415)"
    )
