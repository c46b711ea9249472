"""Builds the web app: the page, its static files, Plotly.js and the API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import plotly
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from app.api.compare import router as compare_router
from app.api.errors import add_error_handlers
from app.api.routes import router
from app.api.security import SecurityHeaders
from app.compare.classical import ComparisonCache
from app.process import setup_process
from app.sessions.store import SessionStore, run_trainer

ROOT = Path(__file__).resolve().parent.parent
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


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
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    templates = Jinja2Templates(directory=ROOT / "templates")
    app.include_router(router)
    app.include_router(compare_router)
    # Classical models' fits, shared by every session (see ComparisonCache).
    app.state.comparisons = ComparisonCache()
    add_error_handlers(app)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "index.html")

    @app.get("/healthz", tags=["health"])
    def healthz() -> Health:
        """Liveness for a load balancer or a supervisor: answers at once, and counts sessions."""
        return Health(status="ok", sessions=len(app.state.sessions))

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        # The copy inside the installed plotly package: the page never needs the internet.
        return FileResponse(PLOTLY_JS, media_type="text/javascript")

    return app


class Health(BaseModel):
    status: str
    sessions: int
