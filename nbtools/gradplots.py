"""Pictures of gradient statistics, layer by layer, and of the loss surface of a linear model.

Each function takes ``ax=None``, returns a dict of artists and has an ``update_...`` function that
changes them in place, so a slider redraws without rebuilding the figure:

- ``activation_functions``: each activation sigma(z) beside its derivative sigma'(z);
- ``stats_by_layer``: a statistic of ``gradstats.layer_stats`` against the layer number;
- ``grad_norm_history``: every layer's gradient norm over training (``fit``'s history or a
  ``gradstats.Recorder``);
- ``activation_histograms``: a histogram of every layer's activations, stacked;
- ``loss_surface``: the contours of a least-squares loss over two weights and the path of
  gradient descent across them (how the scale of the inputs slows it down).

Numbers that shrink or grow by a factor per layer are drawn on log axes. The measurements are in
``gradstats``, the sliders in ``explore_gradients``.

>>> from nbtools import blocks, data, gradstats
>>> X, y = data.moons(n=256, seed=0)
>>> stats = gradstats.layer_stats(blocks.deep_net(10, 32, "sigmoid", seed=0), X, y)
>>> art = stats_by_layer(stats, keys=("grad_W", "delta"))          # doctest: +SKIP
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from ._checks import as_float_array, check_choice, check_number
from .gradstats import LABELS
from .layers import ACTIVATIONS, Activation
from .least_squares import LeastSquares
from .plots import axes_or_new
from .walks import gradient_descent_path

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")  # the activations the pictures compare


def _positive(values):
    """Values for a log axis: zeros, negatives, NaN and inf become NaN (not drawn)."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(v) & (v > 0), v, np.nan)


def _log_y(ax):
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(numticks=6))  # few ticks: a log axis is slow to draw
    ax.yaxis.set_minor_locator(NullLocator())


def _log_limits(ax, values, decades=2):
    """Fit the y-limits of a log axis to the finite positive ``values``, in whole decades, at least
    ``decades`` tall. Whole decades change rarely, so a slider move seldom redraws the axes."""
    v = _positive(values)
    v = v[np.isfinite(v)]
    if v.size == 0:
        ax.set_ylim(1e-3, 1e1)
        return
    lo, hi = np.floor(np.log10(v.min())), np.ceil(np.log10(v.max()))
    if hi - lo < decades:
        lo = hi - decades
    ax.set_ylim(10.0**lo, 10.0**hi)


def _nice_range(lo, hi):
    """A round interval around [lo, hi]: [0, m] or [-m, m] with m = 1, 2 or 5 times a power of 10."""
    m = max(abs(lo), abs(hi)) or 1.0
    power = 10.0 ** np.floor(np.log10(m))
    m = next(k * power for k in (1, 2, 5, 10) if k * power >= m * (1 - 1e-9))
    return (0.0 if lo >= 0 else -m), m


def _layer_colors(n):
    return plt.get_cmap("viridis")(np.linspace(0.0, 0.9, max(n, 1)))


