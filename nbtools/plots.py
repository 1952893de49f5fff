"""Plots of what a classifier does: its decision boundary, its hidden units, its hidden spaces.

Every function here takes ``ax=None`` (a new figure is made only then), draws, and returns a dict
of the artists it made. The matching ``update_...`` function changes those artists in place for a
network with new weights, which is what a slider calls: much faster than drawing a new figure.

- ``decision_boundary``: the network's P(y = 1) over the input plane as a colour map, the 0.5
  contour (the boundary) and other probability contours, training and validation points;
  for a softmax network the predicted class as a colour, paler where the network is unsure.
- ``hidden_unit_lines``: the line w . x + b = 0 of every first-layer unit, with an arrow on
  its positive side (the chapter's Fig. 10): the pieces the boundary is assembled from.
- ``activation_space``: the data as a hidden layer sees it, a^(l) for every point (the
  chapter's Fig. 12); with 2 units, the output layer's straight line drawn in that space.
- ``layer_transformation``: a square grid on the input plane, carried through each 2-unit layer.
- ``training_curves``: loss or accuracy per epoch, train and validation.

Example::

    >>> import matplotlib.pyplot as plt
    >>> from nbtools import data, nn, plots
    >>> X, y = data.moons(seed=0)
    >>> net = nn.MLP([2, 8, 1], seed=0)
    >>> artists = plots.decision_boundary(net, X, y)
    >>> plots.update_decision_boundary(artists, net)    # after training, say
"""
import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb

from ._checks import as_float_array, as_labels, axes_or_new, check_number
from .data import grid


