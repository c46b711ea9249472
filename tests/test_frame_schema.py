"""The frame's models (app/api/frame_schema.py) are true of real frames: every kind of panel,
as JSON and packed, whole and with the known data left out. The server never checks its own
frames at run time; this does."""

import json

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.api.frame_schema import Frame
from app.main import create_app
from app.pictures.encoding import PACKED_MEDIA_TYPE, unpack

# Together these show every view, every kind of layer and every optional part of a frame.
RUNS = {
    "binary 2D": {"dataset": "xor", "hidden_layers": [2]},
    "binary 3D": {"dataset": "xor", "hidden_layers": [6, 3]},
    "curves": {"dataset": "class-ab-noisy", "hidden_layers": [1], "activation": "sigmoid"},
    "features": {"dataset": "class-ab", "features": ["x1^2+x2^2"], "hidden_layers": []},
    "pca, readout": {"dataset": "moons", "hidden_layers": [5, 8]},
    "simplex": {"dataset": "blobs", "classes": 3, "hidden_layers": [6, 2]},
    "readout of classes": {"dataset": "spiral-arms", "classes": 4, "hidden_layers": [8]},
    "fit": {"dataset": "plane", "hidden_layers": [4, 2]},
    "regression curve": {"dataset": "gaussians", "hidden_layers": [1], "features": ["x1", "x2"]},
    "no points": {"dataset": "custom", "n_points": 10},
}


@pytest.fixture(scope="module")
def frames() -> dict[str, list[dict]]:
    """Per run: the frames a client gets back, as JSON (the packed ones read back)."""
    found = {}
    with TestClient(create_app()) as client:
        for name, config in RUNS.items():
            created = client.post("/api/sessions", json=config)
            assert created.status_code == 201, created.text
            body = created.json()
            url = f"/api/sessions/{body['session_id']}"
            if name == "no points":  # nothing to train on: Step and Phase step are refused
                cleared = client.delete(f"{url}/points").json()["frame"]
                assert client.post(f"{url}/step", json={"steps": 40}).status_code == 422
                assert client.post(f"{url}/phase").status_code == 422
                stepped = phased = cleared
            else:
                stepped = client.post(f"{url}/step", json={"steps": 40}).json()
                phased = client.post(f"{url}/phase").json()
            known = client.get(f"{url}/frame", params={"known": stepped["data_id"]}).json()
            snapshot = client.get(f"{url}/frame", params={"at": 0}).json()
            packed = client.get(f"{url}/frame", headers={"Accept": PACKED_MEDIA_TYPE})
            assert packed.headers["content-type"] == PACKED_MEDIA_TYPE
            found[name] = [body["frame"], stepped, phased, known, snapshot, unpack(packed.content)]
        body = client.post("/api/sessions", json=RUNS["pca, readout"]).json()
        view = {"layer": 1, "projection": "neurons", "dims": 3, "neurons": [0, 2, 4]}
        chosen = client.put(f"/api/sessions/{body['session_id']}/view", json=view)
        found["neurons"] = [chosen.json()]
    return found


@pytest.mark.parametrize("run", [*RUNS, "neurons"])
def test_real_frames_fit_the_schema(frames, run):
    for frame in frames[run]:
        Frame.model_validate(json.loads(json.dumps(frame)))


def test_the_runs_show_every_part_of_a_frame(frames):
    layers = [layer for run in frames.values() for frame in run for layer in frame["layers"]]
    assert {layer["view"] for layer in layers} == {
        "plane",
        "pca",
        "readout",
        "neurons",
        "simplex",
        "curve",
        "fit",
    }
    assert {layer["kind"] for layer in layers} == {"input", "features", "hidden", "output"}
    assert {layer["dims"] for layer in layers} == {2, 3}
    optional = ["grid", "boundary", "pre", "separator", "ties", "levels", "corners", "curve"]
    for key in [*optional, "threshold", "output_level"]:
        assert any(layer[key] is not None for layer in layers), key
        assert any(layer[key] is None for layer in layers), key
    everything = [frame for run in frames.values() for frame in run]
    assert {"p", "class", "value"} <= {key for f in everything for key in f["boundary"]}
    assert any(f["palette"] == {"$known": True} for f in everything)
    assert any(f["loop"]["sample"] is None for f in everything)
    assert any(f["phase"] is not None for f in everything)


def test_a_frame_that_breaks_the_contract_is_refused(frames):
    frame = json.loads(json.dumps(frames["simplex"][1]))
    Frame.model_validate(frame)
    renamed = json.loads(json.dumps(frame))
    renamed["layers"][2]["scores"] = renamed["layers"][2].pop("ties")  # the old name
    missing = json.loads(json.dumps(frame))
    del missing["palette"]["landmark"]
    wrong = json.loads(json.dumps(frame))
    wrong["layers"][1]["grid"]["lines"] = "eleven"
    for broken in (renamed, missing, wrong):
        with pytest.raises(ValidationError):
            Frame.model_validate(broken)
