"""Pictures of a classifier with many classes: its confusion matrix and its class regions.

- ``confusion_heatmap``: the confusion matrix (``nbtools.metrics``) as a grid of counts, true
  class down, predicted class across; the colour shows the counts off the diagonal (the
  mistakes), which a scale set by the large diagonal would leave white.
- ``class_regions``: a network with a 2-unit penultimate layer (a "bottleneck"): every sample
  drawn at its two activations a^(L-1), and behind them the class the output layer predicts at
  each point of that plane. The output layer is z = W a + b followed by softmax, so the border
  between two classes c and d is where z_c = z_d: a straight line. Notebook 05's penultimate-layer
  view, for ten classes at once. ``update_class_regions`` redraws it for new weights (a slider).

As in ``nbtools.plots``, each function takes ``ax=None`` (a new figure is made only then), draws,
and returns a dict of the artists it made.

Example
-------
>>> from nbtools import classplots, metrics
>>> C = metrics.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
>>> art = classplots.confusion_heatmap(C)
>>> [t.get_text() for t in art["counts"][:3]]
['1', '0', '0']
"""
import numpy as np
from matplotlib.colors import to_rgb

from ._checks import as_float_array, as_labels
from .plots import axes_or_new, check_net, quiet

CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",   # matplotlib's tab10
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def _class_color(c):
    return CLASS_COLORS[c % len(CLASS_COLORS)]


def confusion_heatmap(C, ax=None, labels=None):
    """Draw the (k, k) confusion matrix C with its count in every cell.

    Off the diagonal the colour runs from white (0) through pale red to dark red (the largest mistake count); the
    diagonal (the right answers) is drawn in grey. Returns {"ax", "image", "counts": Text list}.
    """
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.dtype.kind not in "iu" or C.min() < 0:
        raise ValueError(f"C must be a square matrix of counts (integers >= 0), as from "
                         f"metrics.confusion_matrix; got shape {C.shape}, dtype {C.dtype}.")
    k = len(C)
    labels = [str(i) for i in range(k)] if labels is None else [str(s) for s in labels]
    if len(labels) != k:
        raise ValueError(f"labels must name the {k} classes, got {len(labels)}.")
    ax = axes_or_new(ax, (4.5, 4.2))
    off = C.astype(float)
    np.fill_diagonal(off, np.nan)
    top = max(np.nanmax(off) if k > 1 else 0.0, 1.0)
    off[off == 0] = np.nan   # no mistake: left white
    image = ax.imshow(off, cmap="Reds", vmin=0, vmax=top * 1.25, interpolation="nearest")
    ax.imshow(np.where(np.eye(k) > 0, 1.0, np.nan), cmap="Greys", vmin=0, vmax=4,
              interpolation="nearest")
    counts = []
    for i in range(k):
        for j in range(k):
            dark = i != j and C[i, j] > 0.6 * top
            counts.append(ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=8,
                                  color="white" if dark else ("k" if C[i, j] else "0.7"),
                                  fontweight="bold" if i == j else "normal"))
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    return {"ax": ax, "image": image, "counts": counts}


def check_bottleneck(net):
    net = check_net(net)
    if net.sizes[-2] != 2 or net.output != "softmax":
        raise ValueError(f"class_regions needs a softmax network whose penultimate layer has 2 "
                         f"units (a bottleneck), e.g. sizes [64, 32, 2, 10]; got sizes {net.sizes}, "
                         f"output {net.output!r}.")
    return net


ROUND_STEPS = (1, 1.5, 2, 3, 4, 5, 6, 8, 10)


def _round_up(m):
    """The smallest round number >= m (m > 0): one of ``ROUND_STEPS`` times a power of 10."""
    power = 10.0 ** np.floor(np.log10(m))
    return next(k * power for k in ROUND_STEPS if k * power >= m * (1 - 1e-9))


@quiet
def class_regions(net, X, y, ax=None, resolution=150, labels=True, ticks=True):
    """Scatter X at its 2 penultimate activations (colour = true class) over the output layer's
    predicted class in that plane (pale colours). ``labels``: write each class's digit at the
    middle (median) of its points. ``ticks=False`` leaves the axes without ticks: the view may
    then change without redrawing the axes (a slider is faster); ``art["limits"]`` holds it.
    Returns {"ax", "image", "points", "labels", "X", "y", "limits"}."""
    net = check_bottleneck(net)
    X = as_float_array(X, "X", ndim=2)
    y = as_labels(y, "y", n=len(X), n_classes=net.sizes[-1])
    ax = axes_or_new(ax, (5, 4.5))
    art = {"ax": ax, "X": X, "y": y, "resolution": int(resolution), "limits": None}
    art["image"] = ax.imshow(np.ones((2, 2, 3)), origin="lower", extent=(0, 1, 0, 1), aspect="auto",
                             interpolation="nearest", zorder=0)
    art["points"] = ax.scatter(np.zeros(len(X)), np.zeros(len(X)), c=[_class_color(c) for c in y],
                               s=14, edgecolors="k", linewidths=0.25, zorder=2)
    art["labels"] = [ax.text(0, 0, str(c), ha="center", va="center", fontsize=11,
                             fontweight="bold", color=_class_color(c), zorder=3, visible=labels,
                             bbox=dict(facecolor="white", alpha=0.85, edgecolor=_class_color(c),
                                       boxstyle="round,pad=0.2"))
                     for c in range(net.sizes[-1])]
    ax.set_xlabel("$a_0$ (bottleneck unit 0)")
    ax.set_ylabel("$a_1$ (bottleneck unit 1)")
    if not ticks:
        ax.set_xticks([])
        ax.set_yticks([])
    return update_class_regions(art, net)


@quiet
def update_class_regions(art, net):
    """Redraw ``class_regions`` for the current weights of ``net``; returns ``art``.

    The view is a square [-m, m]^2 around the points (99.5% of them), m a round number (1, 1.5, 2,
    3, ... times a power of 10), so it changes only when the points cross such a step.
    """
    net = check_bottleneck(net)
    ax, y = art["ax"], art["y"]
    net.forward(art["X"])
    H = net.a[-2].copy()
    art["points"].set_offsets(H)
    finite = H[np.all(np.isfinite(H), axis=1)]
    m = _round_up(max(np.percentile(np.abs(finite), 99.5), 1e-3)) if len(finite) else 1.0
    limits = (-m, m, -m, m)
    if limits != art["limits"]:
        art["limits"] = limits
        ax.set_xlim(-m, m)
        ax.set_ylim(-m, m)
    r = art["resolution"]
    ticks = np.linspace(-m, m, r)
    grid = np.column_stack([np.tile(ticks, r), np.repeat(ticks, r)])   # row by row, y slowest
    dense = net.dense[-1]
    z = grid @ dense.params["W"].T + dense.params["b"]
    predicted = np.argmax(z, axis=1).reshape(r, r)
    pale = np.array([0.35 * np.array(to_rgb(c)) + 0.65 for c in CLASS_COLORS])
    art["image"].set_data(pale[predicted % len(CLASS_COLORS)])
    art["image"].set_extent(limits)
    for c, text in enumerate(art["labels"]):
        mine = finite[y[np.all(np.isfinite(H), axis=1)] == c]
        if len(mine):
            text.set_position(np.median(mine, axis=0))
    return art