def _quiet(draw):
    """A network whose weights blew up (NaN or inf) still gets drawn, blank, without numpy warnings."""
    @functools.wraps(draw)
    def quietly(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return draw(*args, **kwargs)
    return quietly


POINT_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
BINARY_CMAP = "RdBu_r"  # P(y = 1): pale blue near 0, white at 0.5, pale red near 1 (vmin/vmax widened)
# hidden units: colours that stand out on the red and blue background and differ from the points
UNIT_COLORS = ("#ff7f0e", "#2ca02c", "#9467bd", "#e377c2", "#8c564b", "#17becf", "#bcbd22", "#7f7f7f")


# ---------------------------------------------------------------------------------------------
# Shared steps
# ---------------------------------------------------------------------------------------------


def _check_extent(extent):
    """A view (xmin, xmax, ymin, ymax) of finite numbers with min < max, as a float array (4,)."""
    extent = as_float_array(extent, "extent", ndim=1)
    if extent.shape != (4,) or extent[0] >= extent[1] or extent[2] >= extent[3]:
        raise ValueError(f"extent must be (xmin, xmax, ymin, ymax) with min < max, got "
                         f"{extent.tolist()}.")
    return extent


def _check_history(history):
    if not hasattr(history, "train_loss"):
        raise TypeError(f"history must be the History returned by training.fit, got "
                        f"{type(history).__name__}.")
    return history


def _check_net(net, n_inputs=None):
    """The network must look like an ``nn.MLP``; with ``n_inputs``, take that many inputs."""
    if not all(hasattr(net, name) for name in ("forward", "sizes", "dense", "activations")):
        raise TypeError(f"net must be an nbtools.nn.MLP (with forward, sizes, dense), got "
                        f"{type(net).__name__}. Build one with nn.MLP([2, 8, 1]).")
    if n_inputs is not None and net.sizes[0] != n_inputs:
        raise ValueError(f"net must take {n_inputs} inputs to be drawn in the plane, got sizes "
                         f"{net.sizes}. Use a network with sizes[0] = {n_inputs}.")
    return net


def _check_points(X, y, name_X="X", name_y="y"):
    """X (n, 2) points in the plane and y (n,) their integer labels."""
    X = as_float_array(X, name_X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"{name_X} must have shape (n, 2), points in the plane, got {X.shape}.")
    return X, as_labels(y, name_y, n=len(X))


def _colors(y):
    return [POINT_COLORS[c % len(POINT_COLORS)] for c in y]


def _scatter(ax, X, y, validation=False):
    """Training points: filled circles; validation points: hollow squares; colour = class."""
    if validation:
        return ax.scatter(X[:, 0], X[:, 1], facecolors="none", marker="s", s=24, zorder=3,
                          edgecolors=_colors(y), linewidths=1.2, label="validation")
    return ax.scatter(X[:, 0], X[:, 1], c=_colors(y), s=18, edgecolors="k", linewidths=0.5,
                      zorder=3, label="train")


def _set_points(scatter, X, y, validation=False):
    """Move a scatter's points to X and recolour them by y (for a new data set)."""
    scatter.set_offsets(X)
    if validation:
        scatter.set_edgecolors(_colors(y))
    else:
        scatter.set_facecolors(_colors(y))


def _surface(out, shape):
    """What an image shows for network outputs ``out`` (m, k) on a grid of ``shape``.

    One sigmoid output: P(y = 1), shape ``shape``. Softmax: an RGB image (shape + (3,)), the colour
    of the predicted class faded toward white where the network is unsure.
    Returns (image data, values to draw contours of, contour levels or None).
    """
    if out.shape[1] == 1:
        prob = out[:, 0].reshape(shape)
        return prob, prob, None
    k = out.shape[1]
    cls = out.argmax(axis=1).reshape(shape)
    confidence = (out.max(axis=1).reshape(shape) - 1.0 / k) / (1.0 - 1.0 / k)
    colors = np.array([to_rgb(POINT_COLORS[c % len(POINT_COLORS)]) for c in range(k)])
    rgb = 1.0 - 0.7 * confidence[..., None] * (1.0 - colors[cls])
    return np.clip(rgb, 0, 1), cls, np.arange(k - 1) + 0.5


def _line_in_view(w, b, limits):
    """Two end points of the line w . x + b = 0 crossing the view, and the arrow at its middle.

    w (2,), b a number, limits (xmin, xmax, ymin, ymax). The middle is the point of the line
    closest to the centre of the view; the arrow from it points along w, to the side where
    w . x + b > 0, and is 12% of the view wide. A unit with w = 0 has no line: all NaN.
    Returns (xs (2,), ys (2,), middle (2,), arrow (2,)).
    """
    norm = np.hypot(w[0], w[1])
    if not np.isfinite(norm) or norm < 1e-12 or not np.isfinite(b):
        nan = np.full(2, np.nan)
        return nan, nan, nan, np.zeros(2)
    unit = w / norm
    centre = np.array([limits[0] + limits[1], limits[2] + limits[3]]) / 2
    size = max(limits[1] - limits[0], limits[3] - limits[2])
    middle = centre - (w @ centre + b) / norm * unit       # project the centre onto the line
    along = np.array([-unit[1], unit[0]]) * 2 * size
    ends = np.array([middle - along, middle + along])
    return ends[:, 0], ends[:, 1], middle, 0.12 * size * unit


@_quiet
def _forward_from(net, a, layer):
    """Run layers layer+1 .. L of ``net`` on activations ``a`` of layer ``layer``; the output."""
    for dense, act in zip(net.dense[layer:], net.activations[layer:]):
        a = act.forward(dense.forward(a))
    return a


def _layer_index(net, layer, name="layer"):
    """A layer number 0..L-1 (0 = the input, L-1 = the penultimate); negative counts from L."""
    L = len(net.sizes) - 1
    layer = check_number(layer, name, integer=True)
    index = layer + L + 1 if layer < 0 else layer
    if not 0 <= index <= L - 1:
        raise ValueError(f"{name} must name the input or a hidden layer: 0..{L - 1} or "
                         f"-{L + 1}..-2 for this network of sizes {net.sizes}, got {layer}. "
                         f"The default -2 is the penultimate layer.")
    return index


# ---------------------------------------------------------------------------------------------
# Decision boundary
# ---------------------------------------------------------------------------------------------

def decision_boundary(net, X, y, ax=None, X_val=None, y_val=None, levels=(0.1, 0.5, 0.9),
                      resolution=150, margin=0.5, extent=None):
    """Draw the network's P(y = 1) over the plane, its probability contours, and the data.

    net: an MLP with 2 inputs and a sigmoid (binary) or softmax (k classes) output.
    X (n, 2), y (n,) integer labels: training points as filled circles; optional validation points
    (X_val, y_val) as hollow squares. ``levels``: the probability contours drawn, each in (0, 1)
    (0.5, the decision boundary, is drawn thicker). For a softmax network the colour shows the
    predicted class, paler where the network is unsure, and the lines are the class borders.
    ``resolution``: grid points per side (60-80 is enough for a slider). ``extent``:
    (xmin, xmax, ymin, ymax) of the grid; default: the data's extent widened by ``margin``.

    Returns {"ax", "image", "contours", "train", "val", "grid", "levels"}; the image data is the
    probability on the grid, row i, column j at (xx[i, j], yy[i, j]) with ``grid = (xx, yy, points)``.
    """
    net = _check_net(net, n_inputs=2)
    if net.output not in ("sigmoid", "softmax"):
        raise ValueError(f"decision_boundary needs a classifier (sigmoid or softmax output), got "
                         f"output={net.output!r}. Build the network with output='sigmoid'.")
    X, y = _check_points(X, y)
    if X_val is not None:
        X_val, y_val = _check_points(X_val, y_val, "X_val", "y_val")
    levels = tuple(check_number(v, f"levels[{i}]", low=0, high=1) for i, v in enumerate(levels))
    ax = axes_or_new(ax, (4.5, 4))
    if extent is None:
        xx, yy, points = grid(X if X_val is None else np.vstack([X, X_val]), resolution, margin)
    else:
        xx, yy, points = grid(_check_extent(extent).reshape(2, 2).T, resolution, 0.0)
    limits = (xx.min(), xx.max(), yy.min(), yy.max())
    art = {"ax": ax, "grid": (xx, yy, points), "levels": levels, "contours": None, "val": None}
    art["image"] = ax.imshow(np.zeros(xx.shape), origin="lower", extent=limits, aspect="auto",
                             vmin=-0.6, vmax=1.6, cmap=BINARY_CMAP, interpolation="bilinear")
    art["train"] = _scatter(ax, X, y)
    if X_val is not None:
        art["val"] = _scatter(ax, X_val, y_val, validation=True)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.8)
    ax.set_xlim(limits[:2])
    ax.set_ylim(limits[2:])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return update_decision_boundary(art, net)


