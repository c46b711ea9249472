// The frame the server sends, as JSDoc types: one typedef per model of app/api/frame_schema.py,
// with the same property names (tests/test_frame_contract.py checks them against /openapi.json).
// Read them as `import("./frame_types.js").LayerView`. Types are as the page holds them: a
// packed frame (frame_format.js) gives typed arrays, with NaN for a gap in a line; a JSON one
// gives plain arrays, with null for a gap.
//
// A part that a panel does not have is null. A part marked Known was left out because the
// page said it has it (known.js puts back what it had).

/** @typedef {Float32Array|Array<number|null>} Numbers  numbers; NaN (or null) is a gap in a line */
/** @typedef {Uint8Array|number[]} Bytes  whole numbers from 0 to 255 */
/** @typedef {Array<[number, string]>} ColorScale  Plotly's colour scale: [share 0..1, colour] stops */

/**
 * @typedef {Object} Known
 * @property {true} $known - stands for a part the page already has
 */

/**
 * @typedef {Object} Phrase
 * @property {string} key - the string's key in static/js/strings/, e.g. "axis.neuron"
 * @property {Object<string, string|number|Phrase>} vars - values for its {placeholders}
 */

/**
 * @typedef {Object} XY
 * @property {Numbers} x - first coordinates
 * @property {Numbers} y - second coordinates
 * @property {Numbers} [z] - third coordinates, in 3D views only
 */

/**
 * @typedef {Object} Grid
 * @property {XY} vertical - the lines x1 = constant: `lines` lines of `samples` points, each followed by a gap
 * @property {XY} horizontal - the lines x2 = constant, laid out the same way
 * @property {number} lines - lines in each family
 * @property {number} samples - points along each line
 * @property {number[]} landmarks - indices of the lines drawn dark: the plane's border and middle cross
 */

/**
 * @typedef {Object} Drawing
 * @property {XY} points - the data points
 * @property {Grid} grid - the plane's grid
 * @property {XY} boundary - the decision boundary, as segments with gaps
 */

/**
 * @typedef {Object} Separator
 * @property {Numbers} w - one weight per view axis: the line (plane in 3D) w·u + b = 0 where P(B) = 0.5
 * @property {number} b - its offset
 */

/**
 * @typedef {Object} Level
 * @property {number} value - the prediction along this line
 * @property {Numbers} w - one weight per view axis: the line w·u + b = value
 * @property {number} b - its offset
 */

/**
 * @typedef {Object} Corners
 * @property {Numbers} x - each class corner's first coordinate
 * @property {Numbers} y - each class corner's second coordinate
 * @property {string[]} names - each corner's class name
 * @property {string[]} colors - each corner's class colour
 */

/**
 * @typedef {Object} LayerView
 * @property {number} index - the panel's place: 0 is the input plane
 * @property {Phrase} name - the layer's name
 * @property {"input"|"features"|"hidden"|"output"} kind - what the layer is
 * @property {number} units - neurons (or features) in the layer
 * @property {string|null} activation - its activation (the output's: sigmoid, softmax or linear)
 * @property {2|3} dims - axes of the view
 * @property {"plane"|"pca"|"readout"|"neurons"|"simplex"|"curve"|"fit"} view - what the axes are
 * @property {Phrase[]} axes - each axis' title
 * @property {Phrase[]} note - sentences saying what the panel shows
 * @property {XY|Known} points - the data points, in the order of data.labels
 * @property {Grid|Known|null} grid - the plane's grid as the layer bends it
 * @property {XY|null} boundary - the decision boundary carried into the layer, segments with gaps
 * @property {Drawing|null} pre - the layer before its activation (z = W·a + b)
 * @property {Separator|null} separator - binary: the output's line, where the view shows it exactly
 * @property {XY|null} ties - multi-class, 2D: segments (with gaps) where two classes tie and lead
 * @property {Level[]|null} levels - regression, 2D: lines of equal prediction
 * @property {Corners|null} corners - multi-class output: the class corners
 * @property {XY|null} curve - one-unit layers: the activation curve; regression output: y = x
 * @property {number|null} threshold - one-unit layers: the z where the classes split (an upright dashed line)
 * @property {number|null} output_level - a reference line across: p = 0.5 on the binary output's curve
 */

/**
 * @typedef {Object} Data
 * @property {"binary"|"multiclass"|"regression"} problem - the kind of problem
 * @property {Numbers|Bytes|Known} labels - each point's class (0 = A, ...) or target value
 * @property {Uint8Array|boolean[]|Known} is_test - whether each point is held out for testing
 * @property {string[]} class_names - the classes' names, A first; none for a regression
 * @property {string[]} class_colors - each class's colour, in the same order
 */

