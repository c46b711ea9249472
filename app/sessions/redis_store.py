"""Sessions in Redis, shared by every worker process on every host (see store.py).

Keys, each expiring after the store's ttl without use:
- ``ls:s:{id}``: a hash: ``rev`` (the revision), ``rec`` (the record), ``data`` (the content id
  of its custom points, or "");
- ``ls:t:{id}``: a list: the timeline's snapshots, oldest first;
- ``ls:d:{content id}``: custom points, kept once for every session that uses them;
- ``ls:seen``: a sorted set of every session by the time it was last used (for the cap);
- ``ls:new``: a sorted set of the sessions not used since their creation (or released by their
  page), by the same time: the first to drop when the store is full;
- ``ls:r:{key}``: a rate limit's count of requests in its window (expiring with the window).

Every change is one Lua script, which Redis runs whole before anything else: the revision
check and the write can't be split by another worker's. Times are Redis's own clock (TIME), so
that every worker, on every host, agrees on them. Redis must be run with
``maxmemory-policy noeviction`` (docs/running-for-a-class.md): full, it refuses writes rather
than dropping a class's sessions. The data key is found inside the scripts, so this works with
one Redis server (or a primary with replicas), not with Redis Cluster.
"""

from __future__ import annotations

import redis.asyncio as redis

from app.sessions.store import IN_USE, MAX_SESSIONS, SessionGone, Stored, StoreFull, TimelineOp

PREFIX = "ls:"
SEEN = PREFIX + "seen"
NEW = PREFIX + "new"

# Every script's first lines: the time now, in seconds.
NOW = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1e6
"""

# KEYS: session, timeline, seen, new. ARGV: id, record, data id, ttl (ms), max sessions, in use
# (ms), then the timeline's first snapshots. Returns 0, or if every session is in use the
# milliseconds until the least recently used one is not.
CREATE = (
    NOW
    + """
local expired = now - tonumber(ARGV[4]) / 1000
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', expired)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', expired)
while redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) do
  local victim = redis.call('ZPOPMIN', KEYS[4])[1]
  if not victim then
    local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    local free_in = tonumber(oldest[2]) + tonumber(ARGV[6]) / 1000 - now
    if free_in > 0 then return math.ceil(free_in * 1000) end
    victim = oldest[1]
  end
  redis.call('ZREM', KEYS[3], victim)
  redis.call('DEL', 'ls:s:' .. victim, 'ls:t:' .. victim)
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'rev', 0, 'rec', ARGV[2], 'data', ARGV[3])
for i = 7, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if #ARGV >= 7 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
redis.call('ZADD', KEYS[3], now, ARGV[1])
redis.call('ZADD', KEYS[4], now, ARGV[1])
return 0
"""
)

# A session used: its time of use now, no longer new. (Inside LOAD and SAVE, after NOW.)
USED = """
redis.call('ZADD', KEYS[3], now, ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
"""

# KEYS: session, timeline, seen, new. ARGV: id, ttl (ms), the revision the caller has (or "").
# Returns {rev, rec}, {rev} if the caller has that revision, or nil.
LOAD = (
    """
local found = redis.call('HMGET', KEYS[1], 'rev', 'data')
if not found[1] then return nil end
"""
    + NOW
    + USED
    + """
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if found[2] ~= '' then redis.call('PEXPIRE', 'ls:d:' .. found[2], ARGV[2]) end
if found[1] == ARGV[3] then return {found[1]} end
return {found[1], redis.call('HGET', KEYS[1], 'rec')}
"""
)

# KEYS: session, timeline, seen, new. ARGV: id, expected revision, record, data id, ttl (ms),
# then the timeline's operations: "clear", "thin", or "append" followed by a snapshot.
# Returns the new revision, -1 if another writer got there first, -2 if the session is gone.
SAVE = (
    """
local rev = redis.call('HGET', KEYS[1], 'rev')
if not rev then return -2 end
if tonumber(rev) ~= tonumber(ARGV[2]) then return -1 end
rev = tonumber(rev) + 1
redis.call('HSET', KEYS[1], 'rev', rev, 'rec', ARGV[3], 'data', ARGV[4])
local i = 6
while i <= #ARGV do
  if ARGV[i] == 'clear' then
    redis.call('DEL', KEYS[2])
  elseif ARGV[i] == 'thin' then
    local all = redis.call('LRANGE', KEYS[2], 0, -1)
    redis.call('DEL', KEYS[2])
    for k = 1, #all, 2 do redis.call('RPUSH', KEYS[2], all[k]) end
  else
    i = i + 1
    redis.call('RPUSH', KEYS[2], ARGV[i])
  end
  i = i + 1
end
"""
    + NOW
    + USED
    + """
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return rev
"""
)

# KEYS: session, timeline, seen, new. ARGV: id, ttl (ms), grace (ms). The session's keys expire
# in grace ms, and it is dated as if last used ttl - grace ago: new again (the first to drop),
# and out of the sets when its keys expire.
RELEASE = (
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
"""
    + NOW
    + """
local aged = now - (tonumber(ARGV[2]) - tonumber(ARGV[3])) / 1000
local used = redis.call('ZSCORE', KEYS[3], ARGV[1])
if used and tonumber(used) < aged then aged = tonumber(used) end
redis.call('ZADD', KEYS[3], aged, ARGV[1])
redis.call('ZADD', KEYS[4], aged, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""
)

# KEYS: seen, new. ARGV: ttl (ms). Drops sessions that expired from the sets, then counts.
COUNT = (
    NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[1]) / 1000)
return redis.call('ZCARD', KEYS[1])
"""
)

