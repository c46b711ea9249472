"""The frame, part by part: what the page draws, as the OpenAPI schema describes it.

These models are the frame's contract with the page (static/js/frame_types.js mirrors them as
JSDoc typedefs, and tests/test_frame_contract.py checks that the two agree). They describe the
JSON a route sends; the server builds frames as plain dicts (app/pictures/frame.py) and does
not validate them against these models at run time, which would cost every poll. The tests do.

Arrays: a list of numbers has null where a line has a gap (between two segments or grid
lines). In the packed form the page asks for (app/pictures/encoding.py), number arrays arrive
as Float32Array (NaN for a gap) and byte arrays as Uint8Array.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Numbers = list[float | None]
Byte = Annotated[int, Field(ge=0, le=255)]
Bytes = list[Byte]
# Plotly's form of a colour scale: [share from 0 to 1, colour] stops, lowest first.
ColorScale = list[tuple[float, str]]
Problem = Literal["binary", "multiclass", "regression"]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(description: str) -> Any:
    """A key some frames leave out (never null): optional, with no default in the schema."""
    return Field(None, description=description, json_schema_extra=_no_default)


class Part(BaseModel):
    # Every key a frame sends is listed: a key the models miss fails the tests.
    model_config = ConfigDict(extra="forbid")


class Known(Part):
    """Stands for a part left out because the client said it has it (`?known=DATA_ID`):
    the client puts back what its last whole frame had there."""

    known: Literal[True] = Field(alias="$known")


class Phrase(Part):
    """Text for the page to show, as a key into its string tables (static/js/strings/) and the
    values to fill in, so the page shows it in the learner's language."""

    key: str = Field(description="The string's key, e.g. 'axis.neuron'")
    vars: dict[str, str | int | float | Phrase] = Field(
        description="Values for the string's {placeholders}; a value may itself be a phrase"
    )


class XY(Part):
    """Points or lines in a view's coordinates, one list per axis (null: a gap in a line)."""

    x: Numbers
    y: Numbers
    z: Numbers = absent("The third coordinate, in 3D views only")


class Grid(Part):
    """The input plane's grid lines, carried through the layers to show how each bends it."""

    vertical: XY = Field(
        description="The lines x1 = constant: `lines` lines, each `samples` points then a gap"
    )
    horizontal: XY = Field(description="The lines x2 = constant, laid out like `vertical`")
    lines: int = Field(ge=1, description="Lines in each family")
    samples: int = Field(ge=2, description="Points along each line")
    landmarks: list[int] = Field(
        description="Indices of the lines drawn dark in both families: the plane's border"
        " and middle cross"
    )


class Drawing(Part):
    """A representation's points, grid and boundary: the affine picture z = W·a + b of a layer
    before its activation, seen through the same projection as the layer."""

    points: XY
    grid: Grid
    boundary: XY


class Separator(Part):
    """Binary: the output's decision line (a plane in 3D) w·u + b = 0 in the view's
    coordinates u, where the predicted probability is 0.5."""

    w: list[float] = Field(description="One weight per view axis")
    b: float


class Level(Part):
    """Regression: a line of equal prediction w·u + b = value in the view's coordinates."""

    value: float = Field(description="The prediction along this line")
    w: list[float] = Field(description="One weight per view axis")
    b: float


class Corners(Part):
    """Multi-class output: one corner of the simplex per class."""

    x: Numbers
    y: Numbers
    names: list[str] = Field(description="Each corner's class name")
    colors: list[str] = Field(description="Each corner's class colour")


