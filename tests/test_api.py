"""The HTTP API through TestClient: lifecycle, validation, divergence, training by polls."""

import json
import time

import pytest
from fastapi.testclient import TestClient
from waiting import wait_for

from app.api.schemas import NETWORK_EXAMPLE
from app.main import create_app
from app.pictures.panels import phrase
from app.sessions.service import IDLE_STOP
from app.sessions.store import IN_USE, MemoryStore


def neuron(n: int) -> dict:
    """The axis title of hidden neuron n (counting from 1), as the server phrases it."""
    return phrase("axis.neuron", n=n)


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
        yield client


def new_session(client, **config):
    r = client.post("/api/sessions", json=config)
    assert r.status_code == 201, r.text
    return r.json()["session_id"]


def test_full_session_lifecycle(client):
    r = client.post("/api/sessions", json={"dataset": "xor", "hidden_layers": [4]})
    body = r.json()
    sid = body["session_id"]
    assert len(sid) >= 22  # 16 random bytes, URL-safe base64
    assert body["config"]["dataset"] == "xor" and body["config"]["hidden_layers"] == [4]
    assert body["frame"]["step"] == 0 and len(body["frame"]["layers"]) == 3

    assert client.get(f"/api/sessions/{sid}").json() == {
        "session_id": sid,
        "config": body["config"],
        "step": 0,
        "training": False,
    }
    frame = client.post(f"/api/sessions/{sid}/step", json={"steps": 5}).json()
    assert frame["step"] == 5 and frame["training"] is False

    assert client.post(f"/api/sessions/{sid}/train").json() == {"training": True}
    # Each poll (POST .../advance) takes the steps due since the last one.
    advance = lambda: client.post(f"/api/sessions/{sid}/advance").json()  # noqa: E731
    steps = [advance()["step"]]
    assert steps[0] > 5
    wait_for(lambda: advance()["step"] > steps[-1])

    assert client.post(f"/api/sessions/{sid}/pause").json() == {"training": False}
    paused = client.get(f"/api/sessions/{sid}/frame").json()
    time.sleep(0.1)
    assert client.get(f"/api/sessions/{sid}/frame").json()["step"] == paused["step"]

    reset = client.post(f"/api/sessions/{sid}/reset").json()
    assert (
        reset["step"] == 0 and reset["layers"][0]["points"] == body["frame"]["layers"][0]["points"]
    )

    changed = client.put(f"/api/sessions/{sid}/config", json={"dataset": "circle"}).json()
    assert changed["config"]["dataset"] == "circle" and changed["config"]["hidden_layers"] == [8, 8]
    assert changed["frame"]["step"] == 0 and len(changed["frame"]["layers"]) == 4

    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    r = client.get(f"/api/sessions/{sid}/frame")
    assert r.status_code == 404 and r.json() == {"detail": "Session not found"}


def test_defaults_when_no_body(client):
    r = client.post("/api/sessions")
    assert r.status_code == 201
    options = client.get("/api/options").json()
    assert r.json()["config"] == options["defaults"]
    assert options["limits"]["learning_rate"] == {"min": 0.00001, "max": 10.0}


FEATURES_MESSAGE = (
    "features: 1 to 8 distinct names from: x1, x2, x1^2, x2^2, x1*x2, x1^2+x2^2, sin(x1), sin(x2)"
)


