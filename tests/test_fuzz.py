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
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.schemas import ConfigBody
from app.main import create_app
from app.sessions.store import MemoryStore

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

# A small cap: every request makes a session, and the oldest are dropped as in production.
store = MemoryStore(max_sessions=50)
app = create_app(store=store)
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