@_quiet
def update_decision_boundary(art, net, X=None, y=None, X_val=None, y_val=None):
    """Recompute the image and contours of ``decision_boundary`` for ``net``; returns ``art``.

    Pass X, y (and X_val, y_val) to also move the points to a new data set (the grid stays).
    """
    net = _check_net(net, n_inputs=2)
    if X is not None:
        _set_points(art["train"], *_check_points(X, y))
    if X_val is not None and art["val"] is not None:
        _set_points(art["val"], *_check_points(X_val, y_val, "X_val", "y_val"), validation=True)
    xx, yy, points = art["grid"]
    image, values, borders = _surface(net.forward(points), xx.shape)
    art["image"].set_data(image)
    if art["contours"] is not None:
        art["contours"].remove()
    art["contours"] = None
    finite = values[np.isfinite(values)]
    if borders is None:
        levels = sorted(v for v in art["levels"] if finite.size and finite.min() < v < finite.max())
        widths = [2.5 if v == 0.5 else 0.8 for v in levels]
        styles = ["-" if v == 0.5 else "--" for v in levels]
    else:
        levels, widths, styles = borders, 1.5, "-"
    if len(levels):  # no line when the network says the same class everywhere
        art["contours"] = art["ax"].contour(xx, yy, values, levels=levels, colors="k",
                                            linewidths=widths, linestyles=styles)
    return art


# ---------------------------------------------------------------------------------------------
# Hidden units of the first layer
# ---------------------------------------------------------------------------------------------

