"""The HTTP API: create a session, step it, train it, and fetch what to draw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

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
from app.run.saved import run_from_network_file
from app.sessions.session import Session
from app.sessions.store import SessionStore

router = APIRouter(prefix="/api")
NOT_FOUND = {404: {"model": Detail, "description": "Session not found (unknown or expired)"}}
# Every session route can answer 422: its session id is bounded, and most take a body.
INVALID = {422: {"model": FieldErrors, "description": "A field out of range, named"}}
SESSION = {**NOT_FOUND, **INVALID}
TOO_LARGE = {413: {"model": Detail, "description": "File larger than 128 KB"}}
# Any route answering with a frame sends it packed when asked (see app/pictures/encoding.py).
PACKED = {"content": {PACKED_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
FRAME = {**SESSION, 200: PACKED}
CSV_EXAMPLE = "x1,x2,label,split\n0,3,A,train\n1,2,B,train\n3,0,A,test\n2,1,B,train\n"
CSV = {"content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}}}


# The lookups and the poll are async: they run on the event loop with the trainer, rather than
# handed to a worker thread and back (see run_trainer in app/sessions/session.py for why).


async def get_store(request: Request) -> SessionStore:
    return request.app.state.sessions


StoreDep = Annotated[SessionStore, Depends(get_store)]


async def get_session(
    store: StoreDep, session_id: Annotated[str, Path(min_length=1, max_length=64)]
) -> Session:
    try:
        return store.get(session_id)
    except KeyError:
        raise HTTPException(404, "Session not found") from None


SessionDep = Annotated[Session, Depends(get_session)]


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
    "/sessions", status_code=201, response_model=SessionCreated, responses={**INVALID, 201: PACKED}
)
def create_session(request: Request, store: StoreDep, body: ConfigBody | None = None) -> Response:
    """Start a session from a config (defaults for anything left out)."""
    session = store.create((body or ConfigBody()).to_config())
    content = {
        "session_id": session.id,
        "config": session.config.to_dict(),
        "frame": session.frame(),
    }
    return frame_response(request, content, status_code=201)


@router.get("/sessions/{session_id}", response_model=SessionSummary, responses=SESSION)
def read_session(session: SessionDep) -> dict:
    """The session's config, step and whether it is training."""
    return session.summary()


@router.delete("/sessions/{session_id}", status_code=204, responses=SESSION)
def delete_session(store: StoreDep, session: SessionDep) -> Response:
    """Forget the session."""
    store.delete(session.id)
    return Response(status_code=204)


@router.put("/sessions/{session_id}/config", response_model=ConfigChanged, responses=FRAME)
def change_config(request: Request, session: SessionDep, body: ConfigBody) -> Response:
    """New settings: new data and weights, back to step 0, paused."""
    frame = session.configure(body.to_config())
    return frame_response(request, {"config": session.config.to_dict(), "frame": frame})


@router.post("/sessions/{session_id}/step", response_model=Frame, responses=FRAME)
def step(request: Request, session: SessionDep, body: StepBody | None = None) -> Response:
    """Pause, take some training steps (1 by default) and return the new frame."""
    return frame_response(request, session.step((body or StepBody()).steps))


@router.post("/sessions/{session_id}/phase", response_model=Frame, responses=FRAME)
def phase(request: Request, session: SessionDep) -> Response:
    """Pause and do only the next phase of a training step (forward, loss, backward, update)."""
    return frame_response(request, session.phase_step())


@router.put("/sessions/{session_id}/view", response_model=Frame, responses=FRAME)
def change_view(request: Request, session: SessionDep, body: ViewBody) -> Response:
    """Show a layer of three or more units through PCA (2D or 3D) or chosen neurons."""
    projection = Projection(body.projection, body.dims, tuple(body.neurons))
    return frame_response(request, session.set_projection(body.layer, projection))


@router.get("/sessions/{session_id}/export", response_model=NetworkFile, responses=SESSION)
def export_network(session: SessionDep) -> JSONResponse:
    """The run as a JSON file to keep or share: settings, step, weights, the optimizer's memory,
    the batch generator's state, and the points if they are custom (not the timeline)."""
    # Sent as it is: through the response model, the parts a file leaves out would come back
    # as nulls.
    return JSONResponse(session.export())


@router.post("/sessions/{session_id}/import", response_model=ConfigChanged, responses=FRAME)
def import_network(request: Request, session: SessionDep, body: NetworkFile) -> Response:
    """Restore an exported run and carry on training from it, as the original would."""
    # Parts left out are None (a version 1 file has none of them); the config's None (full
    # batch) is a value.
    file = {**body.model_dump(exclude_none=True), "config": body.config.model_dump()}
    frame = session.restore(run_from_network_file(file))
    return frame_response(request, {"config": session.config.to_dict(), "frame": frame})


def _edited(request: Request, session: Session, frame: dict) -> Response:
    # Edited points are custom data: the config changed too, so the answer carries it (the
    # page takes the config from here rather than applying the rule itself).
    return frame_response(request, {"config": session.config.to_dict(), "frame": frame})


def _edit(request: Request, session: Session, edit) -> Response:
    return _edited(request, session, session.edit_data(edit))


TWO_CLASS_ONLY = (
    "points: points added or removed by hand are of class A or B, and this run is {kind}. "
    "Choose a two-class dataset (or upload a CSV) first"
)
KINDS = {"multiclass": "multi-class", "regression": "a regression"}


def _two_class(session: Session) -> None:
    """Custom points are A or B: refuse to edit a multi-class or regression run by hand."""
    problem = session.config.problem
    if problem != "binary":
        message = TWO_CLASS_ONLY.format(kind=KINDS[problem])
        raise InvalidInput("points", message)