def in_range(field, low, high):
    return f"{field} must be a finite number from {low} to {high}"


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"n_points": 9}, "n_points", in_range("n_points", "10", "1000")),
        ({"n_points": 1001}, "n_points", in_range("n_points", "10", "1000")),
        ({"noise": -0.1}, "noise", in_range("noise", "0", "1")),
        ({"noise": 1.5}, "noise", in_range("noise", "0", "1")),
        ({"test_fraction": 0.95}, "test_fraction", in_range("test_fraction", "0", "0.9")),
        ({"learning_rate": 0}, "learning_rate", in_range("learning_rate", "1e-05", "10")),
        ({"learning_rate": 11}, "learning_rate", in_range("learning_rate", "1e-05", "10")),
        ({"learning_rate": "fast"}, "learning_rate", in_range("learning_rate", "1e-05", "10")),
        ({"batch_size": 0}, "batch_size", in_range("batch_size", "1", "1000")),
        ({"batch_size": 1001}, "batch_size", in_range("batch_size", "1", "1000")),
        ({"seed": -1}, "seed", in_range("seed", "0", "2.14748e+09")),
        ({"steps_per_frame": 0}, "steps_per_frame", in_range("steps_per_frame", "1", "200")),
        ({"steps_per_frame": 201}, "steps_per_frame", in_range("steps_per_frame", "1", "200")),
        ({"hidden_layers": [8] * 7}, "hidden_layers", "hidden_layers: at most 6 hidden layers"),
        (
            {"hidden_layers": [4, 9]},
            "hidden_layers.1",
            "hidden_layers: each layer has 1 to 8 neurons",
        ),
        ({"hidden_layers": [0]}, "hidden_layers.0", "hidden_layers: each layer has 1 to 8 neurons"),
        (
            {"dataset": "mnist"},
            "dataset",
            "dataset must be one of: "
            "class-ab, class-ab-noisy, xor, circle, moons, spiral, gaussian, custom, "
            "spiral-arms, blobs, custom-classes, plane, gaussians, custom-targets",
        ),
        (
            {"activation": "gelu"},
            "activation",
            "activation must be one of: tanh, relu, sigmoid, linear",
        ),
        (
            {"initialization": "zeros"},
            "initialization",
            "initialization must be one of: suited, small",
        ),
        ({"colour": "red"}, "colour", "colour: Extra inputs are not permitted"),
        ({"features": []}, "features", FEATURES_MESSAGE),
        ({"features": ["x1", "x1"]}, "features", FEATURES_MESSAGE),
        ({"features": ["x3"]}, "features.0", FEATURES_MESSAGE),
        # Found by the fuzzer: JSON's true and false were taken as the numbers 1 and 0.
        ({"seed": False}, "seed", in_range("seed", "0", "2.14748e+09")),
        ({"noise": True}, "noise", in_range("noise", "0", "1")),
        (
            {"hidden_layers": [True]},
            "hidden_layers.0",
            "hidden_layers: each layer has 1 to 8 neurons",
        ),
        ({"n_points": "50"}, "n_points", in_range("n_points", "10", "1000")),
    ],
)
def test_bad_config_is_rejected_and_the_session_kept(client, body, field, message):
    sid = new_session(client, dataset="moons")
    client.post(f"/api/sessions/{sid}/step", json={"steps": 3})
    r = client.put(f"/api/sessions/{sid}/config", json=body)
    assert r.status_code == 422
    assert [{k: d[k] for k in ("field", "message")} for d in r.json()["detail"]] == [
        {"field": field, "message": message}
    ]
    assert client.post("/api/sessions", json=body).status_code == 422
    summary = client.get(f"/api/sessions/{sid}").json()
    assert summary["step"] == 3 and summary["config"]["dataset"] == "moons"


