"""Plane geometry the frames need: a grid of lines, a contour, a stable 2D projection."""

from __future__ import annotations

import itertools

import numpy as np

Array = np.ndarray


def grid_lines(low: float, high: float, n_lines: int, samples: int) -> Array:
    """Points along the lines x1 = c, then along the lines x2 = c: shape (2 n_lines samples, 2)."""
    levels = np.linspace(low, high, n_lines)
    along = np.linspace(low, high, samples)
    c, t = np.meshgrid(levels, along, indexing="ij")
    vertical = np.stack([c, t], axis=-1).reshape(-1, 2)
    horizontal = np.stack([t, c], axis=-1).reshape(-1, 2)
    return np.vstack([vertical, horizontal])


def contour_segments(values: Array, xs: Array, ys: Array, level: float) -> Array:
    """Line segments tracing where a grid of values crosses ``level`` (marching squares).

    ``values[i, j]`` is the value at (xs[j], ys[i]). Returns shape (m, 2, 2): m segments, each
    with two (x, y) ends. Where a cell's four edges are all crossed (a saddle) it gets two
    segments; which pairing is picked does not matter at the grid's resolution.
    """
    v = values - level
    above = v > 0
    # Each crossing is worked out once, on its edge: first the horizontal edges (from column j
    # to j+1 of a row), then the vertical ones (from row i to i+1 of a column).
    horizontal = above[:, :-1] != above[:, 1:]
    vertical = above[:-1, :] != above[1:, :]
    hi, hj = np.nonzero(horizontal)
    t = v[hi, hj] / (v[hi, hj] - v[hi, hj + 1])  # the signs differ, so never 0 / 0
    horizontal_ends = np.column_stack([xs[hj] + t * (xs[hj + 1] - xs[hj]), ys[hi]])
    vi, vj = np.nonzero(vertical)
    t = v[vi, vj] / (v[vi, vj] - v[vi + 1, vj])
    vertical_ends = np.column_stack([xs[vj], ys[vi] + t * (ys[vi + 1] - ys[vi])])
    ends = np.concatenate([horizontal_ends, vertical_ends])
    # For every edge, the row of ends where the contour crosses it (-1: it does not).
    end_on_horizontal = np.full(v.shape, -1)
    end_on_horizontal[hi, hj] = np.arange(len(horizontal_ends))
    end_on_vertical = np.full(v.shape, -1)
    end_on_vertical[vi, vj] = np.arange(len(horizontal_ends), len(ends))
    # The cells the contour passes through. A cell has two crossed edges, or four at a
    # saddle; one whose bottom and top are not crossed has both sides crossed or neither.
    i, j = np.nonzero(horizontal[:-1] | horizontal[1:] | vertical[:, 1:])
    # Each of those cells' edges going round it (bottom, right, top, left) as rows of ends.
    cells = np.column_stack(
        [
            end_on_horizontal[i, j],
            end_on_vertical[i, j + 1],
            end_on_horizontal[i + 1, j],
            end_on_vertical[i, j],
        ]
    )
    saddle = cells.min(axis=1) >= 0
    two = np.sort(cells[~saddle], axis=1)[:, 2:]  # the two crossed edges sort last
    four = cells[saddle]
    return ends[np.concatenate([two, four[:, :2], four[:, 2:]])]