def hidden_unit_lines(net, ax=None, extent=(-2.5, 2.5, -2.5, 2.5), units=None):
    """Draw each first-layer unit's line w . x + b = 0, with an arrow to its positive side.

    Unit j of the first layer computes z_j = W[j] . x + b[j] (W of shape (n_hidden, 2)); on its
    line z_j = 0 its activation is halfway (0.5 for a sigmoid), and the arrow points to where
    z_j > 0. Drawn on top of ``decision_boundary`` (same ``ax``), it shows the pieces the boundary is
    built from. ``extent``: the view (xmin, xmax, ymin, ymax), used only when ``ax`` is new;
    otherwise the axes' own limits are kept. ``units``: which units to draw (default all).

    Returns {"ax", "lines": [Line2D per unit], "arrows": Quiver, "units"}.
    """
    net = _check_net(net, n_inputs=2)
    n_hidden = net.sizes[1]
    units = list(range(n_hidden)) if units is None else list(units)
    for j in units:
        check_number(j, "units[...]", low=0, high=n_hidden - 1, integer=True)
    new = ax is None
    ax = axes_or_new(ax, (4.5, 4))
    if new:
        extent = _check_extent(extent)
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
    art = {"ax": ax, "units": units, "lines": []}
    for j in units:
        color = UNIT_COLORS[j % len(UNIT_COLORS)]
        line, = ax.plot([], [], color=color, lw=2.2, zorder=2.5, label=f"unit {j}")
        art["lines"].append(line)
    zeros = np.zeros(len(units))
    art["arrows"] = ax.quiver(zeros, zeros, zeros, zeros, angles="xy", scale_units="xy", scale=1,
                              color=[UNIT_COLORS[j % len(UNIT_COLORS)] for j in units],
                              width=0.012, zorder=2.5)
    return update_hidden_unit_lines(art, net)


def update_hidden_unit_lines(art, net):
    """Move the lines and arrows to the first-layer weights of ``net``; returns ``art``."""
    net = _check_net(net, n_inputs=2)
    if max(art["units"], default=-1) >= net.sizes[1]:
        raise ValueError(f"the lines were drawn for units {art['units']}, but net's first layer has "
                         f"only {net.sizes[1]} units (sizes {net.sizes}); draw them again with "
                         f"hidden_unit_lines(net).")
    W, b = net.dense[0].params["W"], net.dense[0].params["b"]
    limits = (*art["ax"].get_xlim(), *art["ax"].get_ylim())
    middles, arrows = [], []
    for line, j in zip(art["lines"], art["units"]):
        xs, ys, middle, arrow = _line_in_view(W[j], b[j], limits)
        line.set_data(xs, ys)
        middles.append(middle)
        arrows.append(arrow)
    art["arrows"].set_offsets(np.nan_to_num(np.array(middles).reshape(-1, 2)))
    arrows = np.array(arrows).reshape(-1, 2)
    art["arrows"].set_UVC(arrows[:, 0], arrows[:, 1])
    return art


# ---------------------------------------------------------------------------------------------
# Activation space: the data as a hidden layer sees it
# ---------------------------------------------------------------------------------------------

def activation_space(net, X, y, layer=-2, ax=None, X_val=None, y_val=None, resolution=60):
    """Scatter the data as layer ``layer`` sees it: each point x drawn at its activation a^(l)(x).

    ``layer``: 0 is the input, 1 the first hidden layer, ..., -2 (default) the penultimate layer,
    the one the output layer reads. With 2 units the points are drawn at (a_0, a_1); the background
    shows what the rest of the network outputs there, and for the penultimate layer of a binary
    network the output unit's line w . a + b = 0 (its decision boundary, a straight line). With
    more units the points are projected on their first two principal components (PCA), and a note
    says how much of the spread that shows; with 1 unit they lie on a line.

    Returns {"ax", "train", "val", "image", "line", "note", "layer", "limits"}; the points are
    drawn at ``art["train"].get_offsets()``, shape (n, 2).
    """
    net = _check_net(net)
    layer = _layer_index(net, layer)
    X, y = as_float_array(X, "X", ndim=2), as_labels(y, "y", n=len(X))
    ax = axes_or_new(ax, (4.5, 4))
    art = {"ax": ax, "layer": layer, "limits": None, "X": X, "X_val": None}
    art["image"] = ax.imshow(np.zeros((2, 2)), origin="lower", extent=(0, 1, 0, 1), aspect="auto",
                             vmin=-0.6, vmax=1.6, cmap=BINARY_CMAP, interpolation="bilinear",
                             visible=False)
    art["line"], = ax.plot([], [], color="k", lw=2.5, zorder=2.5, label="output unit's line")
    art["train"] = ax.scatter(np.zeros(len(X)), np.zeros(len(X)), c=_colors(y), s=18,
                              edgecolors="k", linewidths=0.5, zorder=3)
    art["val"] = None
    if X_val is not None:
        art["X_val"] = as_float_array(X_val, "X_val", ndim=2)
        y_val = as_labels(y_val, "y_val", n=len(art["X_val"]))
        art["val"] = ax.scatter(np.zeros(len(y_val)), np.zeros(len(y_val)), facecolors="none",
                                marker="s", s=24, edgecolors=_colors(y_val), linewidths=1.2, zorder=3)
    art["note"] = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=8,
                          bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"), zorder=4)
    return update_activation_space(art, net)


