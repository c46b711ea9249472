"""One contract, two stores: every test here runs against the memory store and a real Redis."""

from __future__ import annotations

import asyncio
import secrets

import numpy as np
import pytest

from app.sessions import codec
from app.sessions.redis_store import RedisStore
from app.sessions.store import (
    CLEAR,
    THIN,
    MemoryStore,
    SessionGone,
    Stored,
    StoreFull,
    append,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["memory", "redis"])
async def make_store(request, redis_url):
    """Makes stores of the parameter's kind; a Redis one starts from an empty database."""
    made = []

    async def make(**settings):
        if request.param == "memory":
            store = MemoryStore(**settings)
        else:
            store = RedisStore(redis_url, **settings)
            if not made:
                await store.redis.flushdb()
        made.append(store)
        return store

    yield make
    for store in made:
        await store.close()


def new_id() -> str:
    return secrets.token_urlsafe(16)


async def test_a_new_session_is_at_revision_0_with_its_record_and_timeline(make_store):
    store = await make_store()
    sid = new_id()
    await store.create(sid, b"record", None, [b"s0"])
    assert await store.load(sid) == Stored(0, b"record")
    assert await store.timeline(sid) == [b"s0"]
    assert await store.count() == 1


async def test_save_is_compare_and_set_on_the_revision(make_store):
    store = await make_store()
    sid = new_id()
    await store.create(sid, b"r0", None, [])
    assert await store.save(sid, 0, b"r1", None, []) == 1
    # A writer that read revision 0 lost: nothing changes, it is told so.
    assert await store.save(sid, 0, b"stale", None, []) is None
    assert (await store.load(sid)).record == b"r1"
    assert await store.save(sid, 1, b"r2", None, []) == 2
    assert await store.load(sid) == Stored(2, b"r2")


async def test_concurrent_writers_from_one_revision_only_one_wins(make_store):
    store = await make_store()
    sid = new_id()
    await store.create(sid, b"r0", None, [])
    results = await asyncio.gather(
        *(store.save(sid, 0, f"w{i}".encode(), None, []) for i in range(8))
    )
    assert sorted(results, key=lambda r: r is None) == [1] + [None] * 7
    winner = results.index(1)
    assert await store.load(sid) == Stored(1, f"w{winner}".encode())


async def test_timeline_operations_apply_in_order(make_store):
    store = await make_store()
    sid = new_id()
    await store.create(sid, b"r", None, [b"0"])
    ops = [append(b"1"), append(b"2"), append(b"3"), THIN, append(b"4")]
    assert await store.save(sid, 0, b"r", None, ops) == 1
    assert await store.timeline(sid) == [b"0", b"2", b"4"]
    assert await store.save(sid, 1, b"r", None, [CLEAR, append(b"new")]) == 2
    assert await store.timeline(sid) == [b"new"]
    # A save that loses the race leaves the timeline alone too.
    assert await store.save(sid, 1, b"r", None, [CLEAR]) is None
    assert await store.timeline(sid) == [b"new"]


async def test_binary_records_and_snapshots_travel_exactly(make_store):
    store = await make_store()
    sid = new_id()
    weights = np.random.default_rng(0).normal(size=(8, 8))
    record = codec.encode({"w": weights, "step": 3, "name": "한국어"})
    snapshot = bytes(range(256)) * 4
    await store.create(sid, record, None, [snapshot])
    back = codec.decode((await store.load(sid)).record)
    assert np.array_equal(back["w"], weights) and back["step"] == 3 and back["name"] == "한국어"
    assert await store.timeline(sid) == [snapshot]


async def test_unknown_and_deleted_sessions_are_gone(make_store):
    store = await make_store()
    sid = new_id()
    with pytest.raises(SessionGone):
        await store.load(sid)
    with pytest.raises(SessionGone):
        await store.save(sid, 0, b"r", None, [])
    with pytest.raises(SessionGone):
        await store.timeline(sid)
    await store.create(sid, b"r", None, [b"s"])
    assert await store.delete(sid) is True
    assert await store.delete(sid) is False
    with pytest.raises(SessionGone):
        await store.load(sid)
    assert await store.count() == 0


async def test_sessions_and_data_expire_after_the_ttl_without_use(make_store):
    # Generous times: a busy machine may sleep longer than asked, never shorter.
    store = await make_store(ttl=1.5)
    kept, dropped = new_id(), new_id()
    await store.put_data("d1", b"points")
    await store.create(kept, b"r", "d1", [b"s"])
    await store.create(dropped, b"r", None, [b"s"])
    for _ in range(4):  # using a session renews its ttl, and its data's
        await asyncio.sleep(0.5)
        await store.load(kept)
    with pytest.raises(SessionGone):
        await store.load(dropped)
    assert await store.get_data("d1") == b"points"
    assert await store.count() == 1
    await asyncio.sleep(2.0)
    with pytest.raises(SessionGone):
        await store.load(kept)
    assert await store.get_data("d1") is None


async def test_data_is_kept_once_by_content_id(make_store):
    store = await make_store()
    await store.put_data("abc", b"x" * 1000)
    assert await store.get_data("abc") == b"x" * 1000
    assert await store.get_data("other") is None


