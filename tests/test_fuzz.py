"""Property-based fuzzing of the HTTP API: schemathesis generates requests from the app's own
OpenAPI schema (valid ones, and ones that break it on purpose) and sends them to the ASGI app.

Every answer must be a declared status code, of a declared content type, with a body that fits
the declared schema, and never a 5xx. Session routes get a live session of some kind (fresh for
every request) or the generated id (unknown: 404, or malformed: 422).

The budget and the seed are fixed, so a run is repeatable and bounded in time.
"""

from __future__ import annotations

import zlib

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.limits import RateLimits, body_limit
from app.api.schemas import ConfigBody
from app.main import create_app
from app.sessions.store import MemoryStore

pytestmark = pytest.mark.fuzz

SEED = 6
EXAMPLES = 25  # generated requests per route and mode (on top of schemathesis' boundary cases)

# The sessions a request may be sent to: several problems and shapes, plus edge cases (a run
# with no points left, one trained into divergence) where the maths has the least to work with.
LIVE = {
    "default": {},
    "multiclass": {"dataset": "spiral-arms", "classes": 4, "n_points": 40, "hidden_layers": [3]},
    "regression": {"dataset": "plane", "n_points": 30, "hidden_layers": [], "features": ["x1"]},
    "textbook": {"dataset": "class-ab", "hidden_layers": [3, 2], "activation": "relu"},
    "empty": {"dataset": "custom", "n_points": 10},
    "diverged": {"learning_rate": 10, "optimizer": "adam", "n_points": 20},
}

# A small cap: every request makes a session. Sessions in use are never dropped for a new one
# (see app/sessions/store.py); here a session is in use for no time at all after its last
# request, so the least recently used go, and the store never fills up. The fuzzer starts far
# more sessions a minute than any class, from one address: without that limit.
store = MemoryStore(max_sessions=50, in_use=0.0)
app = create_app(store=store, limits=RateLimits(sessions_per_minute=10**9))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.seed = SEED  # each route draws from its own seed derived from this one
schema.config.generation.update(max_examples=EXAMPLES, database="none")


@pytest.fixture(scope="module")
def client():
    """A client of the same app (its sessions live in the same store) to make live sessions."""
    with TestClient(app) as client:
        yield client


def live_session(client: TestClient, kind: str) -> str:
    created = client.post("/api/sessions", json=ConfigBody(**LIVE[kind]).model_dump())
    url = f"/api/sessions/{created.json()['session_id']}"
    if kind == "empty":
        client.delete(f"{url}/points")
    elif kind == "diverged":
        client.post(f"{url}/step", json={"steps": 200})
    elif kind == "default":
        client.post(f"{url}/train")  # polled, it trains
    return created.json()["session_id"]


# Checks left out: positive_data_acceptance, because a request can fit the schema and still be
# refused with a 422 for what a schema cannot say (an imported file's weights and optimizer
# memory must fit its settings, and only custom data carry their points; a view needs a layer
# of 3+ units; points are for two-class runs; a run with no points takes no step); the
# stateful checks (use_after_free, ensure_resource_availability) need a stateful run, which
# this is not.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
TARGETS = ["unknown", *LIVE]


def target(case) -> str | None:
    """Where a session route's request goes, chosen from the generated id so that the seed
    fixes it: a live session of some kind, or the id itself (unknown: 404). A malformed id, or
    one generated to break the schema, is kept as it is: it must get its 422."""
    generated = (case.path_parameters or {}).get("session_id")
    if not isinstance(generated, str) or not 1 <= len(generated) <= 64:
        return None
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH):
        return None
    return TARGETS[zlib.crc32(generated.encode()) % len(TARGETS)]


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api(case, client):
    kind = target(case)
    if kind not in (None, "unknown"):
        case.path_parameters["session_id"] = live_session(client, kind)
    case.call_and_validate(checks=CHECKS)


# ---- limits: bodies too large, and sessions created in a loop (app/api/limits.py) ----------

OPERATIONS = app.openapi()["paths"]
# Every route that takes a body, with its limit.
WITH_BODY = [
    (method.upper(), path, body_limit(method.upper(), path))
    for path, operations in OPERATIONS.items()
    for method, operation in operations.items()
    if "requestBody" in operation
]


def declared(method: str, path: str) -> set[int]:
    return {int(status) for status in OPERATIONS[path][method.lower()]["responses"]}


@hypothesis.settings(max_examples=60, derandomize=True, deadline=None)
@hypothesis.given(
    route=st.sampled_from(WITH_BODY),
    over=st.integers(-64, 64) | st.integers(0, 64 * 1024),
    chunked=st.booleans(),
)
def test_a_body_is_refused_exactly_when_over_its_limit(client, route, over, chunked):
    method, path, limit = route
    body = b" " * max(0, limit + over)
    url = path.replace("{session_id}", live_session(client, "default"))
    content = iter([body[:1024], body[1024:]]) if chunked else body
    answer = client.request(
        method, url, content=content, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code in declared(method, path)
    assert (answer.status_code == 413) == (len(body) > limit)
    if answer.status_code == 413:
        assert answer.json() == {"detail": f"request body too large: at most {limit // 1024} KB"}


def test_a_flood_of_new_sessions_gets_only_declared_answers_and_spares_sessions_in_use():
    """One address creates sessions in a loop and uses each (so each is in use): the store
    fills (503), the address's limit is reached (429); every answer is declared, with its
    Retry-After, and a session in use keeps answering throughout."""
    flood_app = create_app(
        store=MemoryStore(max_sessions=5), limits=RateLimits(sessions_per_minute=12)
    )
    with TestClient(flood_app, client=("192.0.2.1", 4000)) as script:
        student = TestClient(flood_app, client=("192.0.2.2", 4000))  # the same app, running
        session = f"/api/sessions/{student.post('/api/sessions', json={}).json()['session_id']}"
        student.post(f"{session}/train")
        statuses = []
        for _ in range(20):
            answer = script.post("/api/sessions", json={})
            statuses.append(answer.status_code)
            assert answer.status_code in declared("POST", "/api/sessions")
            if answer.status_code == 201:
                script.get(f"/api/sessions/{answer.json()['session_id']}/frame")  # in use
            else:
                assert set(answer.json()) == {"detail"} and int(answer.headers["retry-after"]) >= 1
            assert student.post(f"{session}/advance").json()["training"] is True
        # 4 fit beside the student's; 8 more refused for want of room; then the address's limit.
        assert statuses == [201] * 4 + [503] * 8 + [429] * 8