/**
 * @typedef {Object} Boundary
 * @property {Numbers|Known} x - the heatmap cells' centres across
 * @property {Numbers|Known} y - the heatmap cells' centres up
 * @property {Numbers[]} [p] - binary: P(B) per cell; multi-class: the winner's probability (rows from the bottom)
 * @property {Bytes[]} [class] - multi-class: the winning class per cell
 * @property {Numbers[]} [value] - regression: the prediction per cell
 */

/**
 * @typedef {Object} Palette
 * @property {ColorScale} probability - the binary plane's shading, P(B) from 0 to 1
 * @property {ColorScale} value - a regression's values, lowest to highest target
 * @property {ColorScale} unit - a unit's output in the network diagram, low to high
 * @property {string} boundary - decision boundaries, separators and tie lines
 * @property {string} grid_vertical - the grid lines x1 = constant
 * @property {string} grid_horizontal - the grid lines x2 = constant
 * @property {string} landmark - the grid's landmark lines
 * @property {string} positive_weight - a positive weight in the network diagram
 * @property {string} negative_weight - a negative weight in the network diagram
 */

/**
 * @typedef {Object} UnitMaps
 * @property {Bytes} layer - unit k's layer (0 = the inputs)
 * @property {Bytes} unit - unit k's number in its layer, from 0
 * @property {Numbers} min - the value byte 0 stands for in unit k's map
 * @property {Numbers} max - the value byte 255 stands for
 * @property {Bytes[]} values - unit k's map, side × side bytes, row by row from the bottom
 */

/**
 * @typedef {Object} Network
 * @property {number[]} sizes - units per layer, inputs first
 * @property {string[]} inputs - the inputs' names
 * @property {string[]} outputs - the outputs' names
 * @property {number} side - cells per side of a unit's map
 * @property {UnitMaps} maps - every unit's map
 * @property {Numbers[][]} weights - per layer, its weight matrix: one row per unit of the layer before
 * @property {Numbers[]} biases - per layer, one bias per unit
 */

/**
 * @typedef {Object} Sample
 * @property {Numbers} x - the point's coordinates x1, x2
 * @property {number|null} loss - its loss; null just after the forward phase (the loss phase comes next)
 * @property {string|number} target - its class name, or target value
 * @property {string|number} prediction - the predicted class name, or value
 * @property {number} [p] - binary: P(B); multi-class: the predicted class's probability
 * @property {number} [p_target] - multi-class: the true class's probability
 */

/**
 * @typedef {Object} Loop
 * @property {number} batch_size - points in a batch
 * @property {number|null} batch_loss - a step taken phase by phase: its batch's loss, from its loss phase on (else null: the training loss is the measure)
 * @property {number[]|null} grad_norms - per layer, the size of its gradient (null before the backward phase)
 * @property {number[]|null} update_norms - per layer, how far the last update moved it (null before the update)
 * @property {number} learning_rate - the learning rate
 * @property {Sample|null} sample - the first training point, followed through every step
 */

/**
 * @typedef {Object} Metrics
 * @property {number|null} train_loss - loss on the training points
 * @property {number|null} train_accuracy - share of training points right (classes)
 * @property {number|null} test_loss - loss on the test points
 * @property {number|null} test_accuracy - share of test points right (classes)
 * @property {number|null} train_r2 - R² on the training points (regression)
 * @property {number|null} test_r2 - R² on the test points (regression)
 */

/**
 * @typedef {Object} Frame
 * @property {number} revision - goes up with every change the page should see
 * @property {boolean} training - training continuously on the server
 * @property {"diverged"|"idle"|null} stopped_reason - why continuous training last stopped by itself
 * @property {number[]} timeline - the steps of the snapshots that can be revisited
 * @property {"forward"|"loss"|"backward"|"update"|null} phase - where a step taken phase by phase stands
 * @property {Phrase|null} hint - when training goes wrong: what the loss shows and the likely fix, in one line
 * @property {number} step - training steps taken
 * @property {string} data_id - names the data and the plane (send it as `known`)
 * @property {"binary"|"multiclass"|"regression"} problem - the kind of problem
 * @property {Metrics} metrics - loss and score
 * @property {Loop} loop - the training loop's live quantities
 * @property {Data} data - the points' labels and split
 * @property {Palette|Known} palette - every colour to draw with
 * @property {Boundary} boundary - the input plane's shading
 * @property {LayerView[]} layers - one panel per layer, the input plane first
 * @property {Network} network - the network diagram
 * @property {number|null} timeline_index - which snapshot this is, or null for the latest
 */

export {};
