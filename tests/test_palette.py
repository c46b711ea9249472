"""The colours a frame carries: a unit's map must not look like a class or a weight."""

from app.pictures.palette import CLASS_COLORS, NEGATIVE_WEIGHT, PALETTE, POSITIVE_WEIGHT


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))


def along(scale: list[list], steps: int = 50) -> list[tuple[float, float, float]]:
    """The scale's colours at evenly spaced shares, as a canvas blends them (linear in RGB)."""
    out = []
    for k in range(steps + 1):
        share = k / steps
        (s0, c0), (s1, c1) = next(
            (a, b) for a, b in zip(scale, scale[1:], strict=False) if a[0] <= share <= b[0]
        )
        f = (share - s0) / (s1 - s0)
        out.append(tuple(a + (b - a) * f for a, b in zip(rgb(c0), rgb(c1), strict=True)))
    return out


def chroma(colour: tuple[float, float, float]) -> float:
    """How far a colour is from a grey: 0 for a grey, up to 255 for a pure hue."""
    return max(colour) - min(colour)


def test_no_unit_shade_has_the_hue_of_a_class_or_a_weight():
    # Every class colour and both weight colours are strongly coloured; every shade of a unit's
    # scale is nearly grey, so a map cannot be read as a class's or a weight's.
    for colour in (*CLASS_COLORS, POSITIVE_WEIGHT, NEGATIVE_WEIGHT):
        assert chroma(rgb(colour)) > 80, colour
    for shade in along(PALETTE["unit"]):
        assert chroma(shade) < 20, shade


def test_a_units_scale_runs_from_light_to_dark():
    brightness = [sum(shade) for shade in along(PALETTE["unit"])]
    assert brightness == sorted(brightness, reverse=True)
    assert brightness[0] - brightness[-1] > 500  # most of the way from white to black
