"""The Compare view's endpoint: answers, bounds, errors and the cache."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.compare.classical import BOUNDS, MODELS, PANEL_RESOLUTION, Settings, decode_map
from app.main import create_app


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


def new_session(client, **config):
    r = client.post("/api/sessions", json=config)
    assert r.status_code == 201, r.text
    return r.json()["session_id"]


def test_compare_fits_six_models_on_the_sessions_plane(client):
    sid = new_session(client, dataset="xor", n_points=200, test_fraction=0.25)
    frame = client.get(f"/api/sessions/{sid}/frame").json()
    r = client.get(f"/api/sessions/{sid}/compare")
    assert r.status_code == 200
    body = r.json()
    assert [m["model"] for m in body["models"]] == list(MODELS)
    # The same plane as the network's input plot, so panels can sit side by side.
    assert body["side"] == PANEL_RESOLUTION
    assert_same_plane(body["axis"], frame["boundary"]["x"])
    assert body["classes"] == [0, 1]
    assert body["settings"] == Settings().__dict__
    assert body["cached"] is False
    for model in body["models"]:
        classes, confidence = decode_map(model["map"])
        assert len(classes) == len(confidence) == PANEL_RESOLUTION**2
        assert 0 <= model["train_accuracy"] <= 1 and 0 <= model["test_accuracy"] <= 1
    by_name = {m["model"]: m for m in body["models"]}
    assert by_name["logistic"]["train_accuracy"] < 0.75 < by_name["svm"]["train_accuracy"]


def test_a_second_look_does_not_refit(client, app):
    sid = new_session(client, dataset="moons")
    first = client.get(f"/api/sessions/{sid}/compare?tree_depth=3").json()
    assert app.state.comparisons.fits == 1
    second = client.get(f"/api/sessions/{sid}/compare?tree_depth=3").json()
    assert app.state.comparisons.fits == 1 and second["cached"] is True
    assert second["models"] == first["models"]
    # Training the network changes nothing the classical models see.
    client.post(f"/api/sessions/{sid}/step", json={"steps": 5})
    assert client.get(f"/api/sessions/{sid}/compare?tree_depth=3").json()["cached"] is True
    # Another session on the same data and seed shares the fit.
    other = new_session(client, dataset="moons")
    assert client.get(f"/api/sessions/{other}/compare?tree_depth=3").json()["cached"] is True
    assert app.state.comparisons.fits == 1


def test_new_settings_or_new_data_refit(client, app):
    sid = new_session(client, dataset="moons")
    client.get(f"/api/sessions/{sid}/compare")
    client.get(f"/api/sessions/{sid}/compare?svm_gamma=5")
    assert app.state.comparisons.fits == 2
    client.post(f"/api/sessions/{sid}/points", json={"x1": 0.1, "x2": 0.2, "label": 1})
    assert client.get(f"/api/sessions/{sid}/compare").json()["cached"] is False
    client.put(f"/api/sessions/{sid}/config", json={"dataset": "moons", "seed": 2})
    assert client.get(f"/api/sessions/{sid}/compare").json()["cached"] is False
    assert app.state.comparisons.fits == 4


def test_custom_points_far_out_widen_the_grid_like_the_input_plot(client):
    sid = new_session(client, dataset="custom")
    for x1, label in [(-4.0, 0), (-3.5, 0), (6.0, 1), (5.0, 1)]:
        client.post(f"/api/sessions/{sid}/points", json={"x1": x1, "x2": 0.0, "label": label})
    frame = client.get(f"/api/sessions/{sid}/frame").json()
    body = client.get(f"/api/sessions/{sid}/compare").json()
    assert_same_plane(body["axis"], frame["boundary"]["x"])
    assert body["axis"][0] < -4


def assert_same_plane(axis, network_axis):
    """Evenly spaced cells, from one end of the network's plane to the other (its map is finer)."""
    ends = [network_axis[0], network_axis[-1]]
    expected = np.linspace(*ends, PANEL_RESOLUTION)
    assert axis == pytest.approx(expected, abs=1e-4)


def range_message(field):
    low, high = BOUNDS[field]
    return f"{field} must be a finite number from {low:g} to {high:g}"


@pytest.mark.parametrize(
    "query, field",
    [
        ("logistic_c=0", "logistic_c"),
        ("logistic_c=101", "logistic_c"),
        ("svm_c=0.001", "svm_c"),
        ("svm_gamma=1000", "svm_gamma"),
        ("svm_gamma=nan", "svm_gamma"),
        ("svm_gamma=inf", "svm_gamma"),
        ("svm_gamma=wide", "svm_gamma"),
        ("tree_depth=0", "tree_depth"),
        ("tree_depth=13", "tree_depth"),
        ("tree_depth=2.5", "tree_depth"),
        ("forest_trees=0", "forest_trees"),
        ("forest_trees=101", "forest_trees"),
        ("forest_depth=13", "forest_depth"),
        ("boosting_rounds=101", "boosting_rounds"),
        ("boosting_depth=5", "boosting_depth"),
    ],
)
def test_settings_out_of_range_are_422_naming_the_field_and_range(client, app, query, field):
    sid = new_session(client, dataset="xor")
    r = client.get(f"/api/sessions/{sid}/compare?{query}")
    assert r.status_code == 422
    detail = [{k: d[k] for k in ("field", "message")} for d in r.json()["detail"]]
    assert detail == [{"field": field, "message": range_message(field)}]
    assert app.state.comparisons.fits == 0


def test_every_bound_is_offered_to_the_page(client):
    limits = client.get("/api/options").json()["limits"]
    for field, (low, high) in BOUNDS.items():
        assert limits[field] == {"min": low, "max": high}


def test_unknown_settings_are_refused(client):
    sid = new_session(client)
    r = client.get(f"/api/sessions/{sid}/compare?kernel=linear")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "kernel"


def test_settings_at_their_bounds_are_accepted(client):
    sid = new_session(client, dataset="gaussian", n_points=60)
    low = "&".join(f"{k}={v[0]}" for k, v in BOUNDS.items())
    high = "&".join(f"{k}={v[1]}" for k, v in BOUNDS.items())
    for query in (low, high):
        r = client.get(f"/api/sessions/{sid}/compare?{query}")
        assert r.status_code == 200, r.text


def test_unknown_session_is_404(client):
    r = client.get("/api/sessions/no-such-session/compare")
    assert r.status_code == 404 and r.json() == {"detail": "Session not found"}


def test_too_few_classes_is_422_not_500(client):
    sid = new_session(client, dataset="custom")
    r = client.get(f"/api/sessions/{sid}/compare")
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "data"
    client.post(f"/api/sessions/{sid}/points", json={"x1": 0.0, "x2": 0.0, "label": 1})
    client.post(f"/api/sessions/{sid}/points", json={"x1": 1.0, "x2": 0.0, "label": 1})
    r = client.get(f"/api/sessions/{sid}/compare")
    assert r.status_code == 422
    assert "of 1 class)" in r.json()["detail"][0]["message"]
    client.post(f"/api/sessions/{sid}/points", json={"x1": 0.5, "x2": 1.0, "label": 0})
    assert client.get(f"/api/sessions/{sid}/compare").status_code == 200
