"""The packed frame format: the same frame as the JSON, in a fraction of the bytes."""

import json
import re

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sent import assert_same_frame

from app.api.routes import wants_packed
from app.main import create_app
from app.pictures.encoding import PACKED_MEDIA_TYPE, Quantized, pack, quantized, to_json, unpack
from app.pictures.frame import build_frame
from app.run.config import TrainingConfig
from app.run.state import new_state
from app.run.training import train_steps

PROBLEM_CONFIGS = {
    "binary": TrainingConfig(dataset="xor", hidden_layers=(8, 8)),
    "multiclass": TrainingConfig(dataset="spiral-arms", classes=3, hidden_layers=(6, 4, 3)),
    "regression": TrainingConfig(dataset="gaussians", hidden_layers=(5, 2)),
}


@pytest.mark.parametrize("problem", PROBLEM_CONFIGS)
def test_a_packed_frame_reads_back_as_its_json(problem):
    state = new_state(PROBLEM_CONFIGS[problem])
    train_steps(state, 30)
    frame, _ = build_frame(state, {})
    sent = json.loads(to_json(frame))
    packed = pack(frame)
    assert_same_frame(unpack(packed), sent)
    assert len(packed) < len(to_json(frame)) / 2


def test_arrays_keep_their_kind_and_shape():
    content = {
        "f": np.array([[1.5, -2.25], [np.nan, 1e300]]),
        "u8": np.array([0, 3, 255]),
        "flags": np.array([True, False]),
        "q": quantized(np.array([0.0, 0.5, 1.0])),
        "plain": [1, "a", None],
    }
    back = unpack(pack(content))
    assert back["f"] == [[1.5, -2.25], [None, 1e6]]  # a gap stays a gap; a huge value is capped
    assert back["u8"] == [0, 3, 255] and back["flags"] == [True, False]
    assert back["q"] == pytest.approx([0.0, 0.5, 1.0], abs=1 / 255)
    assert back["plain"] == [1, "a", None]


def test_every_array_is_aligned_for_the_browser():
    content = {
        "a": np.arange(3, dtype=np.uint8),
        "b": np.ones(3),
        "c": np.ones((2, 2)),
        "d": np.array([-1, 2**20]),  # int32: must start on a multiple of 4 as well
    }
    packed = pack(content)
    length = int.from_bytes(packed[:4], "little")
    float_bytes = int.from_bytes(packed[4:8], "little")
    header = json.loads(packed[8 : 8 + length])
    assert length % 4 == 0 and float_bytes == 4 * (3 + 4)
    assert all(header[key]["offset"] % 4 == 0 for key in "abcd")
    assert [header[key]["$array"] for key in "abcd"] == ["u8", "f32", "f32", "i32"]


def test_quantized_values_are_within_a_step_of_the_truth():
    rng = np.random.default_rng(0)
    values = rng.uniform(-3, 7, size=(20, 20))
    back = np.array(unpack(pack({"v": quantized(values)}))["v"])
    assert np.max(np.abs(back - values)) <= 10 / 255 / 2 + 1e-9
    flat = Quantized(np.full(4, 2.0), 2.0, 2.0)  # no spread: every byte is the middle
    assert unpack(pack({"v": flat}))["v"] == [2.0] * 4


def test_the_page_gets_a_packed_frame_only_when_it_asks():
    with TestClient(create_app()) as client:
        sid = client.post("/api/sessions", json={"dataset": "moons"}).json()["session_id"]
        client.post(f"/api/sessions/{sid}/step", json={"steps": 20})
        as_json = client.get(f"/api/sessions/{sid}/frame")
        packed = client.get(
            f"/api/sessions/{sid}/frame", headers={"Accept": f"{PACKED_MEDIA_TYPE}, */*"}
        )
    assert as_json.headers["content-type"].startswith("application/json")
    assert packed.headers["content-type"] == PACKED_MEDIA_TYPE
    assert_same_frame(unpack(packed.content), as_json.json())


def test_json_numbers_are_short():
    state = new_state(PROBLEM_CONFIGS["binary"])
    frame, _ = build_frame(state, {})
    arrays = {key: frame[key] for key in ("boundary", "layers", "network", "data")}
    text = to_json(arrays).decode()
    # Six decimals at most, even for values computed in float32 (the boundary map).
    assert text.count(".") > 1000 and not re.search(r"\.\d{7,}", text)


@pytest.mark.parametrize(
    ("accept", "packed"),
    [
        (f"{PACKED_MEDIA_TYPE}, application/json", True),
        (f"application/json;q=0.9, {PACKED_MEDIA_TYPE.upper()}", True),
        (f"{PACKED_MEDIA_TYPE};q=0", False),
        (f"{PACKED_MEDIA_TYPE}-not, */*", False),
        ("", False),
    ],
)
def test_the_accept_header_decides(accept, packed):
    assert wants_packed(accept) is packed


def test_odd_arrays_read_back_too():
    content = {"big": np.array([-5, 70000]), "scalar": np.array(2.5), "cube": np.ones((2, 2, 2))}
    back = unpack(pack(content))
    assert back == {"big": [-5, 70000], "scalar": 2.5, "cube": [[[1.0, 1.0]] * 2] * 2}