class LayerView(Part):
    """One layer's panel: where the layer puts the data, the plane's grid and the decision
    boundary, and every line to draw over them. A part a panel does not have is null."""

    index: int = Field(ge=0, description="The panel's place: 0 is the input plane")
    name: Phrase
    kind: Literal["input", "features", "hidden", "output"]
    units: int = Field(ge=1, description="Neurons (or features) in the layer")
    activation: str | None = Field(
        description="The layer's activation (the output's: sigmoid, softmax or linear);"
        " null for the input and features"
    )
    dims: Literal[2, 3] = Field(description="Axes of the view")
    view: Literal["plane", "pca", "readout", "neurons", "simplex", "curve", "fit"] = Field(
        description="What the axes are: the layer's own units (plane, neurons), principal"
        " axes (pca), the directions the output reads first (readout), the class simplex, the"
        " activation curve of a one-unit layer, or prediction against target (fit)"
    )
    axes: list[Phrase] = Field(description="Each axis' title")
    note: list[Phrase] = Field(description="Sentences saying what the panel shows")
    points: XY | Known = Field(description="The data points (in the order of data.labels)")
    grid: Grid | Known | None
    boundary: XY | None = Field(
        description="The decision boundary carried into this layer, as segments with gaps"
    )
    pre: Drawing | None = Field(description="The layer before its activation (z = W·a + b)")
    separator: Separator | None = Field(
        description="Binary, on the panel the output reads, when the view keeps every"
        " direction it reads"
    )
    ties: XY | None = Field(
        description="Multi-class, on a 2D panel the output reads exactly: segments (with gaps)"
        " where two classes' scores tie and lead, within a box around the panel"
    )
    levels: list[Level] | None = Field(
        description="Regression, on a 2D panel the output reads exactly: lines of equal"
        " prediction, evenly inside the targets' range"
    )
    corners: Corners | None
    curve: XY | None = Field(
        description="One-unit layers: the activation curve; regression output: the line y = x"
    )
    threshold: float | None = Field(
        description="One-unit layers: the z where the classes split (an upright dashed"
        " line); null when there is no boundary"
    )
    output_level: float | None = Field(
        description="A reference line across: p = 0.5 on the binary output's curve"
    )


class Data(Part):
    """The data points' labels and split (their coordinates are in each panel's points)."""

    problem: Problem
    labels: Numbers | Bytes | Known = Field(
        description="Each point's class (0 = A, 1 = B, ...) or, for a regression, its target"
    )
    is_test: list[bool] | Known = Field(description="Whether each point is held out for testing")
    class_names: list[str] = Field(description="The classes' names, A first; none for a regression")
    class_colors: list[str] = Field(description="Each class's colour, in the same order")


class Boundary(Part):
    """The input plane's shading: the network's answer at every cell of a square grid.
    Rows go up the plane (row 0 at the bottom), columns across."""

    x: Numbers | Known = Field(description="The cells' centres across")
    y: Numbers | Known = Field(description="The cells' centres up")
    p: list[Numbers] = absent("Binary: P(B) per cell; multi-class: the winning class's probability")
    class_: list[Bytes] = Field(
        None,
        alias="class",
        description="Multi-class: the winning class per cell",
        json_schema_extra=_no_default,
    )
    value: list[Numbers] = absent("Regression: the prediction per cell")


class Palette(Part):
    """Every colour the page draws with (classes' colours are in data.class_colors)."""

    probability: ColorScale = Field(description="The binary plane's shading, P(B) from 0 to 1")
    value: ColorScale = Field(description="A regression's values, lowest to highest target")
    unit: ColorScale = Field(description="A unit's output in the network diagram, low to high")
    boundary: str = Field(description="Decision boundaries, separators and tie lines")
    grid_vertical: str = Field(description="The grid lines x1 = constant")
    grid_horizontal: str = Field(description="The grid lines x2 = constant")
    landmark: str = Field(description="The grid's landmark lines (border and middle)")
    positive_weight: str = Field(description="A positive weight in the network diagram")
    negative_weight: str = Field(description="A negative weight in the network diagram")


