"""Plots of a classifier in its input plane, and of its training: boundary, unit lines, curves.

Every function here takes ``ax=None`` (a new figure is made only then), draws, and returns a dict
of the artists it made. The matching ``update_...`` function changes those artists in place for a
network with new weights, which is what a slider calls: much faster than drawing a new figure.

- ``decision_boundary``: the network's P(y = 1) over the input plane as a colour map, the 0.5
  contour (the boundary) and other probability contours, training and validation points;
  for a softmax network the predicted class as a colour, paler where the network is unsure.
- ``hidden_unit_lines``: the line w . x + b = 0 of every first-layer unit, with an arrow on
  its positive side (the chapter's Fig. 10): the pieces the boundary is assembled from.
- ``training_curves``: loss or accuracy per epoch, train and validation.

What the hidden layers do to the data (the activation space, the plane bent layer by layer) is
drawn by ``nbtools.layerplots``, with the shared steps defined here: ``axes_or_new``,
``check_net``, ``class_colors``, ``scatter_points``, ``output_surface``, ``line_in_view``,
``quiet``. The other drawing modules (``gradplots``, ``pathplots``) use ``axes_or_new`` too.

Example
-------
>>> from nbtools import data, nn, plots
>>> X, y = data.moons(seed=0)
>>> net = nn.MLP([2, 8, 1], seed=0)
>>> artists = plots.decision_boundary(net, X, y)
>>> artists = plots.update_decision_boundary(artists, net)    # after training, say
>>> artists["image"].get_array().shape                         # P(y = 1) on a 150 x 150 grid
(150, 150)
"""
import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb

from ._checks import as_float_array, as_points, check_number
from .data import grid
from .nn import Sequential


def quiet(draw):
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


def axes_or_new(ax, figsize):
    """``ax`` when it is a matplotlib Axes; a new figure of ``figsize`` inches when it is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (such as one from fig, ax = plt.subplots()) "
                        f"or None for a new figure, got {type(ax).__name__}.")
    return ax


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


def check_net(net, n_inputs=None):
    """The network must be an ``nn.Sequential`` (an MLP is one); with ``n_inputs``, take that many inputs."""
    if not isinstance(net, Sequential):
        raise TypeError(f"net must be an nbtools.nn.MLP or nn.Sequential, got {type(net).__name__}. "
                        f"Build one with nn.MLP([2, 8, 1]).")
    if n_inputs is not None and net.sizes[0] != n_inputs:
        raise ValueError(f"net must take {n_inputs} inputs to be drawn in the plane, got sizes "
                         f"{net.sizes}. Use a network with sizes[0] = {n_inputs}.")
    return net


def class_colors(y):
    """The colour of each point's class, one of ``POINT_COLORS``, for integer labels ``y``."""
    return [POINT_COLORS[c % len(POINT_COLORS)] for c in y]


def scatter_points(ax, X, y, validation=False):
    """Training points: filled circles; validation points: hollow squares; colour = class."""
    if validation:
        return ax.scatter(X[:, 0], X[:, 1], facecolors="none", marker="s", s=24, zorder=3,
                          edgecolors=class_colors(y), linewidths=1.2, label="validation")
    return ax.scatter(X[:, 0], X[:, 1], c=class_colors(y), s=18, edgecolors="k", linewidths=0.5,
                      zorder=3, label="train")


def point_legend_handles(y):
    """Legend entries for ``scatter_points``: the marker's shape says the split (grey, so that no
    colour is tied to it), a colour patch says the class, one per class in the integer labels ``y``."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shapes = [Line2D([], [], ls="", marker="o", ms=5, mfc="0.6", mec="k", mew=0.5, label="train"),
              Line2D([], [], ls="", marker="s", ms=5, mfc="none", mec="0.4", mew=1.2, label="validation")]
    classes = [Patch(color=POINT_COLORS[c % len(POINT_COLORS)], label=f"class {c}")
               for c in range(int(np.max(y)) + 1)]
    return shapes + classes


def _set_points(scatter, X, y, validation=False):
    """Move a scatter's points to X and recolour them by y (for a new data set)."""
    scatter.set_offsets(X)
    if validation:
        scatter.set_edgecolors(class_colors(y))
    else:
        scatter.set_facecolors(class_colors(y))


def output_surface(out, shape):
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