@router.post("/sessions/{session_id}/points", response_model=ConfigChanged, responses=FRAME)
def add_point(request: Request, session: SessionDep, body: PointBody) -> Response:
    """Add a training point of the given class (the data become custom): the new config and
    frame."""
    _two_class(session)
    return _edit(
        request, session, lambda x, y, t: points.add_point(x, y, t, body.x1, body.x2, body.label)
    )


@router.post("/sessions/{session_id}/points/remove", response_model=ConfigChanged, responses=FRAME)
def remove_point(request: Request, session: SessionDep, body: PointBody) -> Response:
    """Remove the point nearest (x1, x2), if one is close (5% of the plane's width)."""
    _two_class(session)
    low, high = extent(session.config.dataset, session.data()[0])
    radius = 0.05 * (high - low)
    return _edit(
        request, session, lambda x, y, t: points.remove_nearest(x, y, t, body.x1, body.x2, radius)
    )


@router.delete("/sessions/{session_id}/points", response_model=ConfigChanged, responses=FRAME)
def clear_points(request: Request, session: SessionDep) -> Response:
    """Remove every point (the data become custom and empty)."""
    return _edit(request, session, lambda x, y, t: (x[:0], y[:0], t[:0]))


@router.get(
    "/sessions/{session_id}/data.csv",
    response_class=Response,  # the schema then lists text/csv only
    responses={200: {"description": "x1,x2,label,split or x1,x2,target,split", **CSV}, **SESSION},
)
def download_csv(session: SessionDep) -> Response:
    """The current points as CSV: x1,x2,label,split (x1,x2,target,split for regression), every
    number written so that it reads back exactly."""
    headers = {"Content-Disposition": 'attachment; filename="layerscope-data.csv"'}
    return Response(session.data_csv(), media_type="text/csv", headers=headers)


@router.put(
    "/sessions/{session_id}/data.csv",
    response_model=ConfigChanged,
    responses={**FRAME, **TOO_LARGE},
    openapi_extra={"requestBody": {"required": True, **CSV}},
)
async def upload_csv(request: Request, session: SessionDep) -> Response:
    """Replace the points with a CSV file: x1,x2,label (classes 0-4 or A-E) or x1,x2,target
    (regression), optionally split (train or test). Checked whole: on any error nothing
    changes."""
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > points.MAX_CSV_BYTES:  # stop reading: never hold more than the limit
            raise HTTPException(413, f"file too large: at most {points.MAX_CSV_BYTES // 1024} KB")
    x, y, is_test, problem = points.from_csv(bytes(raw))
    frame = await run_in_threadpool(session.edit_data, lambda *_: (x, y, is_test), problem)
    return _edited(request, session, frame)


@router.post("/sessions/{session_id}/train", response_model=TrainingStatus, responses=SESSION)
def train(session: SessionDep) -> dict:
    """Train continuously on the server until paused (or diverged, or left unwatched)."""
    return {"training": session.start_training()}


@router.post("/sessions/{session_id}/pause", response_model=TrainingStatus, responses=SESSION)
def pause(session: SessionDep) -> dict:
    """Stop continuous training."""
    session.pause()
    return {"training": False}


@router.post("/sessions/{session_id}/reset", response_model=Frame, responses=FRAME)
def reset(request: Request, session: SessionDep) -> Response:
    """Same data and settings, fresh initial weights, step 0, paused."""
    return frame_response(request, session.reset())


@router.get(
    "/sessions/{session_id}/frame",
    response_model=Frame,
    responses={**FRAME, 204: {"description": "Nothing changed since revision `since`"}},
)
async def read_frame(
    request: Request,
    store: StoreDep,
    session: SessionDep,
    since: Annotated[
        int | None,
        Query(
            ge=0,
            description="Last revision the client has: while the session trains, the answer"
            " waits for the next frame (up to about a second)",
        ),
    ] = None,
    at: Annotated[
        int | None, Query(ge=0, le=MAX_SNAPSHOTS - 1, description="A timeline snapshot's index")
    ] = None,
    known: Annotated[
        str | None,
        Query(
            pattern="^[0-9a-f]{16}$",
            description="The data_id of a frame the client has: what stays the same with the"
            ' data is then left out, marked {"$known": true}',
        ),
    ] = None,
) -> Response:
    """The latest frame, or the frame of timeline snapshot `at`. With `since`: the first frame
    after that revision, waited for while the session trains; 204 if there is none (at once
    when paused, after the wait when training)."""

    def answer(frame: dict) -> Response:
        if known is not None and frame["data_id"] == known:
            frame = without_known_data(frame)
        return frame_response(request, frame)

    if at is not None:
        return await run_in_threadpool(lambda: answer(session.frame_at(at)))
    waited = 0.0
    if since is not None and since == session.revision:
        waited = await session.wait_for_news(since, store.news_wait)
        if session.closed:  # deleted or expired meanwhile
            raise HTTPException(404, "Session not found")
    if since is not None and since == session.revision:
        response = Response(status_code=204)
    elif (frame := session.frame_at_once()) is not None:
        response = answer(frame)  # built on the event loop (see run_trainer)
    else:  # a request holds the session: wait for it in a worker thread, not here
        response = await run_in_threadpool(lambda: answer(session.frame()))
    # How long the answer waited for the trainer, so that a client (or the browser's developer
    # tools) can tell that wait from the time the server took to answer.
    response.headers["Server-Timing"] = f"wait;dur={waited * 1000:.1f}"
    return response
