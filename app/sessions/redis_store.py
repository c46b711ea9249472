"""Sessions in Redis, shared by every worker process on every host (see store.py).

Keys, each expiring after the store's ttl without use:
- ``ls:s:{id}``: a hash: ``rev`` (the revision), ``rec`` (the record), ``data`` (the content id
  of its custom points, or "");
- ``ls:t:{id}``: a list: the timeline's snapshots, oldest first;
- ``ls:d:{content id}``: custom points, kept once for every session that uses them;
- ``ls:seen``: a sorted set of every session by the time it was last used (for the cap).

Every change is one Lua script, which Redis runs whole before anything else: the revision
check and the write can't be split by another worker's. Redis must be run with
``maxmemory-policy noeviction`` (docs/running-for-a-class.md): full, it refuses writes rather
than dropping a class's sessions. The data key is found inside the scripts, so this works with
one Redis server (or a primary with replicas), not with Redis Cluster.
"""

from __future__ import annotations

import redis.asyncio as redis

from app.sessions.store import SessionGone, Stored, TimelineOp

PREFIX = "ls:"
SEEN = PREFIX + "seen"

# KEYS: session, timeline, seen. ARGV: id, record, data id, ttl (ms), max sessions, then the
# timeline's first snapshots.
CREATE = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[4]) / 1000)
while redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) do
  local oldest = redis.call('ZPOPMIN', KEYS[3])[1]
  redis.call('DEL', 'ls:s:' .. oldest, 'ls:t:' .. oldest)
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'rev', 0, 'rec', ARGV[2], 'data', ARGV[3])
for i = 6, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if #ARGV >= 6 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
redis.call('ZADD', KEYS[3], now, ARGV[1])
return 0
"""

# KEYS: session, timeline, seen. ARGV: id, ttl (ms), the revision the caller has (or "").
# Returns {rev, rec}, {rev} if the caller has that revision, or nil.
LOAD = """
local found = redis.call('HMGET', KEYS[1], 'rev', 'data')
if not found[1] then return nil end
local now = redis.call('TIME')
redis.call('ZADD', KEYS[3], tonumber(now[1]) + tonumber(now[2]) / 1e6, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if found[2] ~= '' then redis.call('PEXPIRE', 'ls:d:' .. found[2], ARGV[2]) end
if found[1] == ARGV[3] then return {found[1]} end
return {found[1], redis.call('HGET', KEYS[1], 'rec')}
"""

# KEYS: session, timeline, seen. ARGV: id, expected revision, record, data id, ttl (ms), then
# the timeline's operations: "clear", "thin", or "append" followed by a snapshot.
# Returns the new revision, -1 if another writer got there first, -2 if the session is gone.
SAVE = """
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
local now = redis.call('TIME')
redis.call('ZADD', KEYS[3], tonumber(now[1]) + tonumber(now[2]) / 1e6, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return rev
"""

# KEYS: seen. ARGV: ttl (ms). Drops sessions that expired from the set, then counts.
COUNT = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]) / 1000)
return redis.call('ZCARD', KEYS[1])
"""


class RedisStore:
    """The store in Redis. Made inside the app's lifespan, so that each worker process opens
    its own connections, on its own event loop, after uvicorn has started it."""

    kind = "redis"

    def __init__(self, url: str, max_sessions: int = 1000, ttl: float = 30 * 60) -> None:
        self.max_sessions, self.ttl = max_sessions, ttl
        self._ttl_ms = int(ttl * 1000)
        self.redis = redis.from_url(url)
        self._create = self.redis.register_script(CREATE)
        self._load = self.redis.register_script(LOAD)
        self._save = self.redis.register_script(SAVE)
        self._count = self.redis.register_script(COUNT)

    @staticmethod
    def _keys(session_id: str) -> list[str]:
        return [f"{PREFIX}s:{session_id}", f"{PREFIX}t:{session_id}", SEEN]

    async def create(
        self, session_id: str, record: bytes, data_id: str | None, timeline: list[bytes]
    ) -> None:
        args = [session_id, record, data_id or "", self._ttl_ms, self.max_sessions, *timeline]
        await self._create(keys=self._keys(session_id), args=args)

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
            deleted, _ = await pipe.execute()
        return deleted > 0

    async def timeline(self, session_id: str) -> list[bytes]:
        session, timeline, _ = self._keys(session_id)
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
        return int(await self._count(keys=[SEEN], args=[self._ttl_ms]))

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except (redis.RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.redis.aclose()
