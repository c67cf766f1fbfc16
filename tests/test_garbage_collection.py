"""The long-running processes' garbage collector (fitcoach/garbage_collection.py), in a process of its own
(freezing would change this one): start-up objects frozen, collections spaced out, cycles still collected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fitcoach.garbage_collection import MIDDLE_THRESHOLD, OLD_THRESHOLD, YOUNG_THRESHOLD

REPO = Path(__file__).resolve().parents[1]
PROBE = """
import gc, json, weakref
from fitcoach.garbage_collection import settle_after_start_up

before = gc.get_freeze_count()
settle_after_start_up()

class Node:
    pass

def orphan_cycle():
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)

def collected_by(collect):
    gone = orphan_cycle()
    collect()
    return gone() is None

print(json.dumps({
    "frozen_before": before,
    "frozen_after": gc.get_freeze_count(),
    "thresholds": gc.get_threshold(),
    "enabled": gc.isenabled(),
    "young_collection_frees_a_young_cycle": collected_by(lambda: gc.collect(0)),
    "allocations_alone_free_it": collected_by(lambda: [Node() for _ in range(3 * gc.get_threshold()[0])]),
}))
"""


def probe() -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    result: dict[str, object] = json.loads(output)
    return result


def test_start_up_objects_are_frozen_and_collections_spaced_out_but_cycles_still_collected() -> None:
    result = probe()
    assert result["frozen_before"] == 0
    frozen = result["frozen_after"]
    assert isinstance(frozen, int)
    assert frozen > 1000  # modules and all
    assert result["thresholds"] == [YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD]
    assert result["enabled"] is True
    assert result["young_collection_frees_a_young_cycle"] is True
    assert result["allocations_alone_free_it"] is True  # the collector still runs on its own
