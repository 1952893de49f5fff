"""Gradient flow: how big the activations and gradients are, layer by layer.

Backpropagation multiplies the gradient by one factor per layer, W^T and the activation's
derivative sigma'(z). Over many layers such a product shrinks towards 0 (vanishing gradients: the
first layers barely learn) or grows without bound (exploding gradients). This module measures it:

- ``layer_stats(net, X, y)``: one forward and backward pass, and per Dense layer the gradient norms
  ||dL/dW|| and ||delta|| = ||dL/dz||, the activations' mean and spread, the fraction of saturated
  units (sigmoid, tanh) and of dead units (ReLU); ``hidden_layers(stats)`` drops the output layer;
- ``Recorder``: the same numbers during training, as ``fit(..., callback=Recorder(X, y))``;
- plots, each taking ``ax=None``, returning a dict of artists and having an ``update_...``
  function that changes them in place: ``activation_functions``, ``stats_by_layer``,
  ``grad_norm_history``, ``activation_histograms``, ``loss_surface``;
- explorers for the sliders of notebooks 06 and 07, each returning ``(fig, update, controls)``
  (``live_figure(fig, update, **controls)`` shows them): ``depth_explorer``, ``init_explorer``,
  ``scale_explorer``.

Example::

    >>> from nbtools import blocks, data, gradflow
    >>> X, y = data.moons(n=256, seed=0)
    >>> net = blocks.deep_net(depth=10, width=32, activation="sigmoid", seed=0)
    >>> stats = gradflow.layer_stats(net, X, y)
    >>> stats["grad_W"].shape             # one norm per Dense layer, 10 hidden + 1 output
    (11,)
"""
import warnings

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from . import init as initializers
from ._checks import as_float_array, axes_or_new, check_choice, check_number
from .blocks import backward_through, deep_net
from .layers import ACTIVATIONS, Activation, Sigmoid, Tanh
from .training import DivergenceWarning, _fused, fit, loss_for

LABELS = {
    "grad_W": "‖dL/dW‖",
    "grad_b": "‖dL/db‖",
    "delta": "‖δ‖ = ‖dL/dz‖",
    "z_std": "std of z",
    "a_mean": "mean of a",
    "a_std": "std of a",
    "saturated": "fraction saturated",
    "dead": "fraction dead",
}
# The initializations the sliders offer: label -> a name or function for nbtools.init.get_init.
INIT_CHOICES = {
    "xavier": "xavier_normal",
    "he": "he_normal",
    "small": initializers.normal(0.01),
    "large": initializers.normal(1.0),
}
EXPLORER_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
DPI = 80  # resolution of the explorers' figures: fewer pixels to draw and compress per slider move


# ---- measuring ------------------------------------------------------------------------------

def _saturated(act):
    """Fraction of the entries of a = act(z) on the flat parts of a sigmoid or tanh; else NaN."""
    if isinstance(act, Tanh):
        return float(np.mean(np.abs(act.a) > 0.99))
    if isinstance(act, Sigmoid):
        return float(np.mean((act.a < 0.01) | (act.a > 0.99)))
    return np.nan


def _dead(act):
    """Fraction of units whose derivative sigma'(z) is 0 on every sample: they get no gradient."""
    if not isinstance(act, Activation):
        return np.nan
    return float(np.mean(np.all(act.df() == 0, axis=0)))


