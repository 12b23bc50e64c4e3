"""The ways into a Service: those offered are those that exist, and each gives its URLs."""

from __future__ import annotations

import argparse
import ssl
from typing import get_args

import pytest

from k9lite.cli import _parser
from k9lite.kube.proxy import ProxyAccess
from k9lite.traffic.vantage import VantageError, Via, targets, ways_in
from tests.analysis.builders import W2, node_port, route_of, w2

ACCESS = ProxyAccess("https://127.0.0.1:6443", {}, ssl.create_default_context())

SHAPES = {
    "clusterip": ({}, None, ["proxy", "clusterip"]),
    "nodeport": (node_port(), None, ["proxy", "nodeport", "clusterip"]),
    "pending-lb": (node_port(type="LoadBalancer"), None, ["proxy", "nodeport", "clusterip"]),
    "lb": (
        node_port(type="LoadBalancer"),
        {"loadBalancer": {"ingress": [{"ip": "127.0.2.9"}]}},
        ["proxy", "nodeport", "loadbalancer", "clusterip"],
    ),
    "headless": ({"clusterIP": "None", "clusterIPs": ["None"]}, None, ["proxy"]),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_way_offered_gives_urls_and_no_other_does(shape: str) -> None:
    spec, status, offered = SHAPES[shape]
    state = w2(spec=spec or None, status=status)
    service = state.get("services", "default", W2)
    assert service is not None and route_of(state, W2).name == W2
    assert ways_in(service) == offered
    for via in ("proxy", "nodeport", "loadbalancer", "clusterip"):
        if via in offered:
            found = targets(via, service, state, access=ACCESS)
            assert found and all(t.url.startswith(("http://", "https://")) for t in found)
        else:
            with pytest.raises(VantageError):
                targets(via, service, state, access=ACCESS)


def test_the_command_line_offers_every_way_in_and_no_other() -> None:
    """cli.py spells the --via choices out (importing traffic/ would slow `k9lite --help`)."""
    (commands,) = (a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    probe = commands.choices["probe"]
    (via,) = (action for action in probe._actions if action.dest == "via")
    assert tuple(via.choices or ()) == get_args(Via)