def _projection(H):
    """How to draw the rows of H (n, units) in a plane: (mean (units,), basis (units, 2), note).

    A row h is drawn at (h - mean) @ basis. Two units: h itself. One unit: (h, 0). More: a PCA,
    the two directions of largest spread of the centred rows (eigenvectors of their covariance,
    each signed so that its largest entry is positive, so the picture does not flip between frames).
    """
    units = H.shape[1]
    if units == 2:
        return np.zeros(2), np.eye(2), ""
    if units == 1:
        return np.zeros(1), np.array([[1.0, 0.0]]), "1 unit: the points lie on a line"
    mean = H.mean(axis=0)
    variance, vectors = np.linalg.eigh(np.cov(H - mean, rowvar=False))   # ascending order
    basis = vectors[:, ::-1][:, :2]
    basis = basis * np.sign(basis[np.abs(basis).argmax(axis=0), [0, 1]])
    shown = variance[::-1][:2].sum() / max(variance.sum(), 1e-300)
    return mean, basis, f"PCA of {units} units: {100 * shown:.0f}% of the spread shown"


BOUNDED = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}   # the range of a hidden unit's output


def _nice_limits(coords, old):
    """Axis limits around coords (n, 2), kept from ``old`` while the points still fill them well."""
    finite = coords[np.all(np.isfinite(coords), axis=1)]
    if not len(finite):
        return old or (-1.0, 1.0, -1.0, 1.0)
    low, high = finite.min(axis=0), finite.max(axis=0)
    pad = 0.1 * np.maximum(high - low, 1e-3)
    new = (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])
    if old is not None:
        inside = old[0] <= new[0] and new[1] <= old[1] and old[2] <= new[2] and new[3] <= old[3]
        filled = min((new[1] - new[0]) / (old[1] - old[0]), (new[3] - new[2]) / (old[3] - old[2]))
        if inside and filled > 0.6:
            return old
    return new


@_quiet
def update_activation_space(art, net, X=None, y=None, X_val=None, y_val=None):
    """Redraw ``activation_space`` for the current weights of ``net``; returns ``art``.

    Pass X, y (and X_val, y_val) to show a new data set. ``art["layer"]`` may be changed first.
    """
    net = _check_net(net)
    if X is not None:
        art["X"], y = as_float_array(X, "X", ndim=2), as_labels(y, "y", n=len(X))
        art["train"].set_facecolors(_colors(y))
    if X_val is not None and art["val"] is not None:
        art["X_val"] = as_float_array(X_val, "X_val", ndim=2)
        art["val"].set_edgecolors(_colors(as_labels(y_val, "y_val", n=len(art["X_val"]))))
    ax, layer = art["ax"], _layer_index(net, art["layer"])
    net.forward(art["X"])
    H = net.a[layer].copy()
    mean, basis, note = _projection(H)
    coords = (H - mean) @ basis
    art["train"].set_offsets(coords)
    all_coords = coords
    if art["val"] is not None:   # the same projection as the training points
        net.forward(art["X_val"])
        coords_val = (net.a[layer] - mean) @ basis
        art["val"].set_offsets(coords_val)
        all_coords = np.vstack([coords, coords_val])
    bounded = BOUNDED.get(net.hidden) if 0 < layer and H.shape[1] == 2 else None
    if bounded:   # sigmoid or tanh units: show their whole range, the same view for any weights
        limits = (bounded[0] - 0.1, bounded[1] + 0.1) * 2
    else:
        limits = _nice_limits(all_coords, art["limits"])
    art["limits"] = limits
    ax.set_xlim(limits[:2])
    ax.set_ylim(limits[2:])
    art["note"].set_text(note)
    art["note"].set_visible(bool(note))
    two_d = H.shape[1] == 2
    name = "input" if layer == 0 else f"layer {layer}"
    a = f"$a^{{({layer})}}$"
    ax.set_xlabel(f"$a^{{({layer})}}_0$ ({name}, unit 0)" if two_d else f"first direction of {a}")
    ax.set_ylabel(f"$a^{{({layer})}}_1$ ({name}, unit 1)" if two_d else f"second direction of {a}")
    art["image"].set_visible(two_d)
    art["line"].set_visible(False)
    if two_d:
        xx, yy, points = grid(np.reshape(limits, (2, 2)).T, 50, 0.0)
        image = _surface(_forward_from(net, points, layer), xx.shape)[0]
        art["image"].set_data(image)
        art["image"].set_extent(limits)
        if layer == len(net.sizes) - 2 and net.sizes[-1] == 1 and net.output == "sigmoid":
            W, b = net.dense[-1].params["W"][0], net.dense[-1].params["b"][0]
            xs, ys = _line_in_view(W, b, limits)[:2]
            art["line"].set_data(xs, ys)
            art["line"].set_visible(True)
    return art