def layer_stats(net, X, y, loss=None):
    """Run one forward and backward pass of (X, y) and measure every layer.

    ``net``: an ``nn.MLP`` or ``blocks.Sequential``; X (n, sizes[0]); y the targets ``fit`` takes.
    ``loss``: default, the one that goes with the output (see ``training.default_loss``).

    Returns a dict of arrays of length L (one entry per Dense layer l = 1..L, the output layer last):

    - ``grad_W``, ``grad_b``: ||dL/dW^(l)||, ||dL/db^(l)|| (Frobenius norms, sqrt of sum of squares);
    - ``delta``: ||dL/dz^(l)||, the norm of the (n, n_l) matrix of the layer's deltas;
    - ``z_std``: the standard deviation of the layer's pre-activations z, over samples and units;
    - ``a_mean``, ``a_std``: mean and standard deviation of the activation a = sigma(...) right
      after layer l, over all samples and units;
    - ``saturated``: fraction of those entries with |a| > 0.99 (tanh) or a < 0.01 or a > 0.99
      (sigmoid), where sigma' is nearly 0; NaN for other activations;
    - ``dead``: fraction of units with sigma'(z) = 0 on every sample (a ReLU with z <= 0 on all
      of X), which no gradient can revive; 0 for leaky ReLU, sigmoid and tanh;

    and ``layer`` (1..L), ``loss`` (a number) and ``activations`` (the L activation arrays).
    The network's ``gradients()`` afterwards hold the gradients of this pass. Overflow gives
    infinite or NaN entries instead of warnings: that *is* the measurement.
    """
    if not all(hasattr(net, name) for name in ("forward", "layers", "dense", "activations")):
        raise TypeError(f"net must be a network such as nn.MLP or blocks.Sequential, got {type(net).__name__}.")
    loss = loss_for(net, loss)
    X = as_float_array(X, "X", ndim=2)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        out = net.forward(X)
        fused = _fused(net, loss)
        value, grad = loss.value_and_grad(net.z[-1] if fused else out, loss.targets(y, out), fused)
        net.zero_grad()
        deltas = []
        backward_through(net.layers[:-1] if fused else net.layers, grad, deltas)
        deltas.reverse()
        acts = [z if act is None else act.a for act, z in zip(net.activations, net.z)]
        stats = {
            "layer": np.arange(1, len(net.dense) + 1),
            "grad_W": np.array([np.linalg.norm(d.grads["W"]) for d in net.dense]),
            "grad_b": np.array([np.linalg.norm(d.grads["b"]) for d in net.dense]),
            "delta": np.array([np.linalg.norm(g) for g in deltas]),
            "z_std": np.array([np.std(z) for z in net.z]),
            "a_mean": np.array([np.mean(a) for a in acts]),
            "a_std": np.array([np.std(a) for a in acts]),
            "saturated": np.array([_saturated(act) for act in net.activations]),
            "dead": np.array([_dead(act) for act in net.activations]),
        }
    stats["loss"], stats["activations"] = float(value), acts
    return stats


def hidden_layers(stats):
    """``stats`` of ``layer_stats`` without the output layer, whose activation (a sigmoid or
    softmax giving the prediction) is not a hidden one: for plots of the hidden layers alone."""
    return {k: (v[:-1] if isinstance(v, (np.ndarray, list)) else v) for k, v in stats.items()}


class Recorder:
    """Measure ``layer_stats(net, X, y)`` during training: ``fit(net, ..., callback=Recorder(X, y))``.

    ``fit`` calls it at epoch 0 (before training) and after every epoch; it measures every
    ``every``-th epoch on the fixed data (X, y), so the numbers of different epochs compare.
    ``epochs`` lists the epochs measured, ``stats`` their dicts, and ``series(key)`` returns one
    statistic as an array (records, L): row r is epoch ``epochs[r]``, column l is layer l + 1.
    (Batch normalization layers update their running averages during this measurement too.)
    """

    def __init__(self, X, y, loss=None, every=1):
        self.X, self.y, self.loss = as_float_array(X, "X", ndim=2), y, loss
        self.every = check_number(every, "every", low=1, integer=True)
        self.epochs, self.stats = [], []

    def __call__(self, epoch, net, history=None):
        if epoch % self.every == 0:
            self.epochs.append(epoch)
            stats = layer_stats(net, self.X, self.y, self.loss)
            stats.pop("activations")  # keep the numbers, not every activation array
            self.stats.append(stats)

    def series(self, key):
        if key not in LABELS and key != "loss":
            raise ValueError(f"key must be one of {sorted(LABELS) + ['loss']}, got {key!r}.")
        if not self.stats:
            raise RuntimeError("Nothing recorded yet: pass the recorder to fit(..., callback=recorder).")
        return np.array([s[key] for s in self.stats])

    def __repr__(self):
        return f"Recorder(every={self.every}, epochs recorded={len(self.epochs)})"


# ---- plots ----------------------------------------------------------------------------------


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


