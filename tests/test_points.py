"""Custom data: points by hand and CSV files, through the API."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.errors import InvalidInput
from app.main import create_app
from app.pictures.encoding import PACKED_MEDIA_TYPE, unpack
from app.run.points import from_csv, to_csv


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
        yield client


def new_session(client, **config):
    return client.post("/api/sessions", json=config).json()["session_id"]


def put_csv(client, sid, content: bytes):
    return client.put(
        f"/api/sessions/{sid}/data.csv", content=content, headers={"content-type": "text/csv"}
    )


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize(
    "y, problem, header",
    [
        ([1.0, 0.0, 1.0, 0.0], "binary", "x1,x2,label,split"),
        ([0.0, 3.0, 4.0, 2.0], "multiclass", "x1,x2,label,split"),
        ([0.1, -2.5e-7, 1 / 3, -99.99999999999999], "regression", "x1,x2,target,split"),
    ],
)
def test_csv_round_trip_is_exact(y, problem, header):
    # Numbers no short decimal holds (a third, a tiny one, -0.0) come back to the bit.
    x = np.array([[0.5, -1.25], [1 / 3, 2.0e-12], [-0.0, np.nextafter(3.0, 4.0)], [-9.75, 10.0]])
    y, is_test = np.array(y), np.array([False, True, False, True])
    text = to_csv(x, y, is_test, problem)
    assert text.splitlines()[0] == header
    read = from_csv(text)
    assert read.problem == problem
    assert same_bits(read.x, x) and same_bits(read.y, y) and same_bits(read.is_test, is_test)


@pytest.mark.parametrize(
    "text, y, problem",
    [
        ("x1,x2,label\n0,0,A\n1,1,b\n", [0.0, 1.0], "binary"),
        ("x1,x2,label\n0,0,A\n1,1,E\n2,2,c\n", [0.0, 4.0, 2.0], "multiclass"),
        ("x1,x2,label\n0,0,2\n1,1,0\n", [2.0, 0.0], "multiclass"),
        ("X1,x2,Target,split\n0,0,-3.5,train\n1,1,1e-3,test\n", [-3.5, 0.001], "regression"),
    ],
)
def test_csv_labels_say_the_problem(text, y, problem):
    read = from_csv(text)
    assert read.problem == problem and read.y.tolist() == y


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        (
            "a,b,c\n1,2,0",
            "the first line must be the column names x1,x2,label or x1,x2,target (and"
            " optionally split)",
        ),
        ("x1,x2,label,target\n1,2,0,0", "the first line must be the column names"),
        ("x1,x2,label\n", "the file has no data rows"),
        ("x1,x2,label\n1,2", "row 2: expected 3 values, found 2"),
        ("x1,x2,label\n1,two,0", "row 2: x2 is not a number ('two')"),
        ("x1,x2,label\n1,inf,0", "row 2: x2 must be a finite number from -10 to 10"),
        ("x1,x2,label\n11,0,0", "row 2: x1 must be a finite number from -10 to 10"),
        ("x1,x2,label\n1,2,F", "row 2: label must be a class from 0 to 4 (or A to E), not 'F'"),
        ("x1,x2,label\n1,2,0.5", "row 2: label must be a class from 0 to 4 (or A to E)"),
        ("x1,x2,target\n1,2,x", "row 2: target is not a number ('x')"),
        ("x1,x2,target\n1,2,nan", "row 2: target must be a finite number from -100 to 100"),
        ("x1,x2,target\n1,2,100.5", "row 2: target must be a finite number from -100 to 100"),
        ("x1,x2,label,split\n1,2,0,maybe", "row 2: split must be train or test, not 'maybe'"),
        ("x1,x2,label\n" + "0,0,0\n" * 1001, "too many rows: 1001 (at most 1000)"),
    ],
)
def test_every_csv_rejection(text, message):
    with pytest.raises(InvalidInput) as error:
        from_csv(text)
    assert error.value.field == "file" and error.value.message.startswith(f"file: {message}")


def test_points_by_hand_keep_the_network(client):
    sid = new_session(client, dataset="xor")
    client.post(f"/api/sessions/{sid}/step", json={"steps": 10})
    r = client.post(f"/api/sessions/{sid}/points", json={"x1": 0.2, "x2": 0.3, "label": 1})
    assert r.status_code == 200
    # Every edit answers with the config (now custom data) and the frame.
    config, frame = r.json()["config"], r.json()["frame"]
    assert config == client.get(f"/api/sessions/{sid}").json()["config"]
    assert config["dataset"] == "custom" and config["hidden_layers"] == [8, 8]
    assert frame["step"] == 10 and len(frame["data"]["labels"]) == 201
    assert frame["data"]["labels"][-1] == 1 and frame["data"]["is_test"][-1] is False
    body = client.post(f"/api/sessions/{sid}/points/remove", json={"x1": 0.21, "x2": 0.3}).json()
    assert body["config"] == config and len(body["frame"]["data"]["labels"]) == 200
    body = client.delete(f"/api/sessions/{sid}/points").json()
    assert body["config"] == config and body["frame"]["data"]["labels"] == []
    assert body["frame"]["metrics"]["train_loss"] is None
    # Nothing to learn from: Step and Phase say so, and change nothing.
    message = (
        "data: there are no training points to learn from: add points (click the plane) or"
        " upload a CSV"
    )
    for action, body in (("step", {"steps": 5}), ("phase", None)):
        r = client.post(f"/api/sessions/{sid}/{action}", json=body)
        assert r.status_code == 422
        assert r.json() == {"detail": [{"field": "data", "message": message}]}
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 10


@pytest.mark.parametrize(
    "body, field",
    [
        ({"x1": 11, "x2": 0}, "x1"),
        ({"x1": 0, "x2": "NaN"}, "x2"),
        ({"x1": 0, "x2": 0, "label": 2}, "label"),
    ],
)
def test_bad_points(client, body, field):
    sid = new_session(client)
    r = client.post(f"/api/sessions/{sid}/points", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == field
    assert client.get(f"/api/sessions/{sid}").json()["config"]["dataset"] == "class-ab-noisy"


def test_csv_upload_and_download(client):
    sid = new_session(client)
    r = put_csv(client, sid, b"x1,x2,label,split\n0,0,A,train\n1,1,B,test\n")
    assert r.status_code == 200 and r.json()["frame"]["data"]["is_test"] == [False, True]
    assert r.json()["config"]["dataset"] == "custom"
    csv = client.get(f"/api/sessions/{sid}/data.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text == "x1,x2,label,split\n0.0,0.0,0,train\n1.0,1.0,1,test\n"


def test_bad_csv_keeps_the_data(client):
    sid = new_session(client)
    r = put_csv(client, sid, b"x1,x2,label\n0,0,0\n1,x,1\n")
    assert r.status_code == 422
    assert r.json() == {
        "detail": [{"field": "file", "message": "file: row 3: x2 is not a number ('x')"}]
    }
    assert len(client.get(f"/api/sessions/{sid}/frame").json()["data"]["labels"]) == 200
    big = b"x1,x2,label\n" + b"0.123456,0.123456,0\n" * 8000
    r = put_csv(client, sid, big)
    assert r.status_code == 413
    assert len(client.get(f"/api/sessions/{sid}/frame").json()["data"]["labels"]) == 200


@pytest.mark.parametrize(
    "config, custom",
    [
        ({"dataset": "xor"}, "custom"),
        ({"dataset": "blobs", "classes": 4}, "custom-classes"),
        ({"dataset": "gaussians"}, "custom-targets"),
    ],
)
def test_download_then_upload_is_the_same_run(client, config, custom):
    # The same points to the bit, the same network, optimizer and batch generator: the run
    # carries on as if nothing had happened.
    config = {**config, "optimizer": "adam", "batch_size": 10, "seed": 2}
    sid, uninterrupted = new_session(client, **config), new_session(client, **config)
    for session in (sid, uninterrupted):
        client.post(f"/api/sessions/{session}/step", json={"steps": 5})
    sessions = client.app.state.sessions

    def data() -> list:
        run = client.portal.call(sessions.read, sid)[0].run  # the session as the store keeps it
        return [run.x.copy(), run.y.copy(), run.is_test.copy()]

    before = data()
    text = client.get(f"/api/sessions/{sid}/data.csv").text
    r = put_csv(client, sid, text.encode())
    assert r.status_code == 200, r.text
    assert all(same_bits(a, b) for a, b in zip(before, data(), strict=True))
    after = client.get(f"/api/sessions/{sid}").json()["config"]
    assert after == {
        **client.get(f"/api/sessions/{uninterrupted}").json()["config"],
        "dataset": custom,
    }
    exports = []
    for session in (sid, uninterrupted):
        client.post(f"/api/sessions/{session}/step", json={"steps": 7})
        exports.append(client.get(f"/api/sessions/{session}/export").json())
    for part in ("step", "layers", "optimizer", "batch_generator"):
        assert exports[0][part] == exports[1][part]


def test_an_upload_sets_the_problem_and_the_class_count(client):
    sid = new_session(client, dataset="xor")
    body = put_csv(client, sid, b"x1,x2,label\n0,0,A\n1,1,D\n1,0,B\n").json()
    assert body["frame"]["problem"] == "multiclass"
    assert body["frame"]["network"]["sizes"] == [2, 8, 8, 4]
    assert body["config"]["dataset"] == "custom-classes" and body["config"]["classes"] == 4
    body = put_csv(client, sid, b"x1,x2,target\n0,0,0.5\n1,1,-2\n").json()
    assert body["frame"]["problem"] == "regression"
    assert body["frame"]["network"]["sizes"] == [2, 8, 8, 1]
    assert body["config"]["dataset"] == "custom-targets"
    stepped = client.post(f"/api/sessions/{sid}/step", json={"steps": 3}).json()
    assert stepped["step"] == 3 and stepped["metrics"]["train_r2"] is not None


def test_only_test_points_leave_nothing_to_step_on(client):
    sid = new_session(client)
    put_csv(client, sid, b"x1,x2,label,split\n0,0,A,test\n1,1,B,test\n")
    r = client.post(f"/api/sessions/{sid}/step")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "data"


def test_a_packed_edit_holds_the_config_and_the_frame(client):
    # The page asks for packed answers: the config travels beside the packed frame.
    sid = new_session(client, dataset="xor")
    accept = {"Accept": f"{PACKED_MEDIA_TYPE}, application/json"}
    r = client.post(f"/api/sessions/{sid}/points", json={"x1": 0, "x2": 0}, headers=accept)
    assert r.headers["content-type"] == PACKED_MEDIA_TYPE
    body = unpack(r.content)
    assert body["config"]["dataset"] == "custom" and len(body["frame"]["data"]["labels"]) == 201
