"""Axis titles of projected panels: plain names, and shares of the spread that add up."""

import numpy as np
import pytest

from app.pictures.frame import build_frame
from app.pictures.panels import Projection, _percents
from app.run.config import TrainingConfig
from app.run.state import new_state
from app.run.training import train_steps


def shown_percent(text: str) -> float:
    """A percentage as shown, "<1" counted as just under 1."""
    return 0.99 if text == "<1" else float(text)


@pytest.mark.parametrize(
    "share, shown",
    [
        ([0.976, 0.0204], ["95", "2"]),  # to the nearest 5 this was 100 + 2
        ([0.6249, 0.3751], ["60", "35"]),
        ([0.099, 0.0999, 0.8], ["9", "9", "80"]),
        ([0.004, 0.0, 0.996], ["<1", "0", "95"]),
        ([0.1, 0.05], ["10", "5"]),
    ],
)
def test_percents_are_rounded_down(share, shown):
    assert _percents(np.array(share)) == shown


def test_percents_never_add_up_past_100_nor_contradict_the_spread():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        dims = int(rng.integers(2, 4))
        share = rng.dirichlet(np.full(dims + 1, rng.uniform(0.05, 3)))[:dims]  # some left over
        shown = [shown_percent(p) for p in _percents(share)]
        assert sum(shown) <= 100
        for i in range(dims):
            for j in range(dims):
                if share[i] > share[j]:
                    assert shown[i] >= shown[j], (share, shown)


def trained(steps: int = 150, **settings):
    state = new_state(TrainingConfig(**settings))
    train_steps(state, steps)
    return state


def spread_along_axes(layer: dict, dims: int) -> np.ndarray:
    points = np.column_stack([layer["points"][k] for k in "xyz"[:dims]])
    return np.sum((points - points.mean(axis=0)) ** 2, axis=0)


def total_spread(state, layer_index: int) -> float:
    """The whole spread of a hidden layer's points (every unit), as the shares' base."""
    a = state.x
    for layer in state.layers[:layer_index]:
        a = np.tanh(a @ layer.w + layer.b)
    return float(np.sum((a - a.mean(axis=0)) ** 2))


@pytest.mark.parametrize("dims", [2, 3])
def test_principal_axes_are_named_by_how_widely_the_points_spread(dims):
    state = trained(dataset="spiral", hidden_layers=(8, 8))
    frame, _ = build_frame(state, {}, {1: Projection("pca", dims)})
    layer = frame["layers"][1]
    assert layer["view"] == "pca" and layer["dims"] == dims
    spread = spread_along_axes(layer, dims)
    names = [title["vars"]["name"]["key"] for title in layer["axes"]]
    ranks = np.argsort(np.argsort(-spread))  # 0 for the widest
    suffix = "" if dims == 2 else ".short"
    assert names == [f"dir.widest.{rank + 1}{suffix}" for rank in ranks]
    # Each percentage is the axis' share of the layer's whole spread, rounded down.
    share = spread / total_spread(state, 1)
    texts = [title["vars"]["pct"] for title in layer["axes"]]
    for text, exact in zip(texts, 100 * share, strict=True):
        if text == "<1":
            assert 0 < exact < 1
        else:
            assert 0 <= exact - float(text) < (5 if exact >= 10 else 1)
    assert sum(shown_percent(text) for text in texts) <= 100
    # Only a flat panel's first title has room to say what the percentages are shares of.
    keys = [title["key"] for title in layer["axes"]]
    assert keys == ["axis.share" if dims == 2 else "axis.share.short"] + ["axis.share.short"] * (
        dims - 1
    )
    assert [note["key"] for note in layer["note"]] == ["view.pca", "view.shares"]


@pytest.mark.parametrize("dims", [2, 3])
def test_the_layer_the_output_reads_names_that_direction_first(dims):
    state = trained(dataset="xor", hidden_layers=(8, 8))
    frame, _ = build_frame(state, {}, {2: Projection("pca", dims)})
    layer = frame["layers"][2]
    assert layer["view"] == "readout" and layer["dims"] == dims
    suffix = "" if dims == 2 else ".short"
    names = [title["vars"]["name"]["key"] for title in layer["axes"]]
    assert names[0] == f"dir.readout{suffix}"
    assert sorted(names[1:]) == [f"dir.other.{rank}{suffix}" for rank in range(1, dims)]
    spread = spread_along_axes(layer, dims)
    if dims == 3:  # the two other axes are named by their own spread
        wider = 1 if spread[1] >= spread[2] else 2
        assert names[wider] == "dir.other.1.short"
    shown = [shown_percent(title["vars"]["pct"]) for title in layer["axes"]]
    assert sum(shown) <= 100
    share = spread / total_spread(state, 2)
    assert all(p <= 100 * s + 1e-6 for p, s in zip(shown, share, strict=True))


def test_class_score_directions_are_numbered():
    state = trained(dataset="blobs", classes=4, hidden_layers=(8,))
    layer = build_frame(state, {})[0]["layers"][1]
    assert layer["view"] == "readout"
    names = [(t["vars"]["name"]["key"], t["vars"]["name"]["vars"]) for t in layer["axes"]]
    assert names == [("dir.scores", {"i": 1}), ("dir.scores", {"i": 2})]
    assert sum(shown_percent(t["vars"]["pct"]) for t in layer["axes"]) <= 100