def activation_functions(names=ACTIVATION_NAMES, ax=None, alpha=0.1, z_max=5.0):
    """Each activation sigma(z) (left) beside its derivative sigma'(z) (right), for |z| <= z_max.

    ``names``: activations of ``nbtools.layers.ACTIVATIONS``; ``alpha``: the leaky ReLU's slope for
    z < 0; ``ax``: a pair of axes (a new figure when None). Values come from the layers' own
    ``forward`` and derivative ``df``. The dotted line marks sigma'(z) = 1/4, the sigmoid's
    largest slope. A derivative that jumps at z = 0 (ReLU, leaky ReLU) is drawn as two pieces with
    no line between them: a filled dot marks the value the layer's ``df`` takes at 0, an open dot
    the other side's limit (at the corner itself there is no derivative; notebook 04).
    Returns {"lines": {name: Line2D}, "derivatives": {name: Line2D},
    "jumps": {name: (filled Line2D, open Line2D)}, "ax": (ax1, ax2)}.
    """
    names = [check_choice(n, "activation", ACTIVATIONS) for n in names]
    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(9, 3.4))
    ax_f, ax_d = ax
    z = np.linspace(-check_number(z_max, "z_max", low=0.0, low_open=True), z_max, 401)
    art = {"ax": (ax_f, ax_d), "z": z, "lines": {}, "derivatives": {}, "jumps": {}}
    for i, name in enumerate(names):
        style = {"color": f"C{i}", "lw": 2, "ls": "--" if name == "leaky_relu" else "-", "label": name}
        art["lines"][name], = ax_f.plot(z, z, **style)
        art["derivatives"][name], = ax_d.plot(z, z, **style)
        # open dots below the filled ones and larger, each curve's a little larger and lower than
        # the one before, so that open dots at the same place show as rings around each other
        art["jumps"][name] = (ax_d.plot([], [], "o", color=f"C{i}", ms=5, zorder=4)[0],
                              ax_d.plot([], [], "o", color=f"C{i}", mfc="white", mew=1.5,
                                        ms=6 + 3 * i, zorder=3.5 - 0.1 * i)[0])
    ax_d.axhline(0.25, color="k", ls=":", lw=1)
    ax_d.annotate("1/4, the sigmoid's\nlargest slope", (z[-1], 0.25), xytext=(0, 4), ha="right",
                  textcoords="offset points", fontsize=8)
    ax_f.set(xlabel="z", ylabel="a = σ(z)", title="activation functions", ylim=(-1.5, 2.5))
    ax_d.set(xlabel="z", ylabel="σ'(z)", title="their derivatives", ylim=(-0.1, 1.15))
    for a in (ax_f, ax_d):
        a.axhline(0, color="0.7", lw=0.8, zorder=0)
        a.axvline(0, color="0.7", lw=0.8, zorder=0)
    ax_f.legend(fontsize=8, loc="upper left")
    return update_activation_functions(art, alpha)


def update_activation_functions(art, alpha=0.1):
    """Redraw every curve, the leaky ReLU with slope ``alpha`` for z < 0 (0 <= alpha <= 1)."""
    alpha = check_number(alpha, "alpha", low=0.0, high=1.0)
    z = art["z"].reshape(1, -1)
    for name, line in art["lines"].items():
        act = ACTIVATIONS[name](alpha) if name == "leaky_relu" else ACTIVATIONS[name]()
        line.set_ydata(act.forward(z)[0])
        if isinstance(act, Activation):
            _draw_derivative(art, name, act, z[0], act.df()[0])
    return art


def _draw_derivative(art, name, act, z, slope, tiny=1e-9):
    """Draw ``slope`` = sigma'(z) on its line; if it jumps at z = 0, as two pieces with dots there.

    The filled dot is the value ``act.df()`` gives at z = 0 exactly, the open dot the limit from
    the side that does not take it. The pieces end at z = 0, with no segment joining them.
    """
    act.forward(np.array([[-tiny, 0.0, tiny]]))
    left, at, right = act.df()[0]
    filled, hollow = art["jumps"][name]
    if abs(right - left) < 1e-6:
        art["derivatives"][name].set_data(z, slope)
        filled.set_data([], [])
        hollow.set_data([], [])
        return
    neg, pos = z < 0, z > 0
    art["derivatives"][name].set_data(np.r_[z[neg], 0.0, np.nan, 0.0, z[pos]],
                                      np.r_[slope[neg], left, np.nan, right, slope[pos]])
    filled.set_data([0.0], [at])
    others = [v for v in (left, right) if abs(v - at) > 1e-12]
    hollow.set_data([0.0] * len(others), others)


def stats_by_layer(stats, keys=("grad_W", "delta"), ax=None, label=None, log=True, color=None):
    """One statistic of ``layer_stats`` against the layer number, a line per key.

    ``keys``: names from ``LABELS``; the first is drawn solid with dots, the next dashed, dotted...
    all in one colour (``color``, else the next of the axes' cycle), so a second call on the same
    ``ax`` (another network, labelled ``label``) is told apart by colour. ``log``: log y-axis, the
    natural scale for numbers that shrink or grow by a factor per layer. Returns {"lines": [...]}.
    """
    if isinstance(keys, str):
        keys = (keys,)
    for key in keys:
        if key not in LABELS:
            raise ValueError(f"keys must be names from {sorted(LABELS)}, got {key!r}.")
    ax = axes_or_new(ax, (4.5, 3.5))
    art = {"ax": ax, "keys": tuple(keys), "log": bool(log), "lines": []}
    styles = ["-o", "--s", ":^", "-.v"]
    for i, key in enumerate(keys):
        text = LABELS[key] if label is None else label if len(keys) == 1 else f"{label}: {LABELS[key]}"
        line, = ax.plot([], [], styles[i % 4], ms=4, lw=1.6, label=text, color=color)
        color = line.get_color()
        art["lines"].append(line)
    if log:
        _log_y(ax)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    ax.set_xlabel("layer l (1 = first hidden layer)")
    ax.set_ylabel(LABELS[keys[0]] if len(keys) == 1 else "norm")
    ax.legend(fontsize=8)
    return update_stats_by_layer(art, stats)


