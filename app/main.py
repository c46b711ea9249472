"""Builds the web app: the page, its static files, Plotly.js and the API."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from app.api.compare import router as compare_router
from app.api.errors import add_error_handlers
from app.api.limits import BodyLimits, HeadAsGet, RateLimits, RequestRates
from app.api.module_graph import module_graph
from app.api.routes import router
from app.api.schemas import options
from app.api.security import SecurityHeaders
from app.api.static_files import Assets, page_directory, page_response
from app.api.static_files import router as static_router
from app.compare.classical import ComparisonCache
from app.process import setup_process
from app.sessions.redis_store import RedisStore
from app.sessions.service import SessionService
from app.sessions.store import MAX_SESSIONS, MemoryStore, Store

MAX_SESSIONS_ENV = "LAYERSCOPE_MAX_SESSIONS"


def create_app(
    store_url: str | None = None,
    *,
    store: Store | None = None,
    docs: bool | None = None,
    service: dict | None = None,
    limits: RateLimits | None = None,
) -> FastAPI:
    """The application. Sessions live in the store ``store_url`` names ("memory", the default,
    or a Redis URL; else the LAYERSCOPE_STORE variable, which ``layerscope`` sets for each
    worker process), at most LAYERSCOPE_MAX_SESSIONS of them, or in ``store`` (tests pass one,
    e.g. with a small ttl). ``docs=False`` (production mode; else the LAYERSCOPE_PRODUCTION
    variable) leaves out the API's documentation pages and its schema. ``service`` holds
    SessionService's options (tests give it a clock). ``limits``: the rate limits (else the
    defaults, and LAYERSCOPE_SESSIONS_PER_MINUTE; see app/api/limits.py)."""
    setup_process()
    store_url = store_url or os.environ.get("LAYERSCOPE_STORE", "memory")
    max_sessions = int(os.environ.get(MAX_SESSIONS_ENV) or MAX_SESSIONS)
    if docs is None:
        docs = os.environ.get("LAYERSCOPE_PRODUCTION") != "1"

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Opened here, in the worker process and on its event loop: a Redis connection pool
        # made before uvicorn forks its workers would be shared by all of them.
        kept = store if store is not None else open_store(store_url, max_sessions)
        app.state.sessions = SessionService(kept, **(service or {}))
        yield
        await kept.close()

    hidden = {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(
        title="LayerScope", version="0.1.0", lifespan=lifespan, **({} if docs else hidden)
    )
    # Outermost last: security headers on every answer, the limits' refusals included; HEAD
    # served as GET; bodies bounded before anything reads them; then the rates.
    app.add_middleware(RequestRates, limits=limits or RateLimits.from_environment())
    app.add_middleware(BodyLimits)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    # The static files and Plotly.js, under a version (see app/api/static_files.py); the
    # template names each by asset("js/main.js") and gets its versioned URL.
    app.state.assets = assets = Assets(page_directory("static"))
    app.include_router(static_router)
    templates = Jinja2Templates(directory=page_directory("templates"))
    templates.env.globals["asset"] = assets.url
    # Every module of the page, named in its <head> so that the browser fetches them all at once.
    templates.env.globals["page_modules"] = module_graph(assets.contents, "js/main.js")
    app.include_router(router)
    app.include_router(compare_router)
    # Classical models' fits, shared by every session (see ComparisonCache).
    app.state.comparisons = ComparisonCache()
    add_error_handlers(app)

    # The page carries GET /api/options in itself: one round trip less before its first frame.
    page_options = options()

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> Response:
        page = templates.get_template("index.html").render(options=page_options)
        return page_response(page, request)

    @app.get("/healthz", tags=["health"], response_model=Health, responses={503: {"model": Health}})
    async def healthz() -> JSONResponse:
        """For a load balancer or a supervisor: the kind of store (never its URL, which may hold
        a password), whether it answers (503 if not), and how many sessions it keeps."""
        kept = app.state.sessions.store
        answers = await kept.ping()
        health = Health(
            status="ok" if answers else "store not answering",
            store=kept.kind,
            store_answers=answers,
            sessions=await kept.count() if answers else None,
        )
        return JSONResponse(health.model_dump(), status_code=200 if answers else 503)

    return app


def open_store(url: str, max_sessions: int = MAX_SESSIONS) -> Store:
    """The store a URL names: "memory" for this process, redis://... for Redis; keeping at most
    ``max_sessions``."""
    if url == "memory":
        return MemoryStore(max_sessions)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url, max_sessions)
    raise ValueError("store must be 'memory' or a redis://host:port/db URL")


class Health(BaseModel):
    status: str
    store: str  # "memory" or "redis"
    store_answers: bool
    sessions: int | None
