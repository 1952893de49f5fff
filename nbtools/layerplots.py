"""Plots of what the hidden layers do to the data: the space a layer sees, the plane it bends.

A network classifies by moving the points: each layer sends the data somewhere new, and the
output layer only draws a straight line (a plane) through where the last hidden layer put them.
These pictures show that move, for a network whose inputs are points in the plane.

- ``activation_space``: the data as a hidden layer sees it, a^(l) for every point (the
  chapter's Fig. 12); with 2 units, the output layer's straight line drawn in that space; with
  more, the two directions of largest spread (PCA).
- ``layer_transformation``: a square grid on the input plane, carried through each 2-unit layer,
  one panel per layer: straight lines bend and fold, and the classes are pulled apart.

As in ``nbtools.plots`` (whose colours and shared steps these use), each function takes
``ax=None`` (a new figure is made only then), draws, and returns a dict of the artists it made;
the matching ``update_...`` function changes those artists in place for new weights (a slider).

Example
-------
>>> from nbtools import data, layerplots, nn
>>> X, y = data.moons(seed=0)
>>> net = nn.MLP([2, 4, 2, 1], seed=0)
>>> space = layerplots.activation_space(net, X, y)         # the penultimate layer: 2 units
>>> space = layerplots.update_activation_space(space, net)  # after training, say
>>> space["train"].get_offsets().shape                      # each point at its a^(2)
(200, 2)
>>> bent = layerplots.layer_transformation(net, X, y)       # the input plane, then layer 2
>>> [panel["layer"] for panel in bent["panels"]]
[0, 2]
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

from ._checks import as_float_array, as_labels, as_points, check_number
from .data import grid
from .plots import (BINARY_CMAP, axes_or_new, check_net, class_colors, line_in_view, output_surface,
                    quiet, scatter_points)


# ---------------------------------------------------------------------------------------------
# Shared steps
# ---------------------------------------------------------------------------------------------

@quiet
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
# Activation space: the data as a hidden layer sees it
# ---------------------------------------------------------------------------------------------

def activation_space(net, X, y, layer=-2, ax=None, X_val=None, y_val=None, resolution=60,
                     round_limits=False):
    """Scatter the data as layer ``layer`` sees it: each point x drawn at its activation a^(l)(x).

    ``layer``: 0 is the input, 1 the first hidden layer, ..., -2 (default) the penultimate layer,
    the one the output layer reads. With 2 units the points are drawn at (a_0, a_1); the background
    shows what the rest of the network outputs there, and for the penultimate layer of a binary
    network the output unit's line w . a + b = 0 (its decision boundary, a straight line). With
    more units the points are projected on their first two principal components (PCA), and a note
    says how much of the spread that shows; with 1 unit they lie on a line.
    ``round_limits``: make each axis a round interval, [0, m] or [-m, m] with m = 1, 2 or 5 times
    a power of 10 (plus a small margin), instead of fitting the points closely: the limits, and so
    the tick labels, then change only when the spread crosses such a step (a slider redraws faster).
    Sigmoid and tanh units with 2 units always show their whole range.

    Returns {"ax", "train", "val", "image", "line", "note", "layer", "limits"}; the points are
    drawn at ``art["train"].get_offsets()``, shape (n, 2).
    """
    net = check_net(net)
    layer = _layer_index(net, layer)
    X, y = as_float_array(X, "X", ndim=2), as_labels(y, "y", n=len(X))
    ax = axes_or_new(ax, (4.5, 4))
    art = {"ax": ax, "layer": layer, "limits": None, "X": X, "X_val": None,
           "round_limits": bool(round_limits)}
    art["image"] = ax.imshow(np.zeros((2, 2)), origin="lower", extent=(0, 1, 0, 1), aspect="auto",
                             vmin=-0.6, vmax=1.6, cmap=BINARY_CMAP, interpolation="bilinear",
                             visible=False)
    art["line"], = ax.plot([], [], color="k", lw=2.5, zorder=2.5, label="output unit's line")
    art["train"] = ax.scatter(np.zeros(len(X)), np.zeros(len(X)), c=class_colors(y), s=18,
                              edgecolors="k", linewidths=0.5, zorder=3)
    art["val"] = None
    if X_val is not None:
        art["X_val"] = as_float_array(X_val, "X_val", ndim=2)
        y_val = as_labels(y_val, "y_val", n=len(art["X_val"]))
        art["val"] = ax.scatter(np.zeros(len(y_val)), np.zeros(len(y_val)), facecolors="none",
                                marker="s", s=24, edgecolors=class_colors(y_val), linewidths=1.2,
                                zorder=3)
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


def _round_limits(coords, old=None):
    """Per axis [0, m] or [-m, m] around coords (n, 2), m = 1, 2 or 5 times a power of 10, with a
    5% margin: round numbers that stay put while the points move within them. An axis of ``old``
    is kept while its points still reach a third of it (fewer redraws of the tick labels)."""
    finite = coords[np.all(np.isfinite(coords), axis=1)]
    if not len(finite):
        return old or (-1.05, 1.05, -1.05, 1.05)
    limits = []
    for axis, (low, high) in enumerate(zip(finite.min(axis=0), finite.max(axis=0))):
        m = max(abs(low), abs(high), 1e-3)
        if old is not None:
            old_low, old_high = old[2 * axis:2 * axis + 2]
            if old_low <= low and high <= old_high and m >= old_high / 3:
                limits += [old_low, old_high]
                continue
        power = 10.0 ** np.floor(np.log10(m))
        m = next(k * power for k in (1, 2, 5, 10) if k * power >= m * (1 - 1e-9))
        limits += [-0.05 * m if low >= 0 else -1.05 * m, 1.05 * m]
    return tuple(limits)


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


@quiet
def update_activation_space(art, net, X=None, y=None, X_val=None, y_val=None):
    """Redraw ``activation_space`` for the current weights of ``net``; returns ``art``.

    Pass X, y (and X_val, y_val) to show a new data set. ``art["layer"]`` may be changed first.
    """
    net = check_net(net)
    if X is not None:
        art["X"], y = as_float_array(X, "X", ndim=2), as_labels(y, "y", n=len(X))
        art["train"].set_facecolors(class_colors(y))
    if X_val is not None and art["val"] is not None:
        art["X_val"] = as_float_array(X_val, "X_val", ndim=2)
        art["val"].set_edgecolors(class_colors(as_labels(y_val, "y_val", n=len(art["X_val"]))))
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
    elif art.get("round_limits"):
        limits = _round_limits(all_coords, art["limits"])
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
        image = output_surface(_forward_from(net, points, layer), xx.shape)[0]
        art["image"].set_data(image)
        art["image"].set_extent(limits)
        if layer == len(net.sizes) - 2 and net.sizes[-1] == 1 and net.output == "sigmoid":
            W, b = net.dense[-1].params["W"][0], net.dense[-1].params["b"][0]
            xs, ys = line_in_view(W, b, limits)[:2]
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
    net = check_net(net, n_inputs=2)
    X, y = as_points(X, y)
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
    new_figure = ax is None
    if new_figure:
        _, ax = plt.subplots(1, len(panels), figsize=(3.8 * len(panels), 3.6))
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
    colors = ["#595959"] * n_lines + ["#e08214"] * n_lines   # grey: vertical, orange: horizontal
    art = {"axes": axes, "layers": panels, "grid_points": grid_points, "X": X, "panels": [],
           "shape": (2 * n_lines, points_per_line, 2)}
    for a, l in zip(axes, panels):
        panel = {"ax": a, "layer": l, "limits": None}
        panel["lines"] = a.add_collection(LineCollection([], colors=colors, linewidths=1.0,
                                                         alpha=0.9, zorder=1))
        panel["train"] = scatter_points(a, X, y)
        panel["line"], = a.plot([], [], color="k", lw=2.5, zorder=2.5)
        a.set_title("input plane $x$" if l == 0 else f"layer {l}: $a^{{({l})}}$", fontsize=10)
        if l == 0:
            a.set(xlabel="$x_1$", ylabel="$x_2$")
        else:
            a.set(xlabel=f"$a^{{({l})}}_0$ (layer {l}, unit 0)", ylabel=f"$a^{{({l})}}_1$ (layer {l}, unit 1)")
        art["panels"].append(panel)
    if new_figure:
        axes[0].figure.tight_layout()
    return update_layer_transformation(art, net)


@quiet
def update_layer_transformation(art, net):
    """Carry the grid and the data through ``net`` again (new weights); returns ``art``."""
    net = check_net(net, n_inputs=2)
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
            panel["line"].set_data(*line_in_view(W, b, limits)[:2])
            panel["line"].set_visible(True)
    return art