# ---------------------------------------------------------------------------------------------
# The layer-by-layer transformation of the input plane
# ---------------------------------------------------------------------------------------------

def layer_transformation(net, X, y, ax=None, layers=None, n_lines=11, points_per_line=50,
                         margin=0.5):
    """A square grid on the input plane and the data, carried through each 2-unit layer.

    Panel 0 is the input plane: ``n_lines`` vertical and ``n_lines`` horizontal lines over the
    data's extent (widened by ``margin``), each sampled at ``points_per_line`` points. Each
    following panel shows where layer l sends every one of those points, a^(l)(x): straight lines
    bend and fold, and the classes are pulled apart. ``layers``: hidden layers to show, each with
    exactly 2 units (default: all such layers). In the last panel, when it is the penultimate
    layer of a binary network, the output unit's line is drawn too.
    ``ax``: a list of axes, one per panel (1 + len(layers)), or None for a new row of panels.

    Returns {"axes", "layers", "grid_points" (2 * n_lines * points_per_line, 2), "panels"}, where
    panels[i] = {"ax", "layer", "lines": LineCollection, "train": PathCollection, "line"}.
    """
    net = _check_net(net, n_inputs=2)
    X, y = _check_points(X, y)
    n_lines = check_number(n_lines, "n_lines", low=2, integer=True)
    points_per_line = check_number(points_per_line, "points_per_line", low=2, integer=True)
    if layers is None:
        layers = [l for l in range(1, len(net.sizes) - 1) if net.sizes[l] == 2]
    layers = [_layer_index(net, l, "layers[...]") for l in layers]
    for l in layers:
        if net.sizes[l] != 2:
            raise ValueError(f"layers must name layers with 2 units (drawable in a plane); layer {l} "
                             f"has {net.sizes[l]} in this network of sizes {net.sizes}.")
    if not layers:
        raise ValueError(f"this network (sizes {net.sizes}) has no hidden layer with 2 units to draw. "
                         f"Use one such as nn.MLP([2, 4, 2, 1]).")
    panels = [0] + layers
    if ax is None:
        _, ax = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.4))
    axes = list(np.ravel(ax))
    if len(axes) != len(panels):
        raise ValueError(f"ax must hold one axes per panel: {len(panels)} (the input and layers "
                         f"{layers}), got {len(axes)}. Pass ax=None to make them.")
    xx, yy, _ = grid(X, n_lines, margin)
    t = np.linspace(0, 1, points_per_line)
    lows, highs = (xx.min(), yy.min()), (xx.max(), yy.max())
    vertical = [np.column_stack([np.full_like(t, x1), lows[1] + t * (highs[1] - lows[1])]) for x1 in xx[0]]
    horizontal = [np.column_stack([lows[0] + t * (highs[0] - lows[0]), np.full_like(t, x2)])
                  for x2 in yy[:, 0]]
    grid_points = np.vstack(vertical + horizontal)
    colors = ["#7f7f7f"] * n_lines + ["#e3a857"] * n_lines
    art = {"axes": axes, "layers": panels, "grid_points": grid_points, "X": X, "panels": [],
           "shape": (2 * n_lines, points_per_line, 2)}
    for a, l in zip(axes, panels):
        panel = {"ax": a, "layer": l, "limits": None}
        panel["lines"] = a.add_collection(LineCollection([], colors=colors, linewidths=0.8, zorder=1))
        panel["train"] = _scatter(a, X, y)
        panel["line"], = a.plot([], [], color="k", lw=2.5, zorder=2.5)
        a.set_title("input plane $x$" if l == 0 else f"layer {l}: $a^{{({l})}}$", fontsize=10)
        art["panels"].append(panel)
    return update_layer_transformation(art, net)


