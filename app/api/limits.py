"""What one client may send: bounded request bodies, and rates of requests.

A classroom server is reachable by every student's script, and one script must not stop the
class. Two pure ASGI middlewares (cheaper than BaseHTTPMiddleware, and they never buffer a
body themselves):

- ``BodyLimits``: every request body is bounded before it is read. A body whose
  ``Content-Length`` is over its route's limit is refused at once, unread; a chunked body is
  counted as the route reads it and refused as soon as it goes over. The limits: an imported
  network at twice the largest valid file (computed below from the schema's own bounds, so it
  stays true), a CSV file at its 128 KB, every other JSON body at JSON_MAX_BYTES. A 413 names
  the limit and closes the connection (the rest of the body is never read).
- ``RequestRates``: new sessions per client address per minute (generous: a class behind one
  NAT shares an address), and requests per session per second (never per address, so a NAT'd
  class is not throttled). Their counters are in the session store (``Store.hit``), so the
  limits hold across every worker process sharing it. Beyond a limit: 429 with Retry-After.

Behind a reverse proxy the client's address is the proxy's unless uvicorn is told to trust it
(``layerscope --forwarded-allow-ips``): uvicorn then takes the address from X-Forwarded-For
before the app sees the request, and only then.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass

import redis.asyncio as redis
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.schemas import LIMITS, ConfigBody
from app.nn.datasets import MAX_POINTS
from app.nn.features import FEATURES
from app.run.config import TrainingConfig
from app.run.points import MAX_CSV_BYTES

# Any JSON body but an imported network: settings, a step, a point, a view. The largest valid
# one, pretty-printed, is under 1 KB (tests/test_limits.py checks it).
JSON_MAX_BYTES = 8 * 1024
# The longest a float64 is in JSON, as Python (repr) and browsers (JSON.stringify) write it.
LONGEST_FLOAT = -2.2250738585072014e-308
LONGEST_UINT128 = str(2**128 - 1)  # the batch generator's counters, as decimal digits


def largest_network_file() -> dict:
    """A network file at least as large as any valid one: the most layers and units the
    settings allow, the largest optimizer memory (Adam's two numbers per weight), the most
    custom points, and every number at full precision. (Not one a run could export: its
    labels are not classes. It is an upper bound, and fits the file's schema.)"""
    config = ConfigBody(
        dataset="custom-classes",
        features=list(FEATURES),
        n_points=MAX_POINTS,
        hidden_layers=[int(LIMITS["neurons"][1])] * int(LIMITS["hidden_layers"][1]),
        optimizer="adam",
        classes=int(LIMITS["classes"][1]),
    )
    sizes = TrainingConfig.from_dict(config.model_dump()).sizes
    layers = [
        {"w": [[LONGEST_FLOAT] * after for _ in range(before)], "b": [LONGEST_FLOAT] * after}
        for before, after in zip(sizes, sizes[1:], strict=False)
    ]
    return {
        "format": "layerscope-network",
        "version": 2,
        "config": config.model_dump(),
        "step": 10**9,
        "diverged": False,
        "layers": layers,
        "optimizer": {"t": 10**9, "m": layers, "v": layers},
        "batch_generator": {
            "bit_generator": "PCG64",
            "state": {"state": LONGEST_UINT128, "inc": LONGEST_UINT128},
            "has_uint32": 1,
            "uinteger": 2**32 - 1,
        },
        "data": {
            "x": [[LONGEST_FLOAT, LONGEST_FLOAT]] * MAX_POINTS,
            "y": [LONGEST_FLOAT] * MAX_POINTS,
            "is_test": [False] * MAX_POINTS,
        },
    }


def _import_max_bytes() -> int:
    # As the page's Export writes it (JSON.stringify(file, null, 1): one value a line), then
    # twice that: room for a file pretty-printed more loosely by hand. In whole KB.
    largest = len(json.dumps(largest_network_file(), indent=1))
    return math.ceil(2 * largest / 1024) * 1024


IMPORT_MAX_BYTES = _import_max_bytes()


def body_limit(method: str, path: str) -> int:
    """The most bytes a request's body may hold."""
    if path.startswith("/api/sessions/"):
        if method == "POST" and path.endswith("/import"):
            return IMPORT_MAX_BYTES
        if method == "PUT" and path.endswith("/data.csv"):
            return MAX_CSV_BYTES
    return JSON_MAX_BYTES


def too_large_detail(limit: int) -> str:
    return f"request body too large: at most {limit // 1024} KB"


# The rest of a refused body is never read: the connection closes after the answer.
CLOSE = {"Connection": "close"}


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself
    return None


class BodyLimits:
    """Refuses a request body over its route's limit (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["method"], scope["path"])
        length = _content_length(scope)
        if length is not None and length > limit:
            refusal = JSONResponse({"detail": too_large_detail(limit)}, 413, CLOSE)
            await refusal(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the route's reading of its body: FastAPI lets an
                    # HTTPException through, and the app's handler answers it (errors.py).
                    raise HTTPException(413, too_large_detail(limit), CLOSE)
            return message

        await self.app(scope, counted, send)


SESSIONS_PER_MINUTE_ENV = "LAYERSCOPE_SESSIONS_PER_MINUTE"
SESSION_REQUESTS_PER_SECOND_ENV = "LAYERSCOPE_SESSION_REQUESTS_PER_SECOND"


@dataclass(frozen=True)
class RateLimits:
    # New sessions a minute from one client address: a class of 100 behind one NAT address,
    # all loading the page in the same minute, fits (a reload reuses its session).
    sessions_per_minute: int = 120
    # Requests a second to one session: a training page polls about 20 times a second at most.
    session_requests_per_second: int = 40

    @classmethod
    def from_environment(cls) -> RateLimits:
        """The defaults, or LAYERSCOPE_SESSIONS_PER_MINUTE and
        LAYERSCOPE_SESSION_REQUESTS_PER_SECOND where set (``layerscope --sessions-per-minute``
        sets the first for each worker process)."""
        default = cls()
        return cls(
            sessions_per_minute=_at_least_one(SESSIONS_PER_MINUTE_ENV, default.sessions_per_minute),
            session_requests_per_second=_at_least_one(
                SESSION_REQUESTS_PER_SECOND_ENV, default.session_requests_per_second
            ),
        )


def _at_least_one(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


SESSIONS = "/api/sessions"
MAX_SESSION_ID = 64  # the routes refuse longer ids (422): no counter is kept for them


class RequestRates:
    """Refuses requests beyond the rate limits (see the module's docstring) with a 429."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = await self._refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _refusal(self, scope: Scope) -> JSONResponse | None:
        path = scope["path"]
        if path == SESSIONS and scope["method"] == "POST":
            address = (scope.get("client") or ("unknown",))[0]
            limit, window = self.limits.sessions_per_minute, 60.0
            key, what = f"new:{address}", f"new sessions from one address: at most {limit} a minute"
        elif path.startswith(SESSIONS + "/"):
            session_id = path[len(SESSIONS) + 1 :].split("/", 1)[0]
            if not 1 <= len(session_id) <= MAX_SESSION_ID:
                return None
            limit, window = self.limits.session_requests_per_second, 1.0
            key, what = (
                f"session:{session_id}",
                f"requests to one session: at most {limit} a second",
            )
        else:
            return None
        store = scope["app"].state.sessions.store
        try:
            wait = await store.hit(key, limit, window)
        except (redis.RedisError, OSError):
            return None  # the store does not answer: the route meets that too, and says so
        if wait <= 0:
            return None
        retry = str(max(1, math.ceil(wait)))
        return JSONResponse({"detail": f"too many {what}"}, 429, {"Retry-After": retry})


class HeadAsGet:
    """HEAD wherever GET: a HEAD request is served as its GET (same status and headers, its
    Content-Length included) with the body left out. Uptime monitors and some proxies send
    HEAD; FastAPI's routes answer GET only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