def line_in_view(w, b, limits):
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
    net = check_net(net, n_inputs=2)
    if net.output not in ("sigmoid", "softmax"):
        raise ValueError(f"decision_boundary needs a classifier (sigmoid or softmax output), got "
                         f"output={net.output!r}. Build the network with output='sigmoid'.")
    X, y = as_points(X, y)
    if X_val is not None:
        X_val, y_val = as_points(X_val, y_val, "X_val", "y_val")
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
    art["train"] = scatter_points(ax, X, y)
    if X_val is not None:
        art["val"] = scatter_points(ax, X_val, y_val, validation=True)
        ax.legend(handles=point_legend_handles(np.concatenate([y, y_val])), loc="lower right",
                  fontsize=8, framealpha=0.8, ncol=2, handletextpad=0.3, columnspacing=0.8)
    ax.set_xlim(limits[:2])
    ax.set_ylim(limits[2:])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return update_decision_boundary(art, net)


@quiet
def update_decision_boundary(art, net, X=None, y=None, X_val=None, y_val=None):
    """Recompute the image and contours of ``decision_boundary`` for ``net``; returns ``art``.

    Pass X, y (and X_val, y_val) to also move the points to a new data set (the grid stays).
    """
    net = check_net(net, n_inputs=2)
    if X is not None:
        _set_points(art["train"], *as_points(X, y))
    if X_val is not None and art["val"] is not None:
        _set_points(art["val"], *as_points(X_val, y_val, "X_val", "y_val"), validation=True)
    xx, yy, points = art["grid"]
    image, values, borders = output_surface(net.forward(points), xx.shape)
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
    built from. A legend in the lower left says which colour is which unit. ``extent``: the view
    (xmin, xmax, ymin, ymax), used only when ``ax`` is new; otherwise the axes' own limits are
    kept. ``units``: which units to draw (default all).

    Returns {"ax", "lines": [Line2D per unit], "arrows": Quiver, "units"}.
    """
    net = check_net(net, n_inputs=2)
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
        line, = ax.plot([], [], color=color, lw=2.2, zorder=2.5, label=f"hidden unit {j}")
        art["lines"].append(line)
    ax.legend(handles=art["lines"], loc="lower left", fontsize=8, framealpha=0.85)
    zeros = np.zeros(len(units))
    art["arrows"] = ax.quiver(zeros, zeros, zeros, zeros, angles="xy", scale_units="xy", scale=1,
                              color=[UNIT_COLORS[j % len(UNIT_COLORS)] for j in units],
                              width=0.012, zorder=2.5)
    return update_hidden_unit_lines(art, net)


def update_hidden_unit_lines(art, net):
    """Move the lines and arrows to the first-layer weights of ``net``; returns ``art``."""
    net = check_net(net, n_inputs=2)
    if max(art["units"], default=-1) >= net.sizes[1]:
        raise ValueError(f"the lines were drawn for units {art['units']}, but net's first layer has "
                         f"only {net.sizes[1]} units (sizes {net.sizes}); draw them again with "
                         f"hidden_unit_lines(net).")
    W, b = net.dense[0].params["W"], net.dense[0].params["b"]
    limits = (*art["ax"].get_xlim(), *art["ax"].get_ylim())
    middles, arrows = [], []
    for line, j in zip(art["lines"], art["units"]):
        xs, ys, middle, arrow = line_in_view(W[j], b[j], limits)
        line.set_data(xs, ys)
        middles.append(middle)
        arrows.append(arrow)
    art["arrows"].set_offsets(np.nan_to_num(np.array(middles).reshape(-1, 2)))
    arrows = np.array(arrows).reshape(-1, 2)
    art["arrows"].set_UVC(arrows[:, 0], arrows[:, 1])
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
    # grey and orange: neither is a class colour of the point plots, so colour here means the split only
    art["train"], = ax.plot([], [], color="0.25", label="train")
    art["val"] = (ax.plot([], [], color="tab:orange", label="validation")[0]
                  if getattr(history, f"val_{metric}") else None)
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
        if art["metric"] == "loss":
            readable_log_ticks(art["ax"])
    return art


def readable_log_ticks(ax):
    """Label a log-scaled y-axis with plain numbers (0.02, 0.05, 0.1, ...) and no minor labels.

    Over at most three decades the ticks are 1, 2 and 5 times powers of 10; over more, powers of 10.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    low, high = ax.get_ylim()
    decades = np.log10(high / low) if low > 0 and high > low else np.inf
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if decades <= 3 else (1.0,)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
