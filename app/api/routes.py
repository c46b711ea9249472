"""The HTTP API: create a session, step it, train it, and fetch what to draw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from app.api.frame_schema import Frame
from app.api.schemas import (
    ConfigBody,
    ConfigChanged,
    Detail,
    FieldErrors,
    NetworkFile,
    Options,
    PointBody,
    SessionCreated,
    SessionSummary,
    StepBody,
    TrainingStatus,
    ViewBody,
    options,
)
from app.errors import InvalidInput
from app.nn.datasets import extent
from app.pictures.encoding import PACKED_MEDIA_TYPE, pack, to_json
from app.pictures.frame import without_known_data
from app.pictures.panels import Projection
from app.run import points
from app.run.history import MAX_SNAPSHOTS
from app.run.points import to_csv
from app.run.saved import network_file, run_from_network_file
from app.run.state import TrainingState
from app.sessions import edits
from app.sessions.record import SessionRecord
from app.sessions.service import SessionService

router = APIRouter(prefix="/api")
NOT_FOUND = {404: {"model": Detail, "description": "Session not found (unknown or expired)"}}
# Every session route can answer 422: its session id is bounded, and most take a body.
INVALID = {422: {"model": FieldErrors, "description": "A field out of range, named"}}
# Limits (app/api/limits.py): on every session route, and on every body.
TOO_MANY = {429: {"model": Detail, "description": "Too many requests: wait Retry-After seconds"}}
TOO_LARGE = {413: {"model": Detail, "description": "Request body over its limit (named)"}}
SESSION = {**NOT_FOUND, **INVALID, **TOO_MANY}
FULL = {503: {"model": Detail, "description": "Every session is in use: Retry-After seconds"}}
# Any route answering with a frame sends it packed when asked (see app/pictures/encoding.py).
PACKED = {"content": {PACKED_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
FRAME = {**SESSION, 200: PACKED}
WITH_BODY = {**FRAME, **TOO_LARGE}
CSV_EXAMPLE = "x1,x2,label,split\n0,3,A,train\n1,2,B,train\n3,0,A,test\n2,1,B,train\n"
CSV = {"content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}}}


# Every route is async: a request loads its session from the store (awaiting Redis, if that is
# the store), works on it on the event loop (a bounded piece of work: see SessionService), and
# saves it back.


async def get_sessions(request: Request) -> SessionService:
    return request.app.state.sessions


SessionsDep = Annotated[SessionService, Depends(get_sessions)]
SessionId = Annotated[str, Path(min_length=1, max_length=64)]


def wants_packed(accept: str) -> bool:
    """True if the Accept header names the packed type, without refusing it (q=0)."""
    for item in accept.lower().split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if media == PACKED_MEDIA_TYPE:
            quality = next((p[2:] for p in params if p.startswith("q=")), "1")
            try:
                return float(quality) > 0
            except ValueError:
                return True
    return False


def frame_response(request: Request, content: dict, status_code: int = 200) -> Response:
    """A frame (or a body holding one) as the bytes sent: packed if the client asks for it in
    its Accept header (the page does), JSON otherwise. The one place that decides how frames
    travel (app/pictures/encoding.py)."""
    # One URL, two formats: caches must key on Accept.
    headers = {"Vary": "Accept"}
    if wants_packed(request.headers.get("accept", "")):
        return Response(pack(content), status_code, headers, PACKED_MEDIA_TYPE)
    return Response(to_json(content), status_code, headers, "application/json")


@router.get("/options", response_model=Options)
def read_options() -> dict:
    """Defaults, limits and choices for every setting."""
    return options()


@router.post(
    "/sessions",
    status_code=201,
    response_model=SessionCreated,
    responses={**INVALID, **TOO_LARGE, **TOO_MANY, **FULL, 201: PACKED},
)
async def create_session(
    request: Request, sessions: SessionsDep, body: ConfigBody | None = None
) -> Response:
    """Start a session from a config (defaults for anything left out). 503 when every session
    the server keeps is in use; 429 beyond the new sessions one address may start a minute."""
    session_id, record, frame = await sessions.create((body or ConfigBody()).to_config())
    content = {"session_id": session_id, "config": record.run.config.to_dict(), "frame": frame}
    return frame_response(request, content, status_code=201)


@router.get("/sessions/{session_id}", response_model=SessionSummary, responses=SESSION)
async def read_session(sessions: SessionsDep, session_id: SessionId) -> dict:
    """The session's config, step and whether it is training."""
    record, _ = await sessions.read(session_id)
    return {
        "session_id": session_id,
        "config": record.run.config.to_dict(),
        "step": record.run.step,
        "training": sessions.training(record),
    }