# KEYS: the counter. ARGV: limit, window (ms). Returns 0 if within the limit, else the
# milliseconds left in the window. The window starts with its first request (INCR makes the
# key, PEXPIRE gives it the window's length).
HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count <= tonumber(ARGV[1]) then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then  -- a counter left without its expiry: give it one, never count forever
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  left = tonumber(ARGV[2])
end
return math.max(left, 1)
"""


class RedisStore:
    """The store in Redis. Made inside the app's lifespan, so that each worker process opens
    its own connections, on its own event loop, after uvicorn has started it."""

    kind = "redis"

    def __init__(
        self,
        url: str,
        max_sessions: int = MAX_SESSIONS,
        ttl: float = 30 * 60,
        in_use: float = IN_USE,
    ) -> None:
        self.max_sessions, self.ttl, self.in_use = max_sessions, ttl, in_use
        self._ttl_ms = int(ttl * 1000)
        self.redis = redis.from_url(url)
        self._create = self.redis.register_script(CREATE)
        self._load = self.redis.register_script(LOAD)
        self._save = self.redis.register_script(SAVE)
        self._release = self.redis.register_script(RELEASE)
        self._count = self.redis.register_script(COUNT)
        self._hit = self.redis.register_script(HIT)

    @staticmethod
    def _keys(session_id: str) -> list[str]:
        return [f"{PREFIX}s:{session_id}", f"{PREFIX}t:{session_id}", SEEN, NEW]

    async def create(
        self, session_id: str, record: bytes, data_id: str | None, timeline: list[bytes]
    ) -> None:
        in_use_ms = int(self.in_use * 1000)
        args = [session_id, record, data_id or "", self._ttl_ms, self.max_sessions, in_use_ms]
        free_in_ms = await self._create(keys=self._keys(session_id), args=[*args, *timeline])
        if free_in_ms:
            raise StoreFull(free_in_ms / 1000)

    async def load(self, session_id: str, have: int | None = None) -> Stored:
        args = [session_id, self._ttl_ms, "" if have is None else have]
        found = await self._load(keys=self._keys(session_id), args=args)
        if found is None:
            raise SessionGone(session_id)
        return Stored(int(found[0]), found[1] if len(found) > 1 else None)

    async def save(
        self,
        session_id: str,
        revision: int,
        record: bytes,
        data_id: str | None,
        timeline: list[TimelineOp],
    ) -> int | None:
        ops = [part for op in timeline for part in op]
        args = [session_id, revision, record, data_id or "", self._ttl_ms, *ops]
        result = await self._save(keys=self._keys(session_id), args=args)
        if result == -2:
            raise SessionGone(session_id)
        return None if result == -1 else int(result)

    async def delete(self, session_id: str) -> bool:
        keys = self._keys(session_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(*keys[:2])
            pipe.zrem(SEEN, session_id)
            pipe.zrem(NEW, session_id)
            deleted, *_ = await pipe.execute()
        return deleted > 0

    async def release(self, session_id: str, grace: float) -> None:
        args = [session_id, self._ttl_ms, max(1, int(grace * 1000))]
        await self._release(keys=self._keys(session_id), args=args)

    async def hit(self, key: str, limit: int, window: float) -> float:
        args = [limit, max(1, int(window * 1000))]
        return int(await self._hit(keys=[f"{PREFIX}r:{key}"], args=args)) / 1000

    async def timeline(self, session_id: str) -> list[bytes]:
        session, timeline, *_ = self._keys(session_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.exists(session)
            pipe.lrange(timeline, 0, -1)
            exists, snapshots = await pipe.execute()
        if not exists:
            raise SessionGone(session_id)
        return snapshots

    async def put_data(self, data_id: str, data: bytes) -> None:
        await self.redis.set(f"{PREFIX}d:{data_id}", data, px=self._ttl_ms)

    async def get_data(self, data_id: str) -> bytes | None:
        return await self.redis.getex(f"{PREFIX}d:{data_id}", px=self._ttl_ms)

    async def count(self) -> int:
        return int(await self._count(keys=[SEEN, NEW], args=[self._ttl_ms]))

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except (redis.RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.redis.aclose()