@pytest.mark.parametrize(
    "method, path, body, field",
    [
        ("POST", "/points", {"x1": 0, "x2": 0, "label": False}, "label"),
        ("POST", "/points/remove", {"x1": True, "x2": 0}, "x1"),
        ("PUT", "/view", {"layer": 1, "projection": "neurons", "neurons": [False, 1]}, "neurons.0"),
        ("POST", "/import", {**NETWORK_EXAMPLE, "step": False}, "step"),
        ("POST", "/import", {**NETWORK_EXAMPLE, "version": True}, "version"),
    ],
)
def test_booleans_are_not_numbers(client, method, path, body, field):
    """Found by the fuzzer: pydantic took true and false for 1 and 0 where the schema promised
    numbers, and the request was carried out."""
    sid = new_session(client, dataset="class-ab")
    before = client.get(f"/api/sessions/{sid}/frame").json()
    r = client.request(method, f"/api/sessions/{sid}{path}", json=body)
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["detail"]] == [field]
    after = client.get(f"/api/sessions/{sid}/frame").json()
    assert after["revision"] == before["revision"]
    assert client.post(f"/api/sessions/{sid}/import", json=NETWORK_EXAMPLE).status_code == 200


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_non_finite_numbers_are_rejected(client, literal):
    sid = new_session(client)
    r = client.put(
        f"/api/sessions/{sid}/config",
        content=b'{"noise": ' + literal + b"}",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "noise"


@pytest.mark.parametrize(
    "body", [{"steps": 0}, {"steps": 1001}, {"steps": 2.5}, {"steps": None}, {"steps": True}]
)
def test_bad_step_count(client, body):
    sid = new_session(client)
    r = client.post(f"/api/sessions/{sid}/step", json=body)
    assert r.status_code == 422
    assert r.json()["detail"][0]["message"] == in_range("steps", "1", "1000")
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 0


def test_malformed_json_is_a_422(client):
    sid = new_session(client)
    r = client.put(
        f"/api/sessions/{sid}/config", content=b"{", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    # The error is at a character position, but the field it names is the body.
    assert r.json()["detail"] == [
        {
            "field": "body",
            "message": "body must be JSON: Expecting property name enclosed in double quotes",
            "type": "json_invalid",
        }
    ]


def test_a_body_that_is_not_utf8_is_a_422(client):
    """Found by the fuzzer: FastAPI answered 400, which no route declared."""
    sid = new_session(client)
    for method, path in [("PUT", "/config"), ("POST", "/step"), ("POST", "/points")]:
        r = client.request(
            method,
            f"/api/sessions/{sid}{path}",
            content=b"\x18O\xff\x0e",
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 422, path
        message = "body must be JSON (UTF-8 text)"
        assert r.json() == {
            "detail": [{"field": "body", "message": message, "type": "json_invalid"}]
        }
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 0
    # Other errors keep their own status and body.
    assert client.get("/api/sessions/nope").json() == {"detail": "Session not found"}


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", ""),
        ("get", "/frame"),
        ("post", "/step"),
        ("post", "/train"),
        ("post", "/pause"),
        ("post", "/reset"),
        ("put", "/config"),
        ("delete", ""),
    ],
)
def test_unknown_session_is_a_404(client, method, path):
    kwargs = {"json": {}} if method in ("post", "put") else {}
    r = getattr(client, method)(f"/api/sessions/not-a-session{path}", **kwargs)
    assert r.status_code == 404 and r.json() == {"detail": "Session not found"}


def test_unchanged_frame_is_a_204(client):
    sid = new_session(client)
    revision = client.get(f"/api/sessions/{sid}/frame").json()["revision"]
    r = client.get(f"/api/sessions/{sid}/frame", params={"since": revision})
    assert r.status_code == 204 and r.content == b""
    client.post(f"/api/sessions/{sid}/step")
    r = client.get(f"/api/sessions/{sid}/frame", params={"since": revision})
    assert r.status_code == 200 and r.json()["step"] == 1


KNOWN = {"$known": True}


def test_a_frame_leaves_out_the_data_the_client_says_it_has(client):
    sid = new_session(client)
    url = f"/api/sessions/{sid}/frame"
    client.post(f"/api/sessions/{sid}/step", json={"steps": 3})
    full = client.get(url).json()
    short = client.get(url, params={"known": full["data_id"]}).json()
    assert short["data"]["labels"] == short["data"]["is_test"] == KNOWN
    assert short["boundary"]["x"] == short["boundary"]["y"] == KNOWN
    plane = short["layers"][0]
    assert plane["points"] == plane["grid"] == KNOWN
    assert short["palette"] == KNOWN and full["palette"]["boundary"] == "#222"
    # Put back, the left-out parts make the whole frame again.
    short["palette"] = full["palette"]
    short["data"].update(labels=full["data"]["labels"], is_test=full["data"]["is_test"])
    short["boundary"].update(x=full["boundary"]["x"], y=full["boundary"]["y"])
    plane.update(points=full["layers"][0]["points"], grid=full["layers"][0]["grid"])
    assert short == full
    # Another data_id (a client that has other data) gets everything.
    other = client.get(url, params={"known": "0123456789abcdef"}).json()
    assert other == full


def test_new_data_gets_a_new_data_id(client):
    sid = new_session(client)
    url = f"/api/sessions/{sid}/frame"
    first = client.get(url).json()["data_id"]
    client.post(f"/api/sessions/{sid}/step", json={"steps": 5})
    assert client.get(url).json()["data_id"] == first  # training changes no data
    client.post(f"/api/sessions/{sid}/points", json={"x1": 0.2, "x2": 0.3, "label": 1})
    added = client.get(url, params={"known": first}).json()
    assert added["data_id"] != first and len(added["data"]["labels"]) == 201
    client.put(f"/api/sessions/{sid}/config", json={"dataset": "xor"})
    assert client.get(url).json()["data_id"] not in (first, added["data_id"])
    other = new_session(client, dataset="xor")  # the same data in another session: the same id
    assert (
        client.get(f"/api/sessions/{other}/frame").json()["data_id"]
        == client.get(url).json()["data_id"]
    )


@pytest.mark.parametrize("known", ["", "xyz", "0123456789ABCDEF", "0" * 17])
def test_known_must_be_a_data_id(client, known):
    sid = new_session(client)
    r = client.get(f"/api/sessions/{sid}/frame", params={"known": known})
    message = "known must be a frame's data_id: 16 digits from 0-9 and a-f"
    assert r.status_code == 422 and r.json()["detail"][0]["message"] == message


def test_each_poll_of_a_training_session_answers_a_new_frame(client):
    sid = new_session(client)
    client.post(f"/api/sessions/{sid}/train")
    revision = client.get(f"/api/sessions/{sid}/frame").json()["revision"]
    for _ in range(5):  # never "nothing new": each answer is the next frame
        r = client.post(f"/api/sessions/{sid}/advance")
        assert r.status_code == 200 and r.json()["revision"] > revision
        revision = r.json()["revision"]
    # A GET changes nothing: with since, "nothing new" at once.
    r = client.get(f"/api/sessions/{sid}/frame", params={"since": revision})
    assert r.status_code == 204 and r.content == b""


def test_nothing_trains_a_session_nobody_polls(client):
    sid = new_session(client)
    client.post(f"/api/sessions/{sid}/train")
    time.sleep(0.2)  # time enough for 20 steps were anybody polling
    frame = client.get(f"/api/sessions/{sid}/frame").json()
    assert frame["step"] == 0 and frame["training"] is True
    assert client.post(f"/api/sessions/{sid}/advance").json()["step"] > 0


def test_a_paused_sessions_poll_changes_nothing(client):
    sid = new_session(client)
    before = client.get(f"/api/sessions/{sid}/frame").json()
    after = client.post(f"/api/sessions/{sid}/advance").json()
    assert (after["step"], after["revision"]) == (before["step"], before["revision"]) == (0, 0)


def test_divergence_is_reported_and_reset_recovers(client):
    sid = new_session(client)
    diverging = {"dataset": "class-ab", "activation": "linear", "learning_rate": 10}
    client.put(f"/api/sessions/{sid}/config", json=diverging)
    r = client.post(f"/api/sessions/{sid}/step", json={"steps": 100})
    frame = json.loads(r.text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert frame["stopped_reason"] == "diverged" and frame["step"] < 100
    assert client.post(f"/api/sessions/{sid}/train").json() == {"training": False}
    reset = client.post(f"/api/sessions/{sid}/reset").json()
    assert reset["step"] == 0 and reset["stopped_reason"] is None


def test_training_counts_as_paused_when_nobody_has_polled_for_a_while():
    now = [1000.0]
    with TestClient(create_app(service={"clock": lambda: now[0]})) as client:
        sid = new_session(client)
        client.post(f"/api/sessions/{sid}/train")
        now[0] += 0.1
        assert client.post(f"/api/sessions/{sid}/advance").json()["step"] == 10
        now[0] += IDLE_STOP + 1  # nobody has asked since
        frame = client.get(f"/api/sessions/{sid}/frame").json()
        assert frame["training"] is False and frame["stopped_reason"] == "idle"
        assert client.post(f"/api/sessions/{sid}/advance").json()["step"] == 10  # no catching up
        assert client.get(f"/api/sessions/{sid}").json()["training"] is False


def test_idle_sessions_expire_after_the_ttl():
    now = [0.0]
    store = MemoryStore(ttl=60.0, clock=lambda: now[0])
    with TestClient(create_app(store=store)) as client:
        used, untouched = new_session(client), new_session(client)
        now[0] += 50
        assert client.get(f"/api/sessions/{used}").status_code == 200
        now[0] += 50
        assert client.get(f"/api/sessions/{untouched}").status_code == 404
        assert client.get("/healthz").json()["sessions"] == 1
        now[0] += 61
        assert client.get(f"/api/sessions/{used}").status_code == 404
        assert client.get("/healthz").json()["sessions"] == 0


def test_a_new_session_never_drops_one_in_use():
    """A full store drops a session never asked about since its creation, else one no longer
    in use (no request for IN_USE seconds); full of sessions in use, it refuses a new one."""
    now = [0.0]
    store = MemoryStore(max_sessions=3, ttl=3600.0, clock=lambda: now[0])
    with TestClient(create_app(store=store)) as client:
        in_use = [new_session(client) for _ in range(2)]
        for sid in in_use:  # their pages asked for a frame
            assert client.get(f"/api/sessions/{sid}/frame").status_code == 200
        now[0] += 10
        untouched = new_session(client)
        newest = new_session(client)  # in place of the one never asked about
        assert client.get(f"/api/sessions/{untouched}").status_code == 404
        assert client.get(f"/api/sessions/{newest}").status_code == 200  # in use now
        refused = client.post("/api/sessions", json={})
        # The first in use was last asked 10 s ago: no room for IN_USE - 10 seconds.
        wait = int(IN_USE - 10)
        assert refused.status_code == 503 and refused.headers["retry-after"] == str(wait)
        assert refused.json() == {
            "detail": f"server full: every session is in use; try again in {wait} s"
        }
        now[0] += wait
        assert client.get(f"/api/sessions/{in_use[1]}").status_code == 200  # still in use
        replacing = new_session(client)  # the first is no longer in use: it makes room
        assert client.get(f"/api/sessions/{in_use[0]}").status_code == 404
        for sid in (in_use[1], newest, replacing):
            assert client.get(f"/api/sessions/{sid}").status_code == 200


def test_page_and_plotly_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    url = client.app.state.assets.url  # the versioned URL of a static file
    assert f'id="plotly-js" href="{url("vendor/plotly.min.js")}"' in page.text
    assert 'type="module"' in page.text and "http://" not in page.text.split("<body>")[1]
    js = client.get(url("vendor/plotly.min.js"))
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert len(js.content) > 1_000_000
    assert client.get(url("js/main.js")).status_code == 200


def test_timeline_frames(client):
    sid = new_session(client)
    frame = client.post(f"/api/sessions/{sid}/step", json={"steps": 50}).json()
    assert frame["timeline"] == list(range(51)) and frame["timeline_index"] is None
    then = client.get(f"/api/sessions/{sid}/frame", params={"at": 10}).json()
    assert then["step"] == 10 and then["timeline_index"] == 10
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 50  # still at the latest
    r = client.get(f"/api/sessions/{sid}/frame", params={"at": 51})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [{"field": "at", "message": "at must be a timeline index from 0 to 50"}]
    }
    r = client.get(f"/api/sessions/{sid}/frame", params={"at": -1})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "at"


def test_phase_by_phase(client):
    sid = new_session(client)
    client.post(f"/api/sessions/{sid}/train")
    frames = [client.post(f"/api/sessions/{sid}/phase").json() for _ in range(4)]
    assert [f["phase"] for f in frames] == ["forward", "loss", "backward", "update"]
    assert all(f["training"] is False for f in frames)  # phase stepping pauses training
    first_step = frames[0]["step"]
    assert [f["step"] for f in frames] == [first_step] * 3 + [first_step + 1]
    assert frames[0]["loop"]["batch_loss"] is None and frames[1]["loop"]["batch_loss"] > 0
    assert len(frames[2]["loop"]["grad_norms"]) == 3
    assert frames[3]["loop"]["update_norms"] == [
        pytest.approx(0.03 * g, rel=1e-3) for g in frames[2]["loop"]["grad_norms"]
    ]
    after = client.post(f"/api/sessions/{sid}/step").json()
    assert after["phase"] is None and after["step"] == first_step + 2


@pytest.mark.parametrize(
    "body, field, message",
    [
        (
            {"layer": 3, "projection": "pca"},
            "layer",
            "layer must be a panel of 3 or more units: one of [1, 2]",
        ),
        (
            {"layer": 2, "projection": "neurons", "neurons": [0, 5]},
            "neurons",
            "neurons: each from 0 to 2",
        ),
        (
            {"layer": 1, "projection": "neurons", "dims": 3, "neurons": [1, 1, 2]},
            "neurons",
            "neurons: 3 distinct numbers",
        ),
        (
            {"layer": 1, "projection": "tsne"},
            "projection",
            "projection must be one of: pca, neurons",
        ),
        ({"layer": 1, "projection": "pca", "dims": 4}, "dims", in_range("dims", "2", "3")),
        ({"layer": 0, "projection": "pca"}, "layer", in_range("layer", "1", "8")),
    ],
)
def test_bad_view_requests(client, body, field, message):
    sid = new_session(client, hidden_layers=[8, 3])
    r = client.put(f"/api/sessions/{sid}/view", json=body)
    assert r.status_code == 422
    assert [{k: d[k] for k in ("field", "message")} for d in r.json()["detail"]] == [
        {"field": field, "message": message}
    ]
    frame = client.get(f"/api/sessions/{sid}/frame").json()
    assert [layer["view"] for layer in frame["layers"]] == ["plane", "pca", "neurons", "curve"]


def test_view_choice_is_kept_across_steps_and_reset(client):
    sid = new_session(client)
    body = {"layer": 1, "projection": "neurons", "dims": 2, "neurons": [2, 7]}
    frame = client.put(f"/api/sessions/{sid}/view", json=body).json()
    assert frame["layers"][1]["axes"] == [neuron(3), neuron(8)]
    assert (
        client.post(f"/api/sessions/{sid}/step").json()["layers"][1]["axes"]
        == frame["layers"][1]["axes"]
    )
    assert client.post(f"/api/sessions/{sid}/reset").json()["layers"][1]["view"] == "neurons"
    changed = client.put(f"/api/sessions/{sid}/config", json={"hidden_layers": [8, 8]}).json()
    assert changed["frame"]["layers"][1]["view"] == "pca"  # a new network starts afresh


def test_export_and_import_a_trained_network(client):
    sid = new_session(client, dataset="xor", learning_rate=0.3, hidden_layers=[6])
    trained = client.post(f"/api/sessions/{sid}/step", json={"steps": 300}).json()
    exported = client.get(f"/api/sessions/{sid}/export").json()
    assert exported["format"] == "layerscope-network" and exported["step"] == 300
    assert [len(la["w"]) for la in exported["layers"]] == [2, 6]

    other = new_session(client)
    restored = client.post(f"/api/sessions/{other}/import", json=exported).json()
    assert restored["config"]["dataset"] == "xor" and restored["frame"]["step"] == 300
    assert restored["frame"]["metrics"] == trained["metrics"]
    assert restored["frame"]["boundary"]["p"] == trained["boundary"]["p"]
    carried_on = client.post(f"/api/sessions/{other}/step", json={"steps": 5}).json()
    assert carried_on["step"] == 305


def test_initialization_setting_draws_the_starting_weights(client):
    """A config's initialization travels to the weights: naive small ones are all tiny, suited
    ones (Glorot for sigmoid) are not; the option is offered with its choices."""
    choices = client.get("/api/options").json()["choices"]["initialization"]
    assert [c["value"] for c in choices] == ["suited", "small"]
    spreads = {}
    for initialization in ("suited", "small"):
        sid = new_session(client, dataset="circle", activation="sigmoid", hidden_layers=[8] * 6)
        r = client.put(
            f"/api/sessions/{sid}/config",
            json={
                "initialization": initialization,
                "activation": "sigmoid",
                "hidden_layers": [8] * 6,
                "dataset": "circle",
            },
        )
        assert r.status_code == 200 and r.json()["config"]["initialization"] == initialization
        weights = [
            w
            for la in client.get(f"/api/sessions/{sid}/export").json()["layers"]
            for row in la["w"]
            for w in row
        ]
        spreads[initialization] = max(abs(w) for w in weights)
    assert spreads["small"] < 0.05 < spreads["suited"]


def export_after(client, sid: str, steps: int) -> dict:
    client.post(f"/api/sessions/{sid}/step", json={"steps": steps})
    return client.get(f"/api/sessions/{sid}/export").json()


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [None, 7])
@pytest.mark.parametrize("data", ["built-in", "custom"])
def test_an_imported_run_continues_exactly_as_the_original(client, optimizer, batch_size, data):
    # Exported after 6 steps and imported into another session, 9 more steps there give the
    # run of 15 steps without a break, to the bit (JSON floats read back exactly).
    config = {"dataset": "moons", "optimizer": optimizer, "batch_size": batch_size, "seed": 3}
    original = new_session(client, **config)
    if data == "custom":
        r = client.post(f"/api/sessions/{original}/points", json={"x1": 0.3, "x2": -0.7})
        assert r.status_code == 200
    exported = export_after(client, original, 6)
    assert exported["version"] == 2 and "timeline" not in exported
    assert ("data" in exported) == (data == "custom")
    copy = new_session(client, dataset="xor")
    restored = client.post(f"/api/sessions/{copy}/import", json=exported)
    assert restored.status_code == 200, restored.text
    assert restored.json()["frame"]["timeline"] == [6]
    assert export_after(client, copy, 9) == export_after(client, original, 9)