def activation_functions(names=EXPLORER_ACTIVATIONS, ax=None, alpha=0.1, z_max=5.0):
    """Each activation sigma(z) (left) beside its derivative sigma'(z) (right), for |z| <= z_max.

    ``names``: activations of ``nbtools.layers.ACTIVATIONS``; ``alpha``: the leaky ReLU's slope for
    z < 0; ``ax``: a pair of axes (a new figure when None). Values come from the layers' own
    ``forward`` and derivative ``df``. The dotted line marks sigma'(z) = 1/4, the sigmoid's
    largest slope. Returns {"lines": {name: Line2D}, "derivatives": {name: Line2D}, "ax": (ax1, ax2)}.
    """
    names = [check_choice(n, "activation", ACTIVATIONS) for n in names]
    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(9, 3.4))
    ax_f, ax_d = ax
    z = np.linspace(-check_number(z_max, "z_max", low=0.0, low_open=True), z_max, 401)
    art = {"ax": (ax_f, ax_d), "z": z, "lines": {}, "derivatives": {}}
    for i, name in enumerate(names):
        style = {"color": f"C{i}", "lw": 2, "ls": "--" if name == "leaky_relu" else "-", "label": name}
        art["lines"][name], = ax_f.plot(z, z, **style)
        art["derivatives"][name], = ax_d.plot(z, z, **style)
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
            art["derivatives"][name].set_ydata(act.df()[0])
    return art


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
    ax.text(1.02, 1.0, "  std", transform=ax.transAxes, fontsize=7, va="bottom", family="monospace")
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
        art["texts"].append(ax.text(1.02, 0, "", transform=ax.get_yaxis_transform(), fontsize=7,
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

def _linear_loss(X, y, W):
    """L(w) = (1/2n) ||X w - y||^2 for every column w of W (2, k): returns shape (k,)."""
    return 0.5 * np.mean((X @ W - y[:, None]) ** 2, axis=0)


def gradient_descent_path(X, y, steps=100, tol=1e-2):
    """Gradient descent on the least-squares loss L(w) = (1/2n)||X w - y||^2 of a linear model.

    Starts at w = 0 with the learning rate 1 / lambda_max, where lambda_max is the largest
    eigenvalue of the Hessian H = X^T X / n: a step that suits the steepest direction (above
    2 / lambda_max, gradient descent diverges along it). Returns (path (steps + 1, d), w* the minimum, steps until ||w - w*|| <= tol ||w*||
    (None if not within ``steps``), the condition number lambda_max / lambda_min of H).
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if len(y) != len(X):
        raise ValueError(f"y has {len(y)} values but X has {len(X)} rows; give one target per row.")
    steps = check_number(steps, "steps", low=0, integer=True)
    tol = check_number(tol, "tol", low=0.0)
    H = X.T @ X / len(X)
    eig = np.linalg.eigvalsh(H)
    if eig[0] <= 0:
        raise ValueError("X's columns are linearly dependent (X^T X is singular); the minimum is not unique.")
    w_star = np.linalg.solve(H, X.T @ y / len(X))
    lr, w, path, reached = 1.0 / eig[-1], np.zeros(X.shape[1]), [], None
    for step in range(steps + 1):
        path.append(w.copy())
        if reached is None and np.linalg.norm(w - w_star) <= tol * np.linalg.norm(w_star):
            reached = step
        w = w - lr * (H @ w - X.T @ y / len(X))
    return np.array(path), w_star, reached, float(eig[-1] / eig[0])


def loss_surface(X, y, ax=None, steps=100, resolution=80):
    """Contours of a linear model's loss L(w1, w2) and the path of gradient descent across them.

    X (n, 2) the inputs, y (n,) the targets of L(w) = (1/2n)||X w - y||^2. Round contours: every
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
    if np.ndim(X) == 2 and np.shape(X)[1] != 2:
        raise ValueError(f"X must have 2 columns, one per weight of the picture (w1, w2), got "
                         f"shape {np.shape(X)}.")
    path, w_star, reached, cond = gradient_descent_path(X, y, art["steps"])
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    ax = art["ax"]
    span = 1.3 * max(np.abs(w_star).max(), 1e-12)
    g = np.linspace(-span, span, art["resolution"])
    W1, W2 = np.meshgrid(w_star[0] + g, w_star[1] + g)
    L = _linear_loss(X, y, np.vstack([W1.ravel(), W2.ravel()])).reshape(W1.shape)
    excess = L - _linear_loss(X, y, w_star[:, None])[0]
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


# ---- explorers ------------------------------------------------------------------------------------

def _quietly(function, *args, **kwargs):
    """Call ``function`` with divergence and overflow warnings silenced: a slider's figure
    reports them (a "diverged" title, lines that stop) instead of a warning under the cell."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*args, **kwargs)


def depth_explorer(X, y, depth=10, activation="sigmoid", init="xavier", width=32, epochs=8,
                   lr=0.5, batch_size=32, seed=0):
    """Sliders for depth, activation and initialization; gradient norms layer by layer (notebook 06).

    For a ``deep_net(depth, width, activation, init)`` on (X, y): left, ||dL/dW|| and ||delta||
    per layer at initialization; middle, ||dL/dW|| of every layer at every step of a short run of
    plain SGD (``epochs``, ``lr``, ``batch_size``); right, the histograms of every layer's
    activations at initialization. ``init`` is a key of ``INIT_CHOICES``.

    Returns ``(fig, update, controls)``; ``update(depth, activation, init)`` returns a dict with
    the ``net``, its ``stats`` at initialization, the training ``history``, the artists
    (``by_layer``, ``history_lines``, ``histograms``) and ``ratio`` = ||dL/dW^(1)|| / ||dL/dW^(L)||.
    """
    X = as_float_array(X, "X", ndim=2)
    width = check_number(width, "width", low=1, integer=True)
    epochs = check_number(epochs, "epochs", low=1, integer=True)
    lr = check_number(lr, "lr", low=0.0, low_open=True)
    # the controls cannot show other values (a slider would silently clamp them): check first
    depth = check_number(depth, "depth", low=1, high=16, integer=True)
    activation = check_choice(activation, "activation", EXPLORER_ACTIVATIONS)
    init = check_choice(init, "init", INIT_CHOICES)
    fig, (ax_l, ax_t, ax_h) = plt.subplots(1, 3, figsize=(12.5, 3.7), dpi=DPI)
    art = {"by_layer": stats_by_layer(_empty_stats(), ax=ax_l),
           "history_lines": grad_norm_history(np.ones((1, 1)), ax=ax_t, ylabel="‖dL/dW‖ per layer"),
           "histograms": activation_histograms([np.zeros(1)], ax=ax_h)}
    ax_l.set_title("at initialization", fontsize=10)
    ax_t.set_xlabel(f"SGD step (lr {lr:g}, batch {batch_size})")
    ax_h.set_title("activations at initialization", fontsize=10)

    def update(depth, activation, init):
        net = deep_net(depth, width, activation, INIT_CHOICES.get(init, init), n_in=X.shape[1],
                       seed=seed)
        stats = _quietly(layer_stats, net, X, y)
        history = _quietly(fit, net, X, y, optimizer="sgd", lr=lr, epochs=epochs,
                           batch_size=batch_size, seed=seed, progress=False)
        update_stats_by_layer(art["by_layer"], stats)
        norms = history.grad_norms
        update_grad_norm_history(art["history_lines"], norms, steps=np.arange(1, len(norms) + 1))
        update_activation_histograms(art["histograms"], stats["activations"][:-1])
        ratio = stats["grad_W"][0] / stats["grad_W"][-1]
        ax_t.set_title(_training_summary(history), fontsize=10)
        fig.suptitle(f"{activation}, {depth} hidden layers of {width}, init {init}:   "
                     f"‖dL/dW‖ of layer 1 / of layer {depth + 1} = {ratio:.2g}", fontsize=11)
        art.update(net=net, stats=stats, history=history, ratio=ratio)
        return art

    update(depth, activation, init)
    fig.tight_layout()
    controls = {
        "depth": ipywidgets.IntSlider(value=depth, min=1, max=16, description="depth",
                                      continuous_update=False),
        "activation": ipywidgets.Dropdown(options=list(EXPLORER_ACTIVATIONS), value=activation,
                                          description="activation"),
        "init": ipywidgets.Dropdown(options=list(INIT_CHOICES), value=init, description="init"),
    }
    return fig, update, controls


def _training_summary(history):
    """A title for a short training run: how the loss moved, or where it went wrong."""
    norms = history.grad_norms
    if history.diverged:
        return f"diverged at step {len(norms)}: loss {history.step_loss[-1]:.2g}"
    silent = np.all(norms == 0, axis=1)
    if len(norms) and silent[-1]:
        alive = np.flatnonzero(~silent)            # rows with some gradient; row i is step i + 1
        start = alive[-1] + 2 if alive.size else 1
        return f"all gradients exactly 0 from step {start}: dead units"
    return f"during training (loss {history.train_loss[0]:.3f} → {history.train_loss[-1]:.3f})"


def _empty_stats(L=1):
    return {k: np.ones(L) for k in LABELS} | {"layer": np.arange(1, L + 1)}


def init_explorer(std=0.1, depth=10, width=32, activation="tanh", n=256, seed=0):
    """Sliders for the weights' standard deviation, depth and width; spread per layer (notebook 07).

    Every weight of a ``deep_net(depth, width, activation)`` is drawn from N(0, std^2); its
    inputs are n random points with ``width`` features of variance 1 (and random 0/1 labels), so
    every layer, the first included, receives ``width`` inputs. Left: the spread (standard
    deviation) of every layer's pre-activations z and activations a; middle: ||delta|| =
    ||dL/dz|| per layer; right: the activation histograms. The title gives the std that Xavier
    (sqrt(2 / (width + width))) and He (sqrt(2 / width)) pick for this width.

    Returns ``(fig, update, controls)``; ``update(std, depth, width, activation)`` returns a dict
    with ``net``, ``stats`` and the artists ``spread``, ``deltas`` and ``histograms``.
    """
    n = check_number(n, "n", low=2, integer=True)
    seed = check_number(seed, "seed", low=0, integer=True)   # the same numbers on every move
    # the controls cannot show other values (a slider would silently clamp them): check first
    check_number(std, "std", low=0.01, high=10 ** 0.5)
    depth = check_number(depth, "depth", low=1, high=30, integer=True)
    check_number(width, "width", low=4, high=256, integer=True)
    activation = check_choice(activation, "activation", ("tanh", "relu", "sigmoid"))
    fig, (ax_a, ax_d, ax_h) = plt.subplots(1, 3, figsize=(12.5, 3.7), dpi=DPI)
    art = {"spread": stats_by_layer(_empty_stats(), keys=("z_std", "a_std"), ax=ax_a, color="C2"),
           "deltas": stats_by_layer(_empty_stats(), keys=("delta",), ax=ax_d, color="C1"),
           "histograms": activation_histograms([np.zeros(1)], ax=ax_h)}
    ax_a.set_title("forward: spread of z and a", fontsize=10)
    ax_a.set_ylabel("standard deviation")
    ax_d.set_title("backward: size of the deltas", fontsize=10)
    ax_h.set_title("activation histograms", fontsize=10)

    def update(std, depth, width, activation):
        std = check_number(std, "std", low=0.0, low_open=True)
        width = check_number(width, "width", low=1, integer=True)
        rng = np.random.default_rng(seed)
        X, y = rng.normal(size=(n, width)), rng.integers(0, 2, size=n)
        net = deep_net(depth, width, activation, initializers.normal(std), n_in=width, seed=rng)
        stats = _quietly(layer_stats, net, X, y)
        update_stats_by_layer(art["spread"], hidden_layers(stats))
        update_stats_by_layer(art["deltas"], stats)
        update_activation_histograms(art["histograms"], stats["activations"][:-1])
        fig.suptitle(f"{activation}, {depth} layers of {width}, weights ~ N(0, {std:.3g}²)     "
                     f"for width {width}: Xavier std = {np.sqrt(1 / width):.3g}, "
                     f"He std = {np.sqrt(2 / width):.3g}", fontsize=11)
        art.update(net=net, stats=stats)
        return art

    update(std, depth, width, activation)
    fig.tight_layout()
    controls = {
        "std": ipywidgets.FloatLogSlider(value=std, base=10, min=-2, max=0.5, step=0.05,
                                         description="std", continuous_update=False),
        "depth": ipywidgets.IntSlider(value=depth, min=1, max=30, description="depth",
                                      continuous_update=False),
        "width": ipywidgets.IntSlider(value=width, min=4, max=256, step=4, description="width",
                                      continuous_update=False),
        "activation": ipywidgets.Dropdown(options=["tanh", "relu", "sigmoid"], value=activation,
                                          description="activation"),
    }
    return fig, update, controls


def scale_explorer(X, y, scale=10.0, steps=100):
    """A slider for the scale of the second input feature, and what it does to gradient descent.

    The second column of X is multiplied by ``scale`` (think metres -> centimetres) and, when
    ``standardize`` is on, every column is then standardized. Left: ``loss_surface`` of the
    least-squares linear model on the result. Returns ``(fig, update, controls)``;
    ``update(scale, standardize)`` returns the artists, with ``reached`` (steps to the minimum)
    and ``condition`` (the Hessian's condition number).
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (one per weight of the picture), got {X.shape[1]}.")
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    art = loss_surface(X, y, ax=ax, steps=steps)

    def update(scale, standardize):
        Xs = X * [1.0, check_number(scale, "scale", low=0.0, low_open=True)]
        if standardize:
            Xs = (Xs - Xs.mean(axis=0)) / Xs.std(axis=0)
        return update_loss_surface(art, Xs, y)

    update(scale, False)
    fig.tight_layout()
    controls = {
        "scale": ipywidgets.FloatLogSlider(value=scale, base=10, min=-1, max=1.5, step=0.1,
                                           description="scale of x₂", continuous_update=False),
        "standardize": ipywidgets.Checkbox(value=False, description="standardize"),
    }
    return fig, update, controls
