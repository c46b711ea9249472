"""A one-line hint when training goes wrong: what the loss shows, and the likely fix.

``training_hint`` reads a run's recorded losses (thinned, as a session keeps them: see
app/sessions/record.py LossHistory), its latest score, its settings and whether and why it
diverged, and returns a phrase for the page (static/js/strings/run.js) or None. It is decided
here, on the server, once; the page only shows it. The rules, in order:

1. **Diverged**: training stopped because an update would have made the weights larger than
   the limit, or a value infinite or not a number (the run says which). Fix: a lower rate.
2. **Swing**: over the last SWING_POINTS recorded losses, the loss rose at least SWING_RISES
   times by more than SWING_RISE of its usual size there. The updates overshoot: a lower rate.
3. **Above the start**: the last HIGH_POINTS losses are all more than HIGH_RATIO times the
   first recorded one: training made things worse (a swing seen at a steady rhythm looks like
   this, and so do saturated neurons). A lower rate.
4. **Stall**: over the run's last third (once it is STALL_STEPS long), the loss fell by less
   than STALL_FALL of itself (the mean of the span's second half against its first half's)
   while the score (accuracy, or R² for a regression) is below GOOD_SCORE. No hidden layer on
   the raw inputs: it can only draw a straight line (add a layer or a feature); plain SGD or
   momentum: try Adam; Adam already: more neurons or layers, or a feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.nn.features import RAW
from app.pictures.panels import phrase
from app.run.config import TrainingConfig
from app.run.training import WEIGHT_LIMIT

SWING_POINTS = 12
SWING_RISES = 3
SWING_RISE = 0.2  # of the median loss over those points
HIGH_POINTS = 6
HIGH_RATIO = 1.2
STALL_STEPS = 300
STALL_FALL = 0.02
STALL_POINTS = 6  # recorded in the span at least, to tell a stall from noise
GOOD_SCORE = 0.9


def training_hint(
    steps: Sequence[int],
    losses: Sequence[float | None],
    score: float | None,
    config: TrainingConfig,
    diverged: bool = False,
    diverged_reason: str | None = None,
) -> dict[str, Any] | None:
    """The hint for a run whose training loss was ``losses[k]`` at step ``steps[k]`` (None
    where there was nothing to measure), whose latest score is ``score`` (accuracy, or R² for
    a regression; None if unknown), or None if nothing looks wrong."""
    lower = {"rate": _lower_rate(config.learning_rate)}
    if diverged:
        key = f"hint.diverged.{diverged_reason}" if diverged_reason else "hint.diverged"
        return phrase(key, **lower, limit=f"{WEIGHT_LIMIT:,.0f}")
    known = [(s, v) for s, v in zip(steps, losses, strict=True) if v is not None]
    if not known:
        return None
    at, loss = np.array([s for s, _ in known]), np.array([v for _, v in known])
    if _swings(loss):
        return phrase("hint.swing", **lower)
    if len(loss) >= HIGH_POINTS and np.all(loss[-HIGH_POINTS:] > HIGH_RATIO * loss[0]):
        return phrase("hint.high", **lower, start=plain(loss[0]))
    if not _stalled(at, loss) or score is None or score >= GOOD_SCORE:
        return None
    if config.problem == "regression":
        shown = phrase("hint.score.r2", value=f"{score:.2f}")
    else:
        shown = phrase("hint.score.accuracy", pct=round(100 * score))
    if not config.hidden_layers and config.features == RAW:
        return phrase("hint.stall.line", score=shown)
    if config.optimizer != "adam":
        return phrase("hint.stall.optimizer", score=shown)
    return phrase("hint.stall.capacity", score=shown)


def _swings(loss: np.ndarray) -> bool:
    """Whether the loss went up and down, by a lot, several times lately."""
    recent = loss[-SWING_POINTS:]
    if len(recent) < SWING_POINTS // 2:
        return False
    rises = np.diff(recent)
    return int(np.sum(rises > SWING_RISE * np.median(recent))) >= SWING_RISES


def _stalled(at: np.ndarray, loss: np.ndarray) -> bool:
    """Whether the loss has barely fallen over the run's last third, once the run is
    STALL_STEPS long. The loss over that span's first half is compared with the loss over its
    second half, as means: a batch's noise evens out over several points, and a hint that
    comes and goes would only confuse."""
    if at[-1] - at[0] < STALL_STEPS:
        return False
    span = loss[at >= at[-1] - (at[-1] - at[0]) // 3]
    if len(span) < STALL_POINTS:
        return False
    half = len(span) // 2
    before, now = float(np.mean(span[:half])), float(np.mean(span[-half:]))
    return before > 0 and (before - now) / before < STALL_FALL


def _lower_rate(rate: float) -> str:
    """A tenth of the learning rate, as a plain decimal of one significant digit."""
    return np.format_float_positional(
        rate / 10, precision=1, unique=False, fractional=False, trim="-"
    )


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def plain(value: float) -> str:
    """A number as the page writes it (static/js/numbers.js plain(), the same rule): 12,345 ·
    123 · 12.3 · 0.187 · 0.013 · 0.0042 · 0.0000012, and past those ends 2.3 × 10⁻¹⁶."""
    size = abs(value)
    if size == 0:
        return "0"
    if not np.isfinite(value):
        return "∞" if value > 0 else "−∞"
    if size >= 1e9 or size < 1e-6:
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 0.01:
        return f"{value:.3f}"
    return np.format_float_positional(value, precision=2, unique=False, fractional=False)