@router.delete("/sessions/{session_id}", status_code=204, responses=SESSION)
async def delete_session(sessions: SessionsDep, session_id: SessionId) -> Response:
    """Forget the session."""
    await sessions.delete(session_id)
    return Response(status_code=204)


@router.post("/sessions/{session_id}/close", status_code=204, responses={**INVALID, **TOO_MANY})
async def close_session(sessions: SessionsDep, session_id: SessionId) -> Response:
    """The page has gone (the page sends this as its tab closes): the session is forgotten in
    a few seconds unless the page takes it back (a reload does). Always 204, for any id."""
    await sessions.close(session_id)
    return Response(status_code=204)


def changed(request: Request, record: SessionRecord, frame: dict) -> Response:
    """The answer to a change that may change the config: the config and the frame (the page
    takes the config from here rather than applying the server's rules itself)."""
    return frame_response(request, {"config": record.run.config.to_dict(), "frame": frame})


@router.put("/sessions/{session_id}/config", response_model=ConfigChanged, responses=WITH_BODY)
async def change_config(
    request: Request, sessions: SessionsDep, session_id: SessionId, body: ConfigBody
) -> Response:
    """New settings: new data and weights, back to step 0, paused."""
    record, frame = await sessions.change(session_id, edits.configure(body.to_config()))
    return changed(request, record, frame)


@router.post("/sessions/{session_id}/step", response_model=Frame, responses=WITH_BODY)
async def step(
    request: Request, sessions: SessionsDep, session_id: SessionId, body: StepBody | None = None
) -> Response:
    """Pause, take some training steps (1 by default) and return the new frame."""
    _, frame = await sessions.change(session_id, edits.step((body or StepBody()).steps))
    return frame_response(request, frame)


@router.post("/sessions/{session_id}/phase", response_model=Frame, responses=FRAME)
async def phase(request: Request, sessions: SessionsDep, session_id: SessionId) -> Response:
    """Pause and do only the next phase of a training step (forward, loss, backward, update)."""
    _, frame = await sessions.change(session_id, edits.phase_step)
    return frame_response(request, frame)


@router.put("/sessions/{session_id}/view", response_model=Frame, responses=WITH_BODY)
async def change_view(
    request: Request, sessions: SessionsDep, session_id: SessionId, body: ViewBody
) -> Response:
    """Show a layer of three or more units through PCA (2D or 3D) or chosen neurons."""
    projection = Projection(body.projection, body.dims, tuple(body.neurons))
    _, frame = await sessions.change(session_id, edits.set_projection(body.layer, projection))
    return frame_response(request, frame)


@router.get("/sessions/{session_id}/export", response_model=NetworkFile, responses=SESSION)
async def export_network(sessions: SessionsDep, session_id: SessionId) -> JSONResponse:
    """The run as a JSON file to keep or share: settings, step, weights, the optimizer's memory,
    the batch generator's state, and the points if they are custom (not the timeline)."""
    record, _ = await sessions.read(session_id)
    # Sent as it is: through the response model, the parts a file leaves out would come back
    # as nulls.
    return JSONResponse(network_file(record.run))