async def test_a_full_store_drops_sessions_never_used_first_oldest_first(make_store):
    store = await make_store(max_sessions=3)
    used, new, newer = new_id(), new_id(), new_id()
    for sid in (used, new, newer):
        await store.create(sid, b"r", None, [])
        await asyncio.sleep(0.01)  # distinct times of creation
    await store.load(used)  # in use from now on; the other two were never asked about
    newest = new_id()
    await store.create(newest, b"r", None, [])
    assert await store.count() == 3
    with pytest.raises(SessionGone):
        await store.load(new)
    # Asked about (and so in use) now, the newer one stays; the newest, never asked, goes.
    await store.load(newer)
    await store.create(new_id(), b"r", None, [])
    with pytest.raises(SessionGone):
        await store.load(newest)
    for sid in (used, newer):
        await store.load(sid)


async def test_a_store_full_of_sessions_in_use_refuses_a_new_one(make_store):
    # A session is in use for 3 s here. The first refusal needs only the two saves and one
    # create to take under 3 s; the sleeps after it add up to more than 3 s, and a busy
    # machine may sleep longer than asked, never shorter.
    store = await make_store(max_sessions=2, in_use=3.0)
    first, second = new_id(), new_id()
    for sid in (first, second):
        await store.create(sid, b"r", None, [])
        await store.save(sid, 0, b"r1", None, [])  # a save is a use too
    with pytest.raises(StoreFull) as full:
        await store.create(new_id(), b"r", None, [])
    assert 0 < full.value.retry_after <= 3.0
    assert await store.count() == 2
    await asyncio.sleep(1.5)
    await store.load(second)  # the most recently used now
    await asyncio.sleep(2.0)
    # The first is no longer in use (no request for 3.5 s or more): it makes room.
    third = new_id()
    await store.create(third, b"r", None, [])
    with pytest.raises(SessionGone):
        await store.load(first)
    assert (await store.load(second)).revision == 1
    await store.load(third)


async def test_a_released_session_goes_after_its_grace_unless_used_again(make_store):
    store = await make_store()
    gone, taken_back = new_id(), new_id()
    for sid in (gone, taken_back):
        await store.create(sid, b"r", None, [b"s"])
        await store.load(sid)
        await store.release(sid, grace=2.0)
    # A reload: the page takes its session back in time (2 s: a generous bound on one load).
    await store.load(taken_back)
    await store.release(new_id(), grace=2.0)  # an unknown session: nothing happens
    await asyncio.sleep(3.0)
    with pytest.raises(SessionGone):
        await store.load(gone)
    with pytest.raises(SessionGone):
        await store.timeline(gone)
    assert await store.timeline(taken_back) == [b"s"]
    assert await store.count() == 1


async def test_a_released_session_is_the_first_to_make_room(make_store):
    store = await make_store(max_sessions=2)
    released, kept = new_id(), new_id()
    for sid in (released, kept):
        await store.create(sid, b"r", None, [])
        await store.load(sid)  # both in use
    await store.release(released, grace=60)
    await store.create(new_id(), b"r", None, [])
    with pytest.raises(SessionGone):
        await store.load(released)
    await store.load(kept)


async def test_hits_are_counted_per_key_within_a_window(make_store):
    store = await make_store()
    assert [await store.hit("a", 3, 60) for _ in range(3)] == [0, 0, 0]
    refused = await store.hit("a", 3, 60)
    assert 0 < refused <= 60  # the seconds until the window ends
    assert await store.hit("b", 3, 60) == 0  # another key counts on its own
    assert await store.hit("a", 3, 60) > 0


async def test_a_hit_counter_starts_again_when_its_window_ends(make_store):
    store = await make_store()
    # A window of 2 s: the second hit, right after the first, falls in it on any machine.
    assert await store.hit("k", 1, 2.0) == 0
    assert 0 < await store.hit("k", 1, 2.0) <= 2.0
    await asyncio.sleep(2.5)
    assert await store.hit("k", 1, 2.0) == 0


async def test_hit_counters_are_shared_by_every_client_of_one_store(make_store, redis_url):
    # Two RedisStores on one Redis are two worker processes; two memory stores share nothing,
    # so this checks the memory store's counting alone.
    first = await make_store()
    second = first if isinstance(first, MemoryStore) else RedisStore(redis_url)
    try:
        counts = await asyncio.gather(
            *(store.hit("shared", 5, 60) for store in [first, second] * 4)
        )
        assert sorted(count == 0 for count in counts) == [False] * 3 + [True] * 5
    finally:
        if second is not first:
            await second.close()


async def test_the_store_answers_a_ping(make_store):
    store = await make_store()
    assert await store.ping() is True


async def test_a_redis_store_that_cannot_connect_says_so():
    store = RedisStore("redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert await store.ping() is False
    await store.close()


async def test_load_leaves_out_a_record_the_caller_has_already(make_store):
    store = await make_store()
    sid = new_id()
    await store.create(sid, b"r0", None, [])
    assert await store.load(sid, have=0) == Stored(0, None)
    await store.save(sid, 0, b"r1", None, [])
    assert await store.load(sid, have=0) == Stored(1, b"r1")  # not the latest: the record
    assert await store.load(sid, have=1) == Stored(1, None)
