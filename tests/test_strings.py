"""The page's words: every table has the same keys in English and Korean, and every phrase the
server can send has words in both."""

import re
import typing
from pathlib import Path

import pytest

from app.api.frame_schema import Frame
from app.nn.features import RAW
from app.pictures.frame import build_frame
from app.pictures.panels import Projection
from app.run.config import TrainingConfig
from app.run.state import new_state
from app.run.training import train_steps

ROOT = Path(__file__).resolve().parent.parent
TABLES = sorted((ROOT / "static/js/strings").glob("*.js"))
KEY = re.compile(r'^\s*"([\w.\-]+)":\s*"', re.MULTILINE)


def keys_by_language(path: Path) -> dict[str, list[str]]:
    """The keys of a table's ``en: {...}`` and ``ko: {...}`` parts, in order."""
    text = path.read_text(encoding="utf-8")
    en_at, ko_at = text.index("\n  en: {"), text.index("\n  ko: {")
    return {"en": KEY.findall(text[en_at:ko_at]), "ko": KEY.findall(text[ko_at:])}


def all_keys(language: str) -> set[str]:
    return {key for path in TABLES for key in keys_by_language(path)[language]}


def test_there_are_tables():
    assert {p.name for p in TABLES} >= {"views.js", "run.js", "problems.js", "compare.js"}


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_english_and_korean_have_the_same_keys(path):
    keys = keys_by_language(path)
    assert keys["en"], "no English strings found"
    assert len(keys["en"]) == len(set(keys["en"])), "a key appears twice"
    assert set(keys["en"]) == set(keys["ko"])


def test_every_phrase_the_server_sends_has_words_in_both_languages():
    source = (ROOT / "app/pictures/panels.py").read_text(encoding="utf-8")
    literal = set(re.findall(r'phrase\(\s*"([\w.]+)"', source))
    # Keys chosen before the call, and keys built with an f-string (with every value of it).
    chosen = set(re.findall(r'key = "([\w.]+)"', source))
    assert re.findall(r'phrase\(\s*f"([\w.{}]+)"', source) == [
        "view.neurons.{every}",
        "view.plane.reads.{problem}",
    ]
    built = {"view.neurons.all", "view.neurons.some"}
    built |= {"view.plane.reads.multiclass", "view.plane.reads.regression"}
    # Axis directions: named by rank (_widest), each also in a short form for 3D views.
    directions = {"dir.readout", "dir.scores", "dir.other.1", "dir.other.2"}
    directions |= {f"dir.widest.{rank}" for rank in (1, 2, 3)}
    built |= directions | {f"{name}.short" for name in directions} | {"axis.share.short"}
    needed = literal | chosen | built
    assert len(chosen) == 4 and len(needed) > 40
    for language in ("en", "ko"):
        assert needed - all_keys(language) == set(), language


def phrase_keys(value) -> set[str]:
    """Every phrase key in a frame, nested phrases included."""
    if isinstance(value, dict):
        own = {value["key"]} if set(value) == {"key", "vars"} else set()
        return own.union(*(phrase_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(phrase_keys(v) for v in value))
    return set()


SHOWN = [
    # (settings, how panel 1 and the last hidden panel are shown)
    ({"dataset": "moons", "hidden_layers": (8, 8)}, "pca", 2),
    ({"dataset": "moons", "hidden_layers": (8, 8)}, "pca", 3),
    ({"dataset": "moons", "hidden_layers": (8, 8)}, "neurons", 2),
    ({"dataset": "moons", "hidden_layers": (5, 3), "features": ("x1", "x2", "x1*x2")}, "pca", 3),
    ({"dataset": "class-ab", "hidden_layers": (2,), "features": ("x1^2+x2^2",)}, "pca", 2),
    ({"dataset": "blobs", "classes": 5, "hidden_layers": (8, 8)}, "pca", 2),
    ({"dataset": "blobs", "classes": 4, "hidden_layers": (8, 8)}, "pca", 3),
    ({"dataset": "gaussians", "hidden_layers": (8, 8)}, "pca", 2),
    ({"dataset": "gaussians", "hidden_layers": (8, 4)}, "pca", 3),
    ({"dataset": "plane", "hidden_layers": (1,)}, "pca", 2),
]


@pytest.mark.parametrize("settings, kind, dims", SHOWN)
def test_every_phrase_in_frames_has_words_in_both_languages(settings, kind, dims):
    # What the frames actually send, whichever way they build their keys.
    config = TrainingConfig(**settings)
    state = new_state(config)
    train_steps(state, 20)
    neurons = tuple(range(dims)) if kind == "neurons" else ()
    panels = range(1, len(config.hidden_layers) + 1 + (config.features != RAW))
    projections = {index: Projection(kind, dims, neurons) for index in panels}
    frame, _ = build_frame(state, {}, projections)
    keys = phrase_keys(frame["layers"])
    assert keys
    for language in ("en", "ko"):
        assert keys - all_keys(language) == set(), language


def test_every_stop_reason_has_a_message():
    # The reasons a frame may give (its schema), and those the sessions' code sets or reports.
    reasons = set(
        typing.get_args(typing.get_args(Frame.model_fields["stopped_reason"].annotation)[0])
    )
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "app/sessions").glob("*.py"))
    given = set(re.findall(r'stopped_reason = (?:\w+, )?"(\w+)"|"(\w+)" if idle', source))
    assert {r for pair in given for r in pair if r} == reasons == {"diverged", "idle"}
    for language in ("en", "ko"):
        assert {f"run.stopped.{r}" for r in reasons} <= all_keys(language)
