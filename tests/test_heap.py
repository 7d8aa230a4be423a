"""raqib.heap: the cyclic collector paused or kept off old objects, and always restored."""

from __future__ import annotations

import gc

import pytest

from raqib.heap import collector_paused, heap_frozen


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_paused_restores_the_state_it_found(collector, enabled):
    gc.enable() if enabled else gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


def test_collector_paused_restores_it_when_the_block_raises(collector):
    gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a load that fails")
    assert gc.isenabled()


def test_heap_frozen_hands_the_objects_back():
    before = gc.get_freeze_count()
    kept = [[i] for i in range(1000)]  # container objects alive when the block starts
    with heap_frozen():
        assert gc.get_freeze_count() >= before + len(kept)
        made = [[i] for i in range(10)]
        assert all(gc.is_tracked(x) for x in made)
    assert gc.get_freeze_count() == 0
    del kept, made


def test_a_cycle_made_inside_heap_frozen_is_still_collected():
    class Node:
        pass

    with heap_frozen():
        a, b = Node(), Node()
        a.other, b.other = b, a
        ident = id(a)
        del a, b
        gc.collect()
        assert not any(id(o) == ident for o in gc.get_objects() if isinstance(o, Node))


def test_load_resources_leaves_the_collector_as_it_was(collector):
    from raqib.resources import load_resources

    gc.enable()
    assert load_resources().gazetteer.entries
    assert gc.isenabled()