def _check_stats(stats, keys):
    if not isinstance(stats, dict) or "layer" not in stats:
        raise TypeError(f"stats must be the dict returned by layer_stats(net, X, y), got {type(stats).__name__}.")
    missing = [k for k in keys if k not in stats]
    if missing:
        raise ValueError(f"stats has no {missing}; it must come from layer_stats(net, X, y).")


def update_stats_by_layer(art, stats):
    """Show new ``stats`` (e.g. of a deeper network) on the same lines and rescale the axes."""
    _check_stats(stats, art["keys"])
    ax = art["ax"]
    for line, key in zip(art["lines"], art["keys"]):
        v = _positive(stats[key]) if art["log"] else np.asarray(stats[key], dtype=float)
        line.set_data(stats["layer"], v)
    if art["log"]:  # fit every line on these axes, also those of other calls
        _log_limits(ax, np.concatenate([line.get_ydata() for line in ax.get_lines()]))
    else:
        ax.relim()
        ax.autoscale_view()
    layers = max(len(line.get_xdata()) for line in ax.get_lines())
    ax.set_xlim(0.5, layers + 0.5)
    return art


def grad_norm_history(norms, ax=None, steps=None, ylabel="‖dL/dW‖"):
    """Gradient norm of every layer over training, on a log scale: one line per layer.

    ``norms``: array (records, L), e.g. ``history.grad_norms`` from ``fit`` (one row per step) or
    ``recorder.series("grad_W")`` (one row per recorded epoch); ``steps``: the x values (default
    0, 1, ...). Colours run from dark (layer 1) to yellow (layer L). Zero or non-finite norms
    are not drawn. The lowest line is the layer that learns slowest: with plain SGD a weight moves
    by lr * gradient. Returns {"lines": [Line2D per layer], "ax"}.
    """
    ax = axes_or_new(ax, (4.5, 3.5))
    art = {"ax": ax, "lines": [], "ylabel": ylabel}
    _log_y(ax)
    ax.set_ylabel(ylabel)
    return update_grad_norm_history(art, norms, steps)


