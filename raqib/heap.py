"""The cyclic garbage collector around raqib's bulk work.

Reference counting frees almost everything raqib makes; the cyclic collector exists for the rest,
and now and then walks every container object the process holds. In a process that has loaded the
resources (about 200,000 objects: the gazetteer, its indexes, the rules) that walk costs a third of
the load itself and, in a long batch, tenths of a second each time the oldest generation is collected
(0.4 s measured on a loaded host), for objects that live as long as the process. These two tools keep the collector away from such
objects; garbage made later is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without the cyclic collector: for code that builds many objects meant to live on
    (a load, a large read). Its previous state (on or off) is restored afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Keep the collector off every object alive when the block starts (``gc.freeze``) while it runs,
    for a long run over a large heap; those objects are handed back to it afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
