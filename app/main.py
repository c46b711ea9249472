"""Builds the web app: the page, its static files, Plotly.js and the API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from app.api.compare import router as compare_router
from app.api.routes import router
from app.api.schemas import describe_error
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
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _unreadable_body)
    app.add_exception_handler(ClientDisconnect, _client_gone)

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


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with one readable sentence per problem, naming the field and what it accepts."""
    assert isinstance(exc, RequestValidationError)
    detail = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if part not in ("body", "query", "path")]
        # Undecodable JSON is located at a character position, which names no field.
        field = "body" if error["type"] == "json_invalid" else ".".join(loc) or "body"
        detail.append(
            {"field": field, "message": describe_error(field, error), "type": error["type"]}
        )
    return JSONResponse({"detail": detail}, status_code=422)


async def _unreadable_body(request: Request, exc: Exception) -> JSONResponse | Response:
    """FastAPI answers 400 to a body it cannot even decode (bytes that are not UTF-8), and to
    one cut short by a client that hung up (nobody reads that answer). No route here sends 400
    itself, so a 400 is always one of those: give it the 422 any other bad body gets."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:
        message = "body must be JSON (UTF-8 text)"
        detail = [{"field": "body", "message": message, "type": "json_invalid"}]
        return JSONResponse({"detail": detail}, status_code=422)
    return await http_exception_handler(request, exc)


async def _client_gone(request: Request, exc: Exception) -> Response:
    """A client hung up while sending its body (a closed tab during a CSV upload). Nothing was
    changed and nobody is listening: answer 499, as nginx does, rather than log a server error
    with its traceback."""
    return Response(status_code=499)