def test_an_exported_file_says_what_continues_the_run(client):
    sid = new_session(client, dataset="xor", optimizer="adam", batch_size=10, hidden_layers=[3])
    exported = export_after(client, sid, 4)
    assert exported["optimizer"]["t"] == 4
    assert [len(la["w"]) for la in exported["optimizer"]["m"]] == [2, 3]
    generator = exported["batch_generator"]
    assert generator["bit_generator"] == "PCG64"
    # Strings: a browser's JSON.parse would round these 128-bit integers to doubles.
    assert all(isinstance(v, str) and int(v) > 2**53 for v in generator["state"].values())


def test_a_version_1_file_is_still_read(client):
    sid = new_session(client, dataset="xor", optimizer="momentum", hidden_layers=[3])
    exported = export_after(client, sid, 5)
    old = {key: exported[key] for key in ("format", "config", "step", "layers")}
    other = new_session(client)
    r = client.post(f"/api/sessions/{other}/import", json={**old, "version": 1})
    assert r.status_code == 200, r.text
    again = client.get(f"/api/sessions/{other}/export").json()
    assert again["layers"] == exported["layers"] and again["optimizer"] == {}


def test_an_imported_custom_run_without_points_refuses_to_step(client):
    sid = new_session(client, dataset="custom", hidden_layers=[3])
    exported = client.get(f"/api/sessions/{sid}/export").json()
    assert exported["data"] == {"x": [], "y": [], "is_test": []}
    other = new_session(client)
    assert client.post(f"/api/sessions/{other}/import", json=exported).status_code == 200
    r = client.post(f"/api/sessions/{other}/step")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "data"
    assert "no training points" in r.json()["detail"][0]["message"]