class UnitMaps(Part):
    """Every unit's output over the input plane, as a small map of bytes (0 = the unit's
    lowest value there, 255 = its highest); entry k of each list is about the same unit."""

    layer: Bytes = Field(description="Unit k's layer (0 = the inputs)")
    unit: Bytes = Field(description="Unit k's number in its layer, from 0")
    min: Numbers = Field(description="The value byte 0 stands for")
    max: Numbers = Field(description="The value byte 255 stands for")
    values: list[Bytes] = Field(
        description="Unit k's map, side × side bytes, row by row from the bottom of the plane"
    )


class Network(Part):
    """The network diagram: its units, their maps, and every weight."""

    sizes: list[int] = Field(description="Units per layer, inputs first")
    inputs: list[str] = Field(description="The inputs' names")
    outputs: list[str] = Field(description="The outputs' names")
    side: int = Field(ge=1, description="Cells per side of a unit's map")
    maps: UnitMaps
    weights: list[list[list[float]]] = Field(
        description="Per layer, its weight matrix: one row per unit of the layer before"
    )
    biases: list[list[float]] = Field(description="Per layer, one bias per unit")


class Sample(Part):
    """The first training point, followed through every step."""

    x: Numbers = Field(description="Its coordinates x1, x2")
    loss: float | None = Field(
        description="Its loss; null just after the forward phase (the loss phase comes next)"
    )
    target: str | float = Field(description="Its class name, or its target value")
    prediction: str | float = Field(description="The predicted class name, or value")
    p: float = absent("Binary: P(B); multi-class: the predicted class's probability")
    p_target: float = absent("Multi-class: the true class's probability")


class Loop(Part):
    """The training loop's live quantities. Between whole steps: the current weights'
    prediction and loss, the last step's gradients and changes. While a step is taken phase by
    phase (the frame's phase), what that step has made so far, and null for what its later
    phases make: after the update, the step's own prediction and losses (made with the weights
    it started from), gradients and changes."""

    batch_size: int
    batch_loss: float | None = Field(
        description="The loss of the batch of a step taken phase by phase, from its loss phase"
        " on; null otherwise (the training loss is the measure then)"
    )
    grad_norms: list[float] | None = Field(
        description="Per layer, the size of its gradient (null before the backward phase)"
    )
    update_norms: list[float] | None = Field(
        description="Per layer, how far the last update moved it (null before the update)"
    )
    learning_rate: float
    sample: Sample | None


class Metrics(Part):
    """Loss and score on training and test points (null where there is nothing to measure):
    accuracy for classes, R² for a regression."""

    train_loss: float | None
    train_accuracy: float | None
    test_loss: float | None
    test_accuracy: float | None
    train_r2: float | None
    test_r2: float | None


class Frame(Part):
    """What the page draws: one moment of a training run, and the session's state."""

    revision: int = Field(ge=0, description="Goes up with every change a client should see")
    training: bool = Field(description="Training continuously on the server")
    stopped_reason: Literal["diverged", "idle"] | None = Field(
        description="Why continuous training last stopped by itself"
    )
    timeline: list[int] = Field(description="The steps of the snapshots that can be revisited")
    phase: Literal["forward", "loss", "backward", "update"] | None = Field(
        description="Where a step taken phase by phase stands"
    )
    hint: Phrase | None = Field(
        description="When training goes wrong (it diverged; its loss swings, has risen above"
        " where it started, or has stalled far from a good score): what the loss shows and the"
        " likely fix, in one line (app/pictures/hints.py)"
    )
    step: int = Field(ge=0)
    data_id: str = Field(
        pattern="^[0-9a-f]{16}$",
        description="Names the data and the plane; send it as `known` to have the parts that"
        " stay the same with them left out",
    )
    problem: Problem
    metrics: Metrics
    loop: Loop
    data: Data
    palette: Palette | Known
    boundary: Boundary
    layers: list[LayerView] = Field(
        min_length=1, description="One panel per layer: the input plane first, the output last"
    )
    network: Network
    timeline_index: int | None = Field(
        ge=0, description="Which snapshot this is, or null for the latest"
    )
