"""Builds the web app: the page, its static files, Plotly.js and the API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from app.api.compare import router as compare_router
from app.api.errors import add_error_handlers
from app.api.routes import router
from app.api.security import SecurityHeaders
from app.api.static_files import Assets, page_directory, page_response
from app.api.static_files import router as static_router
from app.compare.classical import ComparisonCache
from app.process import setup_process
from app.sessions.store import SessionStore, run_trainer


def create_app(
    store: SessionStore | None = None, trainer_period: float = 0.05, docs: bool = True
) -> FastAPI:
    """The application. Tests pass their own store (e.g. with a fake clock); ``docs=False``
    (production mode) leaves out the API's documentation pages and its schema."""
    setup_process()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.sessions = store if store is not None else SessionStore()
        trainer = asyncio.create_task(run_trainer(app.state.sessions, trainer_period))
        yield
        trainer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await trainer

    hidden = {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(
        title="LayerScope", version="0.1.0", lifespan=lifespan, **({} if docs else hidden)
    )
    app.add_middleware(SecurityHeaders)
    # The static files and Plotly.js, under a version (see app/api/static_files.py); the
    # template names each by asset("js/main.js") and gets its versioned URL.
    app.state.assets = assets = Assets(page_directory("static"))
    app.include_router(static_router)
    templates = Jinja2Templates(directory=page_directory("templates"))
    templates.env.globals["asset"] = assets.url
    app.include_router(router)
    app.include_router(compare_router)
    # Classical models' fits, shared by every session (see ComparisonCache).
    app.state.comparisons = ComparisonCache()
    add_error_handlers(app)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index(request: Request) -> Response:
        return page_response(templates.get_template("index.html").render(), request)

    @app.get("/healthz", tags=["health"])
    def healthz() -> Health:
        """Liveness for a load balancer or a supervisor: answers at once, and counts sessions."""
        return Health(status="ok", sessions=len(app.state.sessions))

    return app


class Health(BaseModel):
    status: str
    sessions: int