def tie_segments(w: Array, b: Array, low: Array, high: Array) -> Array:
    """Where two of K linear scores s_k(u) = w[k]·u + b[k] tie and lead, within a box.

    Scores i and j tie along the line (w[i] - w[j])·u + b[i] - b[j] = 0. Along it, u(s) = o +
    s·t for one point o and a unit direction t, every other class k stays at or below the
    pair where (w[k] - w[i])·u(s) + b[k] - b[i] <= 0, and the box's four sides are four more
    such conditions: each is linear in s, so together they leave one interval of s (or none).
    Every pair is worked out at once. ``w`` is (K, 2), ``b`` (K,), the box runs from ``low``
    to ``high`` (two corners). Returns shape (m, 2, 2): m segments, each with two (x, y) ends.
    """
    first, second = np.triu_indices(len(b), 1)
    d, e = w[first] - w[second], b[first] - b[second]
    length = np.hypot(d[:, 0], d[:, 1])
    # Two classes with the same weights never tie along a line (they differ everywhere by
    # the same amount, or tie everywhere): no segment.
    lined = length > 1e-12 * max(float(np.abs(w).max(initial=0.0)), 1e-300)
    first, second, d, e, length = first[lined], second[lined], d[lined], e[lined], length[lined]
    origin = -d * (e / length**2)[:, None]  # the line's point nearest u = 0
    along = np.column_stack([-d[:, 1], d[:, 0]]) / length[:, None]
    # Conditions a·s + c <= 0, one row per pair: one per class, then the box's four sides.
    above = w[None, :, :] - w[first][:, None, :]
    a = np.einsum("pkd,pd->pk", above, along)
    c = np.einsum("pkd,pd->pk", above, origin) + b[None, :] - b[first][:, None]
    # The pair itself holds by construction; rounding must not make it fail.
    rows = np.arange(len(first))
    a[rows, first] = a[rows, second] = 0.0
    c[rows, first] = c[rows, second] = -1.0
    a = np.concatenate([a, along, -along], axis=1)
    c = np.concatenate([c, origin - high, low - origin], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = -c / a
    upper = np.where(a > 0, bound, np.inf).min(axis=1, initial=np.inf)
    lower = np.where(a < 0, bound, -np.inf).max(axis=1, initial=-np.inf)
    never = ((a == 0) & (c > 0)).any(axis=1)  # a condition no point of the line meets
    kept = (upper > lower) & ~never
    ends = [origin[kept] + s[kept, None] * along[kept] for s in (lower, upper)]
    return np.stack(ends, axis=1)


def pca_basis(values: Array, previous: Array | None, dims: int = 2) -> tuple[Array, Array]:
    """The top ``dims`` principal axes of ``values`` (as rows) and the share of spread along each.

    Matched to ``previous`` (last frame's axes) when given: put back in the same order if axes
    traded places, and each sign chosen to point the way it did, so that a representation that
    changes a little also moves a little on screen.
    """
    if len(values) < 2:  # no spread to speak of: the first axes, as they come
        return np.eye(values.shape[1])[:dims], np.zeros(dims)
    centred = values - values.mean(axis=0)
    # The principal axes are the eigenvectors of the scatter matrix, largest eigenvalue first
    # (eigh lists them smallest first); a few units wide, it is cheaper than an SVD. (It
    # squares the data's condition number, which only matters far below what a plot shows.)
    spread, axes = np.linalg.eigh(centred.T @ centred)
    spread, axes = np.maximum(spread[::-1], 0.0), axes[:, ::-1].T
    variance = np.zeros(dims)
    variance[: min(dims, len(spread))] = spread[:dims]
    basis = np.zeros((dims, values.shape[1]))
    basis[: len(axes[:dims])] = axes[:dims]
    total = spread.sum()
    share = variance / total if total > 0 else np.zeros(dims)
    order = _matching_order(previous, basis)
    basis, share = basis[order], share[order]
    return _match_signs(previous, basis), share


def readout_basis(
    values: Array, w: Array, previous: Array | None, dims: int = 2
) -> tuple[Array, Array]:
    """Axes for a layer read by a single output unit with weights ``w``.

    The first axis is w itself, the only direction the output unit sees, so the unit's
    separating hyperplane shows as a straight line (or plane) across this axis. The others
    are the main directions of spread of what is left, matched to ``previous``. Returns the
    axes (rows) and the share of the points' spread along each.

    ``w`` may also be a matrix whose columns are several directions read (the class scores of
    a multi-class output): the first axes then span them (as many as fit), matched to
    ``previous`` so they do not flip or swap between frames.
    """
    centred = values - values.mean(axis=0) if len(values) else values
    if w.ndim == 1:
        norm = np.linalg.norm(w)
        read = (w / norm if norm > 0 else np.eye(len(w))[0])[None, :]
    else:
        u, s, _ = np.linalg.svd(w, full_matrices=False)
        rank = max(int(np.sum(s > 1e-9 * s.max())) if s.size and s.max() > 0 else 0, 1)
        read = u[:, : min(rank, dims)].T
        before = previous[: len(read)] if previous is not None and len(previous) == dims else None
        read = _match_signs(before, read[_matching_order(before, read)])
    rest = centred - (centred @ read.T) @ read
    others = previous[len(read) :] if previous is not None and len(previous) == dims else None
    basis = np.vstack([read, pca_basis(rest, others, dims - len(read))[0]])
    # Where nothing is left to spread along (a dead layer, say), the other axes are arbitrary
    # and may lean on the read directions. QR then sets each axis at right angles to those
    # before it and keeps the read directions, signs included, as they are.
    if np.abs(basis @ basis.T - np.eye(len(basis))).max() > 1e-9:
        q, r = np.linalg.qr(basis.T)
        basis = (q * np.where(np.diag(r) < 0, -1.0, 1.0)).T
    total = np.sum(centred**2)
    share = np.sum((centred @ basis.T) ** 2, axis=0) / total if total > 0 else np.zeros(dims)
    return basis, share


def _matching_order(previous: Array | None, basis: Array) -> list[int]:
    """The order of basis rows that best lines them up with the previous rows."""
    if previous is None or previous.shape != basis.shape:
        return list(range(len(basis)))
    overlap = np.abs(previous @ basis.T)
    orders = itertools.permutations(range(len(basis)))  # at most 3! = 6 of them
    return list(max(orders, key=lambda order: sum(overlap[i, j] for i, j in enumerate(order))))


def _match_signs(previous: Array | None, basis: Array) -> Array:
    if previous is None or previous.shape != basis.shape:
        return basis
    signs = np.sign(np.sum(previous * basis, axis=1))
    return basis * np.where(signs == 0, 1.0, signs)[:, None]