def update_grad_norm_history(art, norms, steps=None):
    """Show new ``norms`` (records, L); lines are added or hidden when L changes."""
    norms = as_float_array(norms, "norms", ndim=2, allow_nonfinite=True)
    ax, (n, L) = art["ax"], norms.shape
    x = np.arange(n) if steps is None else as_float_array(steps, "steps", ndim=1)
    if len(x) != n:
        raise ValueError(f"steps has {len(x)} values but norms has {n} rows; give one x per row.")
    while len(art["lines"]) < L:
        art["lines"].append(ax.plot([], [], lw=1.3)[0])
    colors = _layer_colors(L)
    for l, line in enumerate(art["lines"]):
        line.set_visible(l < L)
        if l < L:
            line.set_data(x, _positive(norms[:, l]))
            line.set_color(colors[l])
            line.set_label(f"layer {l + 1}")
    ax.legend(handles=[art["lines"][0], art["lines"][L - 1]] if L > 1 else art["lines"][:1],
              fontsize=8, loc="best")
    _log_limits(ax, norms)
    ax.set_xlim(x[0] if n else 0, max(x[-1], 1) if n else 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    return art


def activation_histograms(activations, ax=None, bins=40):
    """A histogram of every layer's activations, stacked: layer 1 at the bottom, layer L on top.

    ``activations``: a list of arrays, e.g. ``stats["activations"]`` from ``layer_stats``. All
    layers share one value axis (a round interval around all values). Each histogram is scaled to
    the same height, with heights proportional to the square root of the counts, so that small bins
    stay visible next to the spike of a ReLU's zeros. A layer whose values all sit at 0 (vanished) or at +-1 (saturated
    tanh) shows as one spike. The number at the right is the layer's standard deviation.
    Returns {"lines", "texts", "ax"}.
    """
    ax = axes_or_new(ax, (4.5, 3.5))
    bins = check_number(bins, "bins", low=2, integer=True)
    art = {"ax": ax, "bins": bins, "lines": [], "texts": []}
    ax.set_xlabel("activation value a")
    ax.set_ylabel("layer")
    ax.text(1.02, 1.0, "  std", transform=ax.transAxes, fontsize=8.5, va="bottom", family="monospace")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    return update_activation_histograms(art, activations)


def update_activation_histograms(art, activations):
    """Redraw the histograms for new ``activations``; lines are added or hidden as needed."""
    if not isinstance(activations, (list, tuple)) or not activations:
        raise TypeError("activations must be a non-empty list of arrays, e.g. layer_stats(...)['activations'].")
    ax, L = art["ax"], len(activations)
    values = [np.asarray(a, dtype=np.float64).ravel() for a in activations]
    values = [v[np.isfinite(v)] for v in values]
    finite = np.concatenate(values)
    lo, hi = _nice_range(finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
    edges = np.linspace(lo, hi, art["bins"] + 1)
    while len(art["lines"]) < L:
        art["lines"].append(ax.plot([], [], drawstyle="steps-mid", lw=1.4)[0])
        art["texts"].append(ax.text(1.02, 0, "", transform=ax.get_yaxis_transform(), fontsize=8.5,
                                    va="center", family="monospace"))
    colors = _layer_colors(L)
    for l, (line, text) in enumerate(zip(art["lines"], art["texts"])):
        line.set_visible(l < L)
        text.set_visible(l < L)
        if l >= L:
            continue
        counts = np.histogram(values[l], edges)[0].astype(float)
        height = 0.85 * np.sqrt(counts / max(counts.max(), 1.0))
        line.set_data(np.r_[lo, (edges[:-1] + edges[1:]) / 2, hi], np.r_[0, height, 0] + l + 1)
        line.set_color(colors[l])
        text.set_position((1.02, l + 1))
        text.set_text(f"{np.std(values[l]):.1e}" if values[l].size else "  inf  ")
    ax.set_xlim(lo, hi)
    ax.set_ylim(0.7, L + 1)
    return art


# ---- input scale and the loss surface ------------------------------------------------------------

def loss_surface(X, y, ax=None, steps=100, resolution=80):
    """Contours of a linear model's loss L(w1, w2) and the path of gradient descent across them.

    X (n, 2) the inputs, y (n,) the targets of L(w) = (1/2n)||X w - y||^2 (the surface
    ``least_squares.LeastSquares(X, y)``; the path is ``walks.gradient_descent_path``). Round contours: every
    direction is equally steep and gradient descent walks straight to the minimum (the star).
    Long thin ellipses (features on very different scales): the step size must suit the steep
    direction, so progress along the flat one crawls. Returns {"path", "star", "contours", "ax"}.
    """
    ax = axes_or_new(ax, (4.5, 4.2))
    art = {"ax": ax, "steps": check_number(steps, "steps", low=1, integer=True),
           "resolution": check_number(resolution, "resolution", low=10, integer=True), "contours": None}
    art["path"], = ax.plot([], [], ".-", color="C3", ms=4, lw=1, label="gradient descent")
    art["star"], = ax.plot([], [], "*", color="k", ms=12, label="minimum w*")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(fontsize=8, loc="lower right")
    return update_loss_surface(art, X, y)


def update_loss_surface(art, X, y):
    """Redraw contours and path for new data (X, y); the title gives the steps and condition number."""
    surface = LeastSquares(X, y)
    path, w_star, reached, cond = gradient_descent_path(surface.X, surface.y, art["steps"])
    ax = art["ax"]
    span = 1.3 * max(np.abs(w_star).max(), 1e-12)
    g = np.linspace(-span, span, art["resolution"])
    W1, W2 = np.meshgrid(w_star[0] + g, w_star[1] + g)
    excess = surface.f_grid(W1, W2) - surface.f_min
    if art["contours"] is not None:
        art["contours"].remove()
    levels = np.geomspace(max(excess.max(), 1e-12) * 1e-4, max(excess.max(), 1e-12), 9)
    art["contours"] = ax.contour(W1, W2, excess, levels=levels, cmap="Blues_r", linewidths=0.9)
    art["path"].set_data(path[:, 0], path[:, 1])
    art["star"].set_data([w_star[0]], [w_star[1]])
    ax.set_xlim(W1.min(), W1.max())
    ax.set_ylim(W2.min(), W2.max())
    done = f"{reached} steps" if reached is not None else f"not within {art['steps']} steps"
    ax.set_title(f"condition number {cond:.3g}: {done} to w*", fontsize=10)
    art.update(reached=reached, condition=cond)
    return art
