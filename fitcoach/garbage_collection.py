"""Python's garbage collector, set up for the long-running processes: the API, `fitcoach project` and
`fitcoach coach-worker`.

CPython's defaults suit short scripts: a young collection every 700 new container objects, and a full
collection every tenth middle one once the old generation has grown by a quarter since the last. A server
keeps many objects for as long as a connection lives (each WebSocket's handler, operation, context and
follower), so the old generation keeps growing and full collections keep coming, each one scanning every
live object while the event loop waits. With 1,000 `coachChat` subscribers (`python bench/coach.py`), the
API spent 2.5 s of its CPU in collections, full ones of about 165 ms each, and every token in flight
waited that long.

So, once start-up is done:
1. what start-up made (modules, the schema, the services) is frozen: no collection scans it again;
2. young collections come every `YOUNG_THRESHOLD` new container objects instead of 700: far fewer of them,
   each scanning what is still alive of those objects (most of a request's are freed by reference
   counting long before);
3. full collections come only after `OLD_THRESHOLD` middle ones, each after `MIDDLE_THRESHOLD` young ones.
Reference cycles are still collected, later: the ones that die young by the next young collection, the
long-lived ones by the next full collection. The same benchmark after the change, past start-up: 13 to 14
young collections (0.26 s in all, the longest 42 to 75 ms), no full one, and the same peak memory (API
222-226 MB before and after; bench/README.md, "Coach streaming").
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
MIDDLE_THRESHOLD = 20
OLD_THRESHOLD = 100


def settle_after_start_up() -> None:
    """Freeze what start-up made and space the collections out; call once, when the process is ready."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
