"""A check of tie lines from outside: given segments and the scores they come from, every part
of them ties and leads, they stop where a third class takes over (or at the box), and they miss
no stretch of any pair's line where that pair leads. Scores are given as a function of points,
so the check does not reuse the way the segments were found."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Scores = Callable[[np.ndarray], np.ndarray]  # points (n, 2) -> scores (n, K)


def segments_of(xy: dict) -> np.ndarray:
    """A gapped XY (two ends, then a gap, per segment) as segments of shape (m, 2, 2)."""
    x = np.array(xy["x"], dtype=float).reshape(-1, 3)
    y = np.array(xy["y"], dtype=float).reshape(-1, 3)
    assert np.isnan(x[:, 2]).all() and np.isnan(y[:, 2]).all()  # a gap after each segment
    return np.stack([x[:, :2], y[:, :2]], axis=-1)


def top_two(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the two leading classes (sorted pair) and the lead of the second over the
    third (inf with two classes)."""
    order = np.argsort(scores, axis=1)
    rows = np.arange(len(scores))
    pair = np.sort(order[:, -2:], axis=1)
    third = scores[rows, order[:, -3]] if scores.shape[1] > 2 else np.full(len(scores), -np.inf)
    return pair, scores[rows, order[:, -2]] - third


def assert_ties(
    segments: np.ndarray, scores: Scores, low: np.ndarray, high: np.ndarray, tol: float
) -> None:
    """``tol``: how far from equal two scores may be (and points from where they should be)."""
    assert segments.ndim == 3 and segments.shape[1:] == (2, 2)
    ends = segments.reshape(-1, 2)
    assert (ends >= low - tol).all() and (ends <= high + tol).all()  # inside the box
    # Along every segment (ends and points between), two classes tie and lead.
    share = np.linspace(0, 1, 9)[None, :, None]
    along = (segments[:, :1] + share * (segments[:, 1:] - segments[:, :1])).reshape(-1, 2)
    s = np.sort(scores(along), axis=1)
    assert np.abs(s[:, -1] - s[:, -2]).max(initial=0.0) <= tol
    pairs, lead = top_two(scores(segments.mean(axis=1)))
    assert (lead > -tol).all()
    # Just past an end that is not on the box's edge, a third class leads.
    direction = segments[:, 1] - segments[:, 0]
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    step = 1e3 * tol
    for end, outward in ((segments[:, 1], direction), (segments[:, 0], -direction)):
        past = end + step * outward
        inside = ((past > low + step) & (past < high - step)).all(axis=1)
        winner = scores(past[inside]).argmax(axis=1)
        assert not (winner[:, None] == pairs[inside]).any(axis=1).any()
    # No stretch missed: points of each pair's line, well inside the box, where the pair leads
    # by a margin, all lie on a segment of that pair.
    k = scores(np.zeros((1, 2))).shape[1]
    centre, half = (low + high) / 2, np.linalg.norm(high - low) / 2
    for i in range(k):
        for j in range(i + 1, k):
            line = _pair_line(scores, i, j, centre, half)
            if line is None:
                continue
            inside = ((line > low + step) & (line < high - step)).all(axis=1)
            on = line[inside]
            pair, lead = top_two(scores(on))
            leading = (pair == [i, j]).all(axis=1) & (lead > step)
            mine = segments[(pairs == [i, j]).all(axis=1)]
            if leading.any():
                assert len(mine), (i, j)
                assert _distance(on[leading], mine).max() <= step


def _pair_line(scores: Scores, i: int, j: int, centre: np.ndarray, half: float):
    """Points along the line where classes i and j tie, across a disc around the box (None if
    they never tie along a line). Found from the scores alone: they are linear."""
    origin = scores(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    gap = origin[:, i] - origin[:, j]
    e, d = gap[0], np.array([gap[1] - gap[0], gap[2] - gap[0]])
    if np.linalg.norm(d) < 1e-12:
        return None
    foot = centre - d * (d @ centre + e) / (d @ d)
    along = np.array([-d[1], d[0]]) / np.linalg.norm(d)
    return foot + np.linspace(-half, half, 4001)[:, None] * along


def _distance(points: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Each point's distance to the nearest of the segments."""
    a, b = segments[None, :, 0], segments[None, :, 1]
    p = points[:, None, :]
    t = np.clip(np.sum((p - a) * (b - a), axis=2) / np.sum((b - a) ** 2, axis=2), 0, 1)
    return np.linalg.norm(p - (a + t[..., None] * (b - a)), axis=2).min(axis=1)
