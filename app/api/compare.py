"""The Compare view's route: classical models fitted on a session's points, beside the network."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from app.api.routes import SESSION, SessionId, SessionsDep
from app.compare.classical import (
    BOUNDS,
    PANEL_RESOLUTION,
    ComparisonCache,
    Settings,
    cache_key,
    compare,
)
from app.nn.datasets import extent

router = APIRouter(prefix="/api")
DEFAULTS = Settings()


def _bounded(name: str) -> Any:
    low, high = BOUNDS[name]
    return Field(getattr(DEFAULTS, name), ge=low, le=high, allow_inf_nan=False)


class CompareQuery(BaseModel):
    """The classical models' settings, as query parameters; each falls back to its default."""

    model_config = ConfigDict(extra="forbid")

    logistic_c: float = _bounded("logistic_c")
    svm_c: float = _bounded("svm_c")
    svm_gamma: float = _bounded("svm_gamma")
    tree_depth: int = _bounded("tree_depth")
    forest_trees: int = _bounded("forest_trees")
    forest_depth: int = _bounded("forest_depth")
    boosting_rounds: int = _bounded("boosting_rounds")
    boosting_depth: int = _bounded("boosting_depth")


class ModelFit(BaseModel):
    model: str
    train_accuracy: float | None  # None without training (or test) points
    test_accuracy: float | None
    fit_ms: float
    map: dict[str, Any]  # the decision map, encoded (see classical.encode_map)


class Comparison(BaseModel):
    side: int
    axis: list[float]
    classes: list[int]
    settings: CompareQuery
    models: list[ModelFit]
    cached: bool


def get_cache(request: Request) -> ComparisonCache:
    return request.app.state.comparisons


CacheDep = Annotated[ComparisonCache, Depends(get_cache)]


@router.get(
    "/sessions/{session_id}/compare",
    response_model=Comparison,
    responses=SESSION,  # its 422 also covers data the models cannot fit (e.g. too few classes)
)
async def compare_models(
    sessions: SessionsDep,
    session_id: SessionId,
    cache: CacheDep,
    query: Annotated[CompareQuery, Query()],
) -> dict:
    """Six classical models fitted on the session's training points: each one's decision map
    over the input plane, its training and test accuracy and its fit time."""
    record, _ = await sessions.read(session_id)
    run = record.run
    x, y, is_test = run.x, run.y, run.is_test
    plane = extent(run.config.dataset, x)
    settings = Settings(**query.model_dump())
    seed = run.config.seed
    key = cache_key(x, y, is_test, plane, settings, seed)
    # Fitting takes up to a second: in a worker thread, never on the event loop. Points the
    # models cannot fit raise InvalidInput, which the app answers with a 422.
    result, cached = await run_in_threadpool(
        cache.get, key, lambda: compare(x, y, is_test, plane, settings, seed, PANEL_RESOLUTION)
    )
    return {**result, "cached": cached}