def broken(exported, **changes):
    return {**exported, **changes}


@pytest.mark.parametrize(
    "change, field, message",
    [
        (
            lambda e: broken(e, layers=e["layers"][:1]),
            "layers",
            "layers: shapes do not match the config's network (expected 2x8, 8x8, 8x1)",
        ),
        (
            lambda e: broken(e, config={**e["config"], "learning_rate": 50}),
            "config.learning_rate",
            "config.learning_rate must be a finite number from 1e-05 to 10",
        ),
        (lambda e: broken(e, format="keras"), "format", None),
        (lambda e: {k: v for k, v in e.items() if k != "layers"}, "layers", None),
        (
            lambda e: broken(e, layers=[{"w": [["NaN"]], "b": [0]}] + e["layers"][1:]),
            "layers.0.w.0.0",
            "layers.0.w.0.0: weights must be finite numbers from -1e6 to 1e6, at most 8 per row",
        ),
        (  # found by the fuzzer: ragged rows were a 500
            lambda e: broken(e, layers=[{"w": [[0.0], [0.0, 0.0]], "b": [0.0]}]),
            "layers.0.w",
            "layers.0.w: every row of w has the same length",
        ),
        (
            lambda e: broken(e, optimizer={"velocity": e["layers"]}),
            "optimizer",
            "optimizer: sgd remembers nothing (found velocity)",
        ),
        (
            lambda e: broken(e, data={"x": [[0, 0]], "y": [0], "is_test": [False]}),
            "data",
            "data: only a run on custom points carries them (the others come from the seed)",
        ),
        (
            lambda e: broken(e, data={"x": [[0, 11]], "y": [0], "is_test": [False]}),
            "data.x.0.1",
            "data.x.0.1: each point is two finite numbers from -10 to 10",
        ),
        (
            lambda e: broken(e, data={"x": [[0, 0]] * 1001, "y": [0], "is_test": [False]}),
            "data.x",
            "data.x: at most 1000 points",
        ),
        (
            lambda e: broken(
                e, batch_generator={**e["batch_generator"], "state": {"state": "1", "inc": 3}}
            ),
            "batch_generator.state.inc",
            "batch_generator: NumPy's PCG64 state as exported (state and inc as strings of"
            " decimal digits below 2**128)",
        ),
        (
            lambda e: broken(
                e,
                batch_generator={
                    **e["batch_generator"],
                    "state": {"state": str(2**128), "inc": "1"},
                },
            ),
            "batch_generator.state.state",
            None,
        ),
    ],
)
def test_bad_network_files_are_rejected_and_the_session_kept(client, change, field, message):
    sid = new_session(client)
    exported = client.get(f"/api/sessions/{sid}/export").json()
    client.post(f"/api/sessions/{sid}/step", json={"steps": 7})
    r = client.post(f"/api/sessions/{sid}/import", json=change(exported))
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert detail["field"] == field
    if message:
        assert detail["message"] == message
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 7