def imported_run(raw: bytes) -> TrainingState:
    """The run a network file holds, read from its bytes (raises RequestValidationError or
    InvalidInput, both a 422). A valid file may be hundreds of KB: the import route calls this
    in a worker thread, never on the event loop."""
    try:
        body = NetworkFile.model_validate_json(raw)
    except ValidationError as error:
        errors = error.errors(include_url=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None
    # Parts left out are None (a version 1 file has none of them); the config's None (full
    # batch) is a value.
    file = {**body.model_dump(exclude_none=True), "config": body.config.model_dump()}
    return run_from_network_file(file)


# The body is read as bytes, so FastAPI's schema of it is given here.
NETWORK_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NetworkFile"}}},
}


@router.post(
    "/sessions/{session_id}/import",
    response_model=ConfigChanged,
    responses=WITH_BODY,
    openapi_extra={"requestBody": NETWORK_BODY},
)
async def import_network(
    request: Request, sessions: SessionsDep, session_id: SessionId
) -> Response:
    """Restore an exported run (a NetworkFile, as GET .../export gives) and carry on training
    from it, as the original would."""
    raw = await request.body()  # at most IMPORT_MAX_BYTES (app/api/limits.py)
    run = await run_in_threadpool(imported_run, raw)
    record, frame = await sessions.change(session_id, edits.restore(run))
    return changed(request, record, frame)


TWO_CLASS_ONLY = (
    "points: points added or removed by hand are of class A or B, and this run is {kind}. "
    "Choose a two-class dataset (or upload a CSV) first"
)
KINDS = {"multiclass": "multi-class", "regression": "a regression"}


def edit_by_hand(change: edits.PointsEdit) -> edits.Edit:
    """An edit of the points by hand, refused on a run that is not two-class."""
    points_edit = edits.edit_points(change)

    def edit(record: SessionRecord) -> None:
        problem = record.run.config.problem
        if problem != "binary":
            raise InvalidInput("points", TWO_CLASS_ONLY.format(kind=KINDS[problem]))
        points_edit(record)

    return edit


@router.post("/sessions/{session_id}/points", response_model=ConfigChanged, responses=WITH_BODY)
async def add_point(
    request: Request, sessions: SessionsDep, session_id: SessionId, body: PointBody
) -> Response:
    """Add a training point of the given class (the data become custom): the new config and
    frame."""
    edit = edit_by_hand(lambda x, y, t: points.add_point(x, y, t, body.x1, body.x2, body.label))
    record, frame = await sessions.change(session_id, edit)
    return changed(request, record, frame)


@router.post(
    "/sessions/{session_id}/points/remove", response_model=ConfigChanged, responses=WITH_BODY
)
async def remove_point(
    request: Request, sessions: SessionsDep, session_id: SessionId, body: PointBody
) -> Response:
    """Remove the point nearest (x1, x2), if one is close (5% of the plane's width)."""

    def edit(record: SessionRecord) -> None:
        low, high = extent(record.run.config.dataset, record.run.x)
        radius = 0.05 * (high - low)
        remove = edit_by_hand(
            lambda x, y, t: points.remove_nearest(x, y, t, body.x1, body.x2, radius)
        )
        remove(record)

    record, frame = await sessions.change(session_id, edit)
    return changed(request, record, frame)


@router.delete("/sessions/{session_id}/points", response_model=ConfigChanged, responses=FRAME)
async def clear_points(request: Request, sessions: SessionsDep, session_id: SessionId) -> Response:
    """Remove every point (the data become custom and empty)."""
    edit = edits.edit_points(lambda x, y, t: (x[:0], y[:0], t[:0]))
    record, frame = await sessions.change(session_id, edit)
    return changed(request, record, frame)


@router.get(
    "/sessions/{session_id}/data.csv",
    response_class=Response,  # the schema then lists text/csv only
    responses={200: {"description": "x1,x2,label,split or x1,x2,target,split", **CSV}, **SESSION},
)
async def download_csv(sessions: SessionsDep, session_id: SessionId) -> Response:
    """The current points as CSV: x1,x2,label,split (x1,x2,target,split for regression), every
    number written so that it reads back exactly."""
    record, _ = await sessions.read(session_id)
    run = record.run
    headers = {"Content-Disposition": 'attachment; filename="layerscope-data.csv"'}
    csv = to_csv(run.x, run.y, run.is_test, run.config.problem)
    return Response(csv, media_type="text/csv", headers=headers)


