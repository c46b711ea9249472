"""How the API answers what it cannot use: every bad input is a 422 with one body,
``{"detail": [{"field", "message", "type"?}]}``, one entry per problem, naming the field and
what it accepts. ``add_error_handlers`` installs the handlers on the app."""

from __future__ import annotations

import math
from typing import Any

import redis.asyncio as redis
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from app.api.schemas import LIMITS
from app.errors import InvalidInput
from app.nn.datasets import DATASETS, MAX_POINTS, TARGET_LIMIT
from app.nn.features import FEATURES
from app.nn.model import ACTIVATIONS, INITIALIZATIONS
from app.nn.optim import OPTIMIZERS, PENALTIES
from app.sessions.service import StoreBusy
from app.sessions.store import SessionGone, StoreFull

# How a 503 for a full server begins (the page tells it from a store that does not answer).
SERVER_FULL = "server full"


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SessionGone, _session_gone)
    app.add_exception_handler(StoreFull, _store_full)
    app.add_exception_handler(StoreBusy, _store_unavailable)
    app.add_exception_handler(redis.RedisError, _store_unavailable)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _unreadable_body)
    app.add_exception_handler(ClientDisconnect, _client_gone)


def _unprocessable(detail: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=422)


async def _invalid_input(request: Request, exc: Exception) -> JSONResponse:
    """Input that passed the request's schema but cannot be used (raised by any room)."""
    assert isinstance(exc, InvalidInput)
    return _unprocessable([{"field": exc.field, "message": exc.message}])


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """A request that fails its schema: one readable sentence per problem."""
    assert isinstance(exc, RequestValidationError)
    detail = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if part not in ("body", "query", "path")]
        # Undecodable JSON is located at a character position, which names no field.
        field = "body" if error["type"] == "json_invalid" else ".".join(loc) or "body"
        detail.append(
            {"field": field, "message": describe_error(field, error), "type": error["type"]}
        )
    return _unprocessable(detail)


async def _unreadable_body(request: Request, exc: Exception) -> JSONResponse | Response:
    """FastAPI answers 400 to a body it cannot even decode (bytes that are not UTF-8), and to
    one cut short by a client that hung up (nobody reads that answer). No route here sends 400
    itself, so a 400 is always one of those: give it the 422 any other bad body gets."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:
        message = "body must be JSON (UTF-8 text)"
        return _unprocessable([{"field": "body", "message": message, "type": "json_invalid"}])
    return await http_exception_handler(request, exc)


async def _session_gone(request: Request, exc: Exception) -> JSONResponse:
    """An unknown session, or one deleted or expired (the page then starts a new one with the
    same settings)."""
    return JSONResponse({"detail": "Session not found"}, status_code=404)


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The store did not answer (Redis down or full: it refuses writes rather than drop
    sessions) or a session changed too often to save a change: try again in a moment."""
    detail = "the session store is busy or not answering: try again in a moment"
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "1"})


async def _store_full(request: Request, exc: Exception) -> JSONResponse:
    """No room for a new session: every session is in use (docs/running-for-a-class.md). Try
    again when the least recently used one stops being in use."""
    assert isinstance(exc, StoreFull)
    seconds = max(1, math.ceil(exc.retry_after))
    detail = f"{SERVER_FULL}: every session is in use; try again in {seconds} s"
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": str(seconds)})


async def _client_gone(request: Request, exc: Exception) -> Response:
    """A client hung up while sending its body (a closed tab during a CSV upload). Nothing was
    changed and nobody is listening: answer 499, as nginx does, rather than log a server error
    with its traceback."""
    return Response(status_code=499)


def describe_error(field: str, error: dict[str, Any]) -> str:
    """A sentence naming the field and what it accepts, for one of pydantic's errors."""
    if field.startswith("config."):  # an imported network's settings: same rules, full name
        name = field.removeprefix("config.")
        return "config." + _describe(name, error)
    return _describe(field, error)


def _describe(field: str, error: dict[str, Any]) -> str:
    if error["type"] == "json_invalid":
        return f"body must be JSON: {error.get('ctx', {}).get('error', error['msg'])}"
    if field.startswith("hidden_layers."):
        low, high = LIMITS["neurons"]
        return f"hidden_layers: each layer has {low} to {high} neurons"
    if field == "hidden_layers" and error["type"] == "too_long":
        return f"hidden_layers: at most {LIMITS['hidden_layers'][1]} hidden layers"
    if field in LIMITS:
        low, high = LIMITS[field]
        return f"{field} must be a finite number from {low:g} to {high:g}"
    if field in ("x1", "x2"):
        return f"{field} must be a finite number from -10 to 10"
    if field == "label":
        return "label must be 0 (class A) or 1 (class B)"
    if field.startswith("layers") and error["type"] == "value_error":
        return f"{field}: {error['ctx']['error']}"
    if field.startswith("layers"):
        return f"{field}: weights must be finite numbers from -1e6 to 1e6, at most 8 per row"
    if field.startswith("optimizer."):
        return f"{field}: the optimizer's memory holds finite numbers, shaped as the layers"
    if field.startswith("batch_generator"):
        return (
            "batch_generator: NumPy's PCG64 state as exported (state and inc as strings of"
            " decimal digits below 2**128)"
        )
    if field in ("data.x", "data.y", "data.is_test") and error["type"] == "too_long":
        return f"{field}: at most {MAX_POINTS} points"
    if field.startswith("data.x."):
        return f"{field}: each point is two finite numbers from -10 to 10"
    if field.startswith("data.y."):
        return f"{field}: a class number or a target, from -{TARGET_LIMIT:g} to {TARGET_LIMIT:g}"
    if field.startswith("data.is_test."):
        return f"{field}: true (a test point) or false (a training point)"
    if field.startswith("neurons"):
        return "neurons: 2 or 3 distinct neuron numbers, each from 0 to 7"
    if field == "projection":
        return "projection must be one of: pca, neurons"
    if field == "at":
        return "at must be a timeline index from 0 to the number of snapshots - 1"
    if field == "known":
        return "known must be a frame's data_id: 16 digits from 0-9 and a-f"
    if field.startswith("features"):
        return f"features: 1 to {len(FEATURES)} distinct names from: {', '.join(FEATURES)}"
    if field == "dataset":
        return f"dataset must be one of: {', '.join(DATASETS)}"
    if field == "optimizer":
        return f"optimizer must be one of: {', '.join(OPTIMIZERS)}"
    if field == "regularization":
        return f"regularization must be one of: {', '.join(PENALTIES)}"
    if field == "activation":
        return f"activation must be one of: {', '.join(ACTIVATIONS)}"
    if field == "initialization":
        return f"initialization must be one of: {', '.join(INITIALIZATIONS)}"
    return f"{field}: {error['msg']}"
