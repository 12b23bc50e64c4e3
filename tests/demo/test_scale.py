"""`--scale`: populate's pods, made in-process as the demo cluster's start makes them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.bootstrap import bootstrap
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.registry import SUFFIX_ALPHABET, Registry, resource
from k9lite.demo.scale import populate
from k9lite.demo.store import Store


class ScriptedSuffixes(random.Random):
    """Random, except that name suffixes take their letters from `script` while it lasts."""

    def __init__(self, script: Iterator[str]) -> None:
        super().__init__(0)
        self.script = script

    def choice(self, seq: Any) -> Any:
        letter = next(self.script, None) if seq == SUFFIX_ALPHABET else None
        return super().choice(seq) if letter is None else seq[SUFFIX_ALPHABET.index(letter)]


def test_a_pod_name_drawn_twice_is_drawn_again() -> None:
    rng = ScriptedSuffixes(iter(()))
    registry = Registry(Store(), rng=rng, addresses=AddressBlock(0, 3))
    bootstrap(registry, EventRecorder(registry), users=())
    # The first pod's name and token volume, then the second pod's name: the same 5 letters.
    rng.script = iter("b" * 15)
    populate(registry, 2)
    names = [p["metadata"]["name"] for p in registry.store.iter(resource("Pod"))]
    assert len(names) == 2 and len(set(names)) == 2
    assert sorted(name.rsplit("-", 1)[1] for name in names)[0] == "bbbbb"