@router.put(
    "/sessions/{session_id}/data.csv",
    response_model=ConfigChanged,
    responses=WITH_BODY,
    openapi_extra={"requestBody": {"required": True, **CSV}},
)
async def upload_csv(request: Request, sessions: SessionsDep, session_id: SessionId) -> Response:
    """Replace the points with a CSV file: x1,x2,label (classes 0-4 or A-E) or x1,x2,target
    (regression), optionally split (train or test). Checked whole: on any error nothing
    changes."""
    raw = await request.body()  # at most MAX_CSV_BYTES (app/api/limits.py)
    x, y, is_test, problem = points.from_csv(raw)
    edit = edits.edit_points(lambda *_: (x, y, is_test), problem)
    record, frame = await sessions.change(session_id, edit)
    return changed(request, record, frame)


@router.post("/sessions/{session_id}/train", response_model=TrainingStatus, responses=SESSION)
async def train(sessions: SessionsDep, session_id: SessionId) -> dict:
    """Train from now on: each POST .../advance takes the steps due since the last one (a
    diverged run does not start)."""
    record, _ = await sessions.change(session_id, edits.start_training(sessions.clock()))
    return {"training": record.training}


@router.post("/sessions/{session_id}/pause", response_model=TrainingStatus, responses=SESSION)
async def pause(sessions: SessionsDep, session_id: SessionId) -> dict:
    """Stop training."""
    await sessions.change(session_id, edits.pause)
    return {"training": False}


@router.post("/sessions/{session_id}/reset", response_model=Frame, responses=FRAME)
async def reset(request: Request, sessions: SessionsDep, session_id: SessionId) -> Response:
    """Same data and settings, fresh initial weights, step 0, paused."""
    _, frame = await sessions.change(session_id, edits.reset)
    return frame_response(request, frame)


Known = Annotated[
    str | None,
    Query(
        pattern="^[0-9a-f]{16}$",
        description="The data_id of a frame the client has: what stays the same with the data"
        ' is then left out, marked {"$known": true}',
    ),
]


def framed(request: Request, frame: dict, known: str | None) -> Response:
    if known is not None and frame["data_id"] == known:
        frame = without_known_data(frame)
    return frame_response(request, frame)


@router.post("/sessions/{session_id}/advance", response_model=Frame, responses=FRAME)
async def advance(
    request: Request, sessions: SessionsDep, session_id: SessionId, known: Known = None
) -> Response:
    """The page's poll while training: the steps due since the last advance (steps_per_frame
    every 50 ms, at most a quarter of a second's worth and a few tens of milliseconds of work),
    then the new frame. A session that is not training is not changed: its latest frame."""
    return framed(request, await sessions.advance(session_id), known)


@router.get(
    "/sessions/{session_id}/frame",
    response_model=Frame,
    responses={**FRAME, 204: {"description": "Nothing changed since revision `since`"}},
)
async def read_frame(
    request: Request,
    sessions: SessionsDep,
    session_id: SessionId,
    since: Annotated[
        int | None, Query(ge=0, description="The last revision the client has: 204 if no newer")
    ] = None,
    at: Annotated[
        int | None, Query(ge=0, le=MAX_SNAPSHOTS - 1, description="A timeline snapshot's index")
    ] = None,
    known: Known = None,
) -> Response:
    """The latest frame, or the frame of timeline snapshot `at`; 204 if the session is still at
    revision `since`. Never changes the session (training advances with POST .../advance)."""
    if at is not None:
        return framed(request, await sessions.frame_at(session_id, at), known)
    if since is not None and since == await sessions.revision(session_id):
        return Response(status_code=204)
    return framed(request, await sessions.frame(session_id), known)
