"""The playground's pictures, drawn from a ``playground.Session``.

One figure holds them all (``draw``) and ``update`` changes them in place after training or a
control moves, so that the animation only redraws what is inside the axes:

- **the network** (left): one small square per unit, showing what that unit outputs over the
  whole plane (red high, blue low, white in between), the inputs on the left, the output on the
  right; the lines between them are the weights, red for positive, blue for negative, thicker
  for larger ones (TensorFlow Playground's picture);
- **the output** (middle): the network's output over the plane, with the training points (white
  rim) and, if asked, the test points (black rim); the user's added points are drawn bigger;
- **the last hidden layer's view** (right): the training points where the penultimate layer puts
  them (notebook 05's picture): the output layer draws a straight line in this space;
- **the loss** over the epochs, training (solid) and test (dashed), and **each layer's gradient
  norm** ||dL/dW|| (notebook 06's picture), on a log scale.

Colours follow the series: class 0 blue, class 1 red (more classes: ``plots.POINT_COLORS``).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb

from .playground import FEATURES, LIMIT, RESOLUTION
from .plots import BINARY_CMAP, POINT_COLORS

FIGSIZE, DPI = (13, 6), 80
THUMB = 0.36                # half the side of a unit's square at most, in the diagram's row units
MAX_ROWS = 8                # rows of the diagram: up to 8 units in a layer or 7 features
CMAP = plt.get_cmap(BINARY_CMAP)
GRAD_LIMITS = (1e-7, 1e2)


def _layout(n_columns, n_rows_per_column, width):
    """(centres, half side): the centre of every unit's square, one column per layer spread
    over ``width`` (room on the left for the features' names), rows 1 apart and each column
    centred vertically; and half the side of the squares, smaller when the columns are close."""
    xs = np.linspace(1.2, width - 0.5, n_columns)
    half = min(THUMB, 0.3 * (xs[1] - xs[0]))
    return [[(x, (MAX_ROWS - 1) / 2 + (k - 1) / 2 - i) for i in range(k)]
            for x, k in zip(xs, n_rows_per_column)], half


def _values_to_rgba(values, low=-1.0, high=1.0):
    return CMAP(np.clip((values - low) / (high - low), 0, 1))


def output_rgba(out, problem, discretize=False):
    """The output heat map's colours: (r, r, 4) from the (outputs, r, r) grid of outputs.

    Two classes: the probability of class 1 (blue 0, white 0.5, red 1). More classes: each
    class's colour weighted by its probability, paled. Regression: the value, blue -1 to red +1.
    ``discretize``: the predicted class (or the sign of the value) only, at full strength.
    """
    if out.shape[0] > 1:
        colours = np.array([to_rgb(POINT_COLORS[c % len(POINT_COLORS)]) for c in range(len(out))])
        p = out
        if discretize:
            p = (out == out.max(axis=0, keepdims=True)).astype(float)
        rgb = np.einsum("kij,kc->ijc", p, colours)
        rgb = 0.45 * rgb + 0.55 if not discretize else 0.35 * rgb + 0.65
        return np.concatenate([rgb, np.ones(rgb.shape[:2] + (1,))], axis=2)
    value = out[0] if problem == "regression" else 2 * out[0] - 1    # -1 .. 1
    if discretize:
        value = np.where(value >= 0, 0.6, -0.6)
    return _values_to_rgba(0.75 * value)          # pale: the points must stand out


def draw(session):
    """Draw every picture of ``session``; returns the dict of artists ``update`` changes."""
    fig = plt.figure(figsize=FIGSIZE, dpi=DPI)
    art = {"fig": fig}
    art["net_ax"] = ax = fig.add_axes([0.0, 0.0, 0.52, 0.93])
    ax.set_axis_off()
    box = ax.get_position()
    art["net_width"] = width = MAX_ROWS * (box.width * FIGSIZE[0]) / (box.height * FIGSIZE[1])
    ax.set_xlim(0, width)
    ax.set_ylim(-0.6, MAX_ROWS - 0.4)
    ax.set_title("the network: what every unit outputs over the plane", fontsize=11)
    art["caption"] = ax.text(width / 2, -0.55, "squares: red = high output, blue = low.   lines: "
                             "weights, red > 0, blue < 0, thicker = larger", ha="center",
                             va="bottom", fontsize=9, color="0.3")

    art["out_ax"] = ax = fig.add_axes([0.55, 0.33, 0.24, 0.55])
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.set_xticks([-6, -3, 0, 3, 6])
    ax.set_yticks([-6, -3, 0, 3, 6])
    ax.tick_params(labelsize=8)
    ax.set_title("output", fontsize=11)
    art["heat"] = ax.imshow(np.ones((2, 2, 4)), origin="lower", extent=(-LIMIT, LIMIT, -LIMIT, LIMIT),
                            interpolation="bilinear", zorder=0)
    style = dict(s=22, linewidths=0.8, zorder=2)
    art["train"] = ax.scatter([], [], edgecolors="white", **style)
    art["test"] = ax.scatter([], [], edgecolors="black", **style)
    art["added"] = ax.scatter([], [], edgecolors="black", marker="*", s=150, linewidths=0.8,
                              zorder=3)
    art["message"] = ax.text(0, 0, "", ha="center", va="center", fontsize=10, color="darkred",
                             wrap=True, zorder=4,
                             bbox=dict(facecolor="white", alpha=0.85, edgecolor="darkred"))

    art["pen_ax"] = ax = fig.add_axes([0.82, 0.45, 0.17, 0.43])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("last hidden layer's view", fontsize=11)
    art["pen_points"] = ax.scatter([], [], s=10, linewidths=0.3, edgecolors="white")
    art["pen_line"], = ax.plot([], [], color="k", lw=2)
    art["pen_note"] = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=8)

    art["loss_ax"] = ax = fig.add_axes([0.55, 0.07, 0.24, 0.15])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("loss: training (solid), test (dashed)", fontsize=10)
    art["train_curve"], = ax.plot([], [], color="k", lw=1.5)
    art["test_curve"], = ax.plot([], [], color="0.45", lw=1.5, ls="--")

    art["grad_ax"] = ax = fig.add_axes([0.86, 0.07, 0.13, 0.24])
    ax.set_yscale("log")
    ax.set_ylim(*GRAD_LIMITS)
    ax.set_yticks([1e-6, 1e-4, 1e-2, 1])
    ax.tick_params(labelsize=8)
    ax.set_title("‖dL/dW‖ per layer", fontsize=10)
    art["grad_bars"] = None
    art["shape"] = None
    art["titles"] = [a.title for a in fig.axes] + [art["caption"]]
    return update(art, session)


def _build_diagram(art, session):
    """(Re)make the squares, edges and labels of the network picture for this network's shape."""
    ax, net, state = art["net_ax"], session.net, session.state
    for artist in art.get("diagram", []):
        artist.remove()
    sizes = net.sizes
    centres, half = _layout(len(sizes), sizes, art["net_width"])
    made, thumbs, texts = [], [], []
    for column in centres:
        thumbs.append([])
        for (x, y) in column:
            image = ax.imshow(np.ones((2, 2, 4)), origin="lower", interpolation="nearest",
                              extent=(x - half, x + half, y - half, y + half), zorder=2)
            thumbs[-1].append(image)
            made.append(image)
    for (x, y), name in zip(centres[0], state.features):
        texts.append(ax.text(x - half - 0.1, y, FEATURES[name][0], ha="right", va="center",
                             fontsize=10))
    heads = ["inputs"] + [f"{k} units" for k in sizes[1:-1]] + ["output"]
    if len(sizes) > 5:                                    # no room for "8 units"
        heads = ["inputs"] + [str(k) for k in sizes[1:-1]] + ["out"]
    for column, head in zip(centres, heads):
        texts.append(ax.text(column[0][0], MAX_ROWS - 0.7, head, ha="center", va="bottom",
                             fontsize=9))
    segments = [[(x0 + half, y0), (x1 - half, y1)]
                for left, right in zip(centres[:-1], centres[1:])
                for (x1, y1) in right for (x0, y0) in left]   # the order of W.ravel(), W (n_out, n_in)
    edges = LineCollection(segments, zorder=1, capstyle="butt")
    ax.add_collection(edges)
    made.append(edges)
    art.update(diagram=made + texts, thumbs=thumbs, edges=edges,
               shape=(tuple(sizes), state.features))
    art["still"] = art["titles"] + texts      # drawn once, with the axes (``LiveFigure.set_still``)

    ax = art["grad_ax"]
    if art["grad_bars"] is not None:
        art["grad_bars"].remove()
    layers = np.arange(1, len(net.dense) + 1)
    art["grad_bars"] = ax.bar(layers, np.full(len(layers), GRAD_LIMITS[0]), color="0.4",
                              bottom=GRAD_LIMITS[0] / 10)
    ax.set_xticks(layers, [str(i) for i in layers[:-1]] + ["out"], fontsize=8)
    ax.set_xlim(0.4, len(layers) + 0.6)


def update(art, session):
    """Bring every picture up to date with ``session`` (after training or a change of control).
    A network whose weights blew up to inf or NaN still draws, without warnings."""
    with np.errstate(all="ignore"):
        return _update(art, session)


def _update(art, session):
    state = session.state
    if art["shape"] != (tuple(session.net.sizes), state.features):
        _build_diagram(art, session)
    inputs, hidden, out = session.grid_outputs()
    step = max(1, RESOLUTION // 25)
    low, high = inputs.min(axis=(1, 2), keepdims=True), inputs.max(axis=(1, 2), keepdims=True)
    columns = [2 * (inputs - low) / np.maximum(high - low, 1e-12) - 1]   # lowest -1, highest 1
    columns += hidden + [out if state.problem == "regression" else 2 * out - 1]  # p: -1 .. 1
    for images, values in zip(art["thumbs"], columns):
        for image, grid in zip(images, values):
            image.set_data(_values_to_rgba(grid[::step, ::step]))

    weights = np.concatenate([d.params["W"].ravel() for d in session.net.dense])
    scale = max(np.abs(weights).max(), 1e-12)
    art["edges"].set_linewidths(0.3 + 3.5 * np.abs(weights) / scale)
    art["edges"].set_colors(CMAP(np.where(weights >= 0, 0.85, 0.15)))

    art["heat"].set_data(output_rgba(out, state.problem, state.discretize))
    rim = "0.4" if state.problem == "regression" else "white"   # a value near 0 is white
    _points(art["train"], session.X_train, session.y_train, state, rim=rim)
    _points(art["test"], session.X_test, session.y_test, state, visible=state.show_test)
    n_added = len(state.points)
    _points(art["added"], session.X_train[len(session.X_train) - n_added:],
            session.y_train[len(session.y_train) - n_added:], state, visible=n_added > 0)
    art["message"].set_text(session.message.replace("; ", ";\n"))
    art["message"].set_visible(bool(session.message))

    _penultimate(art, session)
    epochs = np.arange(len(session.train_loss))
    for line, values in ((art["train_curve"], session.train_loss), (art["test_curve"], session.test_loss)):
        line.set_data(epochs, np.where(np.isfinite(values), values, np.nan))
    finite = [v for v in session.train_loss + session.test_loss if np.isfinite(v)]
    art["loss_ax"].set_xlim(0, max(10, len(epochs) - 1))
    art["loss_ax"].set_ylim(0, 1.05 * max(finite) if finite else 1)
    norms = np.nan_to_num(session.grad_norms, nan=GRAD_LIMITS[0], posinf=GRAD_LIMITS[1])
    for bar, value in zip(art["grad_bars"], np.clip(norms, GRAD_LIMITS[0] / 10, GRAD_LIMITS[1])):
        bar.set_height(value - bar.get_y())
    return art


def _points(scatter, X, y, state, visible=True, rim=None):
    """Show points X coloured by class or value; ``rim``: their edge colour, if it changes."""
    scatter.set_visible(visible and len(X) > 0)
    if not scatter.get_visible():
        return
    scatter.set_offsets(X)
    if rim is not None:
        scatter.set_edgecolors(rim)
    if state.problem == "regression":
        scatter.set_facecolors(_values_to_rgba(np.asarray(y, dtype=float)))
    else:
        scatter.set_facecolors([POINT_COLORS[c % len(POINT_COLORS)] for c in y])


def _penultimate(art, session):
    """The training points at their penultimate-layer activations: the 2 units themselves, their
    first two principal components when there are more, the one unit against 0 when one."""
    ax, A, layer = art["pen_ax"], *session.penultimate()
    note = "the inputs" if layer == 0 else f"layer {layer}"
    line = ([], [])
    if not np.all(np.isfinite(A)):          # blown-up weights: nothing to show
        P = np.zeros((len(A), 2))
        note += " (not finite)"
    elif A.shape[1] == 1:
        P = np.column_stack([A[:, 0], np.zeros(len(A))])
    elif A.shape[1] == 2:
        P = A
        W, b = session.net.dense[-1].params["W"], session.net.dense[-1].params["b"]
        if W.shape[0] == 1 and session.state.problem == "classification":
            line = _line_in(A, W[0], b[0])      # the output unit's line w . a + b = 0
    else:
        centred = A - A.mean(axis=0)
        _, s, Vt = np.linalg.svd(centred, full_matrices=False)
        P = centred @ Vt[:2].T
        shown = (s[:2] ** 2).sum() / max((s ** 2).sum(), 1e-300)
        note += f" (PCA: {shown:.0%} of its spread)"
    art["pen_note"].set_text(note)
    art["pen_line"].set_data(*line)
    _points(art["pen_points"], P, session.y_train, session.state,
            rim="0.4" if session.state.problem == "regression" else "white")
    low, high = np.nanmin(P, axis=0), np.nanmax(P, axis=0)
    pad = 0.08 * np.maximum(high - low, 1e-6)
    if np.all(np.isfinite(low)) and np.all(np.isfinite(high)):
        ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        ax.set_ylim(low[1] - pad[1], high[1] + 3 * pad[1])


def _line_in(A, w, b):
    """Points of the line w . a + b = 0 across the box of the points A (for drawing)."""
    (x0, y0), (x1, y1) = A.min(axis=0), A.max(axis=0)
    if abs(w[1]) >= abs(w[0]):
        xs = np.array([x0, x1])
        return xs, -(b + w[0] * xs) / w[1]
    if w[0] == 0:
        return [], []
    ys = np.array([y0, y1])
    return -(b + w[1] * ys) / w[0], ys
