"""The training loop's numbers in a frame: taken phase by phase, each phase fills in what it
computes, and nothing else; between whole steps, the current weights' and the last step's."""

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.run.config import TrainingConfig
from app.run.saved import to_json_ready
from app.sessions import edits
from app.sessions.service import SessionService
from app.sessions.store import MemoryStore

pytestmark = pytest.mark.anyio


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
        yield client


def phase(client, sid: str) -> dict:
    return client.post(f"/api/sessions/{sid}/phase").json()


def test_each_phase_fills_in_what_it_computes(client):
    sid = client.post("/api/sessions", json={}).json()["session_id"]
    start = client.post(f"/api/sessions/{sid}/step", json={"steps": 20}).json()
    assert start["phase"] is None
    before = start["loop"]  # between whole steps: the current weights' prediction and loss...
    assert before["sample"]["loss"] > 0 and before["batch_loss"] is None
    assert before["grad_norms"] and before["update_norms"]  # ...and the last step's sizes

    forward = phase(client, sid)
    loop = forward["loop"]
    assert forward["phase"] == "forward" and forward["step"] == 20
    # The prediction of the weights the step starts from; nothing after it yet.
    assert loop["sample"]["p"] == before["sample"]["p"]
    assert loop["sample"]["loss"] is None and loop["batch_loss"] is None
    assert loop["grad_norms"] is None and loop["update_norms"] is None

    loss = phase(client, sid)["loop"]
    assert loss["sample"]["loss"] == before["sample"]["loss"]
    # Full batch: the batch's loss is the training loss of the weights the step starts from.
    assert loss["batch_loss"] == pytest.approx(start["metrics"]["train_loss"], rel=1e-9)
    assert loss["grad_norms"] is None and loss["update_norms"] is None

    backward = phase(client, sid)["loop"]
    assert backward["batch_loss"] == loss["batch_loss"]
    assert len(backward["grad_norms"]) == 3 and all(g > 0 for g in backward["grad_norms"])
    assert backward["update_norms"] is None

    update = phase(client, sid)
    loop = update["loop"]
    assert update["phase"] == "update" and update["step"] == 21
    assert loop["update_norms"] == [
        pytest.approx(0.03 * g, rel=1e-3) for g in backward["grad_norms"]
    ]
    # The step's own numbers stay with it: made with the weights it started from.
    assert loop["sample"] == loss["sample"] and loop["batch_loss"] == loss["batch_loss"]
    assert loop["grad_norms"] == backward["grad_norms"]
    assert update["metrics"]["train_loss"] < loss["batch_loss"]  # the frame shows the new weights

    # The next forward pass: the new weights' prediction, and the rest to come again.
    again = phase(client, sid)["loop"]
    assert again["sample"]["p"] != loop["sample"]["p"]
    assert again["sample"]["p"] == pytest.approx(loop["sample"]["p"], abs=0.01)
    assert again["sample"]["loss"] is None and again["grad_norms"] is None

    # A whole step ends phase stepping: the loop is between whole steps again.
    after = client.post(f"/api/sessions/{sid}/step").json()
    assert after["phase"] is None and after["loop"]["batch_loss"] is None
    assert after["loop"]["sample"]["loss"] is not None and after["loop"]["update_norms"]


def test_new_points_drop_the_step_in_progress_and_its_phase(client):
    sid = client.post("/api/sessions", json={"dataset": "xor"}).json()["session_id"]
    phase(client, sid)
    r = client.post(f"/api/sessions/{sid}/points", json={"x1": 0.5, "x2": 0.5, "label": 1})
    frame = r.json()["frame"]
    assert frame["phase"] is None and frame["loop"]["sample"]["loss"] is not None


def test_a_look_back_is_between_whole_steps(client):
    sid = client.post("/api/sessions", json={}).json()["session_id"]
    client.post(f"/api/sessions/{sid}/step", json={"steps": 5})
    for _ in range(4):
        phase(client, sid)
    past = client.get(f"/api/sessions/{sid}/frame", params={"at": 0}).json()
    assert past["phase"] is None and past["loop"]["sample"]["loss"] is not None


async def test_every_process_shows_the_same_update():
    # The step's batch loss travels with the session: another process builds the same loop.
    store = MemoryStore()
    mine, other = SessionService(store), SessionService(store)
    config = TrainingConfig(dataset="xor", batch_size=20)
    session_id, _, _ = await mine.create(config)
    for _ in range(4):
        _, frame = await mine.change(session_id, edits.phase_step)
    assert frame["phase"] == "update"
    theirs = await other.frame(session_id)
    assert to_json_ready(theirs["loop"]) == to_json_ready(frame["loop"])
    assert theirs["loop"]["batch_loss"] is not None