@_quiet
def update_layer_transformation(art, net):
    """Carry the grid and the data through ``net`` again (new weights); returns ``art``."""
    net = _check_net(net, n_inputs=2)
    net.forward(art["grid_points"])
    grid_a = [a.copy() for a in net.a]
    net.forward(art["X"])
    L = len(net.sizes) - 1
    for panel in art["panels"]:
        l, ax = panel["layer"], panel["ax"]
        panel["lines"].set_segments(list(grid_a[l].reshape(art["shape"])))
        panel["train"].set_offsets(net.a[l])
        panel["limits"] = limits = _nice_limits(np.vstack([grid_a[l], net.a[l]]), panel["limits"])
        ax.set_xlim(limits[:2])
        ax.set_ylim(limits[2:])
        panel["line"].set_visible(False)
        if l == L - 1 and l > 0 and net.sizes[-1] == 1 and net.output == "sigmoid":
            W, b = net.dense[-1].params["W"][0], net.dense[-1].params["b"][0]
            panel["line"].set_data(*_line_in_view(W, b, limits)[:2])
            panel["line"].set_visible(True)
    return art


# ---------------------------------------------------------------------------------------------
# Training curves
# ---------------------------------------------------------------------------------------------

METRICS = {"loss": "loss", "acc": "acc", "accuracy": "acc"}


def training_curves(history, ax=None, metric="loss"):
    """Loss (or accuracy, ``metric="acc"``) per epoch, train and validation, from a ``History``.

    Epoch 0 is the untrained network; the loss is drawn on a log scale. A vertical marker (hidden
    until ``update_training_curves(..., epoch=e)``) can show where a scrubber is.
    Returns {"ax", "metric", "train": Line2D, "val": Line2D or None, "marker": Line2D}.
    """
    _check_history(history)
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, got {metric!r}.")
    metric = METRICS[metric]
    if metric == "acc" and not any(v is not None for v in history.train_acc):
        raise ValueError("this history has no accuracy (a regression network); use metric='loss'.")
    ax = axes_or_new(ax, (4.5, 4))
    art = {"ax": ax, "metric": metric}
    art["train"], = ax.plot([], [], label="train")
    art["val"] = ax.plot([], [], label="validation")[0] if getattr(history, f"val_{metric}") else None
    art["marker"] = ax.axvline(0, color="k", lw=1, alpha=0.6, visible=False)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss" if metric == "loss" else "accuracy")
    if metric == "loss":
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    return update_training_curves(art, history)


def update_training_curves(art, history, epoch=None, rescale=True):
    """Replace the curves' data with ``history``; move the marker to ``epoch`` if given.

    ``rescale=False`` keeps the axis limits (cheaper to redraw, for a slider).
    """
    _check_history(history)
    for key in ("train", "val"):
        values = getattr(history, f"{key}_{art['metric']}")
        if art[key] is not None:
            art[key].set_data(np.arange(len(values)), np.array(values, dtype=float))
    if epoch is not None:
        epoch = check_number(epoch, "epoch", low=0)
        art["marker"].set_xdata([epoch, epoch])
        art["marker"].set_visible(True)
    if rescale:
        art["ax"].relim(visible_only=True)
        art["ax"].autoscale_view()
    return art
