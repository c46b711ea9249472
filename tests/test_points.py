"""Custom data: points by hand and CSV files, through the API."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.errors import InvalidInput
from app.main import create_app
from app.run.points import from_csv, to_csv


@pytest.fixture
def client():
    with TestClient(create_app(trainer_period=0.01)) as client:
        yield client


def new_session(client, **config):
    return client.post("/api/sessions", json=config).json()["session_id"]


def put_csv(client, sid, content: bytes):
    return client.put(
        f"/api/sessions/{sid}/data.csv", content=content, headers={"content-type": "text/csv"}
    )


def test_csv_round_trip():
    x = np.array([[0.5, -1.25], [3.0, 2.0]])
    y = np.array([1.0, 0.0])
    is_test = np.array([False, True])
    x2, y2, t2 = from_csv(to_csv(x, y, is_test))
    assert np.array_equal(x, x2) and np.array_equal(y, y2) and np.array_equal(is_test, t2)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("a,b,c\n1,2,0", "the first line must be the column names x1,x2,label"),
        ("x1,x2,label\n", "the file has no data rows"),
        ("x1,x2,label\n1,2", "row 2: expected 3 values, found 2"),
        ("x1,x2,label\n1,two,0", "row 2: x2 is not a number ('two')"),
        ("x1,x2,label\n1,inf,0", "row 2: x2 must be a finite number from -10 to 10"),
        ("x1,x2,label\n11,0,0", "row 2: x1 must be a finite number from -10 to 10"),
        ("x1,x2,label\n1,2,C", "row 2: label must be 0 or 1 (or A or B), not 'C'"),
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
    frame = client.post(f"/api/sessions/{sid}/points", json={"x1": 0.2, "x2": 0.3, "label": 1})
    assert frame.status_code == 200
    body = frame.json()
    assert body["step"] == 10 and len(body["data"]["labels"]) == 201
    assert body["data"]["labels"][-1] == 1 and body["data"]["is_test"][-1] is False
    assert client.get(f"/api/sessions/{sid}").json()["config"]["dataset"] == "custom"
    body = client.post(f"/api/sessions/{sid}/points/remove", json={"x1": 0.21, "x2": 0.3}).json()
    assert len(body["data"]["labels"]) == 200
    body = client.delete(f"/api/sessions/{sid}/points").json()
    assert body["data"]["labels"] == [] and body["metrics"]["train_loss"] is None
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
    assert r.status_code == 200 and r.json()["data"]["is_test"] == [False, True]
    csv = client.get(f"/api/sessions/{sid}/data.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text == "x1,x2,label,split\n0,0,0,train\n1,1,1,test\n"


def test_bad_csv_keeps_the_data(client):
    sid = new_session(client)
    r = put_csv(client, sid, b"x1,x2,label\n0,0,0\n1,x,1\n")
    assert r.status_code == 422
    assert r.json() == {
        "detail": [{"field": "file", "message": "file: row 3: x2 is not a number ('x')"}]
    }
    assert len(client.get(f"/api/sessions/{sid}/frame").json()["data"]["labels"]) == 200
    big = b"x1,x2,label\n" + b"0.123456,0.123456,0\n" * 4000
    r = put_csv(client, sid, big)
    assert r.status_code == 413
    assert len(client.get(f"/api/sessions/{sid}/frame").json()["data"]["labels"]) == 200
