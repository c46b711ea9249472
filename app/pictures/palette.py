"""Every colour a frame carries: the one place they are chosen.

The page draws with what the frame says (``frame["palette"]``, ``data.class_colors``, a simplex
panel's ``corners.colors``) and holds no colours of its own. A colour scale is Plotly's form:
[share from 0 to 1, colour] stops.
"""

from __future__ import annotations

from typing import Any

# Safe for the common kinds of colour blindness: classes A and B blue and orange, then
# Okabe-Ito's bluish green, reddish purple and sky blue for C, D and E.
CLASS_COLORS = ("#1f78b4", "#e66101", "#009e73", "#cc79a7", "#56b4e9")

# A probability of B: low blue, middle white, high orange, pale enough for points and lines to
# show on top.
PROBABILITY_SCALE = ((0.0, "#a6cee3"), (0.5, "#ffffff"), (1.0, "#fdb863"))
# A regression's values, low to high: blue through white to orange (the classes' colours).
VALUE_SCALE = ((0.0, "#1f78b4"), (0.5, "#f7f7f7"), (1.0, "#e66101"))
# A unit's output in the network diagram, from its lowest (light) to its highest (dark): grey,
# so that no unit seems to vote for a class (blue and orange are the classes) or to be a weight
# (green and purple are their signs); a single hue reads the same with any colour vision.
UNIT_SCALE = ((0.0, "#f0f0f0"), (0.5, "#969696"), (1.0, "#252525"))

BOUNDARY = "#222"
GRID_VERTICAL = "rgba(80, 110, 160, 0.45)"  # the lines x1 = constant
GRID_HORIZONTAL = "rgba(170, 90, 130, 0.45)"  # the lines x2 = constant
LANDMARK = "rgba(40, 40, 60, 0.75)"  # the plane's border and middle cross
POSITIVE_WEIGHT = "#1b7837"  # green
NEGATIVE_WEIGHT = "#762a83"  # purple


def _scale(stops: tuple[tuple[float, str], ...]) -> list[list[Any]]:
    return [[share, colour] for share, colour in stops]


# As sent in a frame. The same object in every frame: nobody may change it.
PALETTE: dict[str, Any] = {
    "probability": _scale(PROBABILITY_SCALE),
    "value": _scale(VALUE_SCALE),
    "unit": _scale(UNIT_SCALE),
    "boundary": BOUNDARY,
    "grid_vertical": GRID_VERTICAL,
    "grid_horizontal": GRID_HORIZONTAL,
    "landmark": LANDMARK,
    "positive_weight": POSITIVE_WEIGHT,
    "negative_weight": NEGATIVE_WEIGHT,
}


def class_colors(classes: int) -> list[str]:
    """The colours of the first ``classes`` classes, A first."""
    return list(CLASS_COLORS[:classes])
