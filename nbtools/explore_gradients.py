"""Sliders for notebooks 06 and 07: gradients layer by layer, initialization, the scale of inputs.

Each explorer returns a ``LiveFigure`` (``nbtools.live``); as a cell's last expression it shows
its controls above the figure, and ``live.set(depth=20)`` does what moving a slider does:

- ``depth_explorer``: depth, activation and initialization of a deep network, and its gradient
  norms layer by layer, at initialization and during a short training run (notebook 06);
- ``init_explorer``: the weights' standard deviation, depth and width, and the spread of every
  layer's activations and deltas (notebook 07);
- ``scale_explorer``: the scale of one input feature, and what it does to gradient descent on a
  least-squares loss (notebook 07).

The measurements come from ``gradstats``, the pictures from ``gradplots``.
"""
import warnings

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from . import init as initializers
from ._checks import as_float_array, check_choice, check_number
from .blocks import deep_net
from .gradplots import (ACTIVATION_NAMES, activation_histograms, grad_norm_history, loss_surface,
                        stats_by_layer, update_activation_histograms, update_grad_norm_history,
                        update_loss_surface, update_stats_by_layer)
from .gradstats import LABELS, hidden_layers, layer_stats
from .live import LiveFigure
from .training import DivergenceWarning, fit

# The initializations the sliders offer: label -> a name or function for nbtools.init.get_init.
INIT_CHOICES = {
    "xavier": "xavier_normal",
    "he": "he_normal",
    "small": initializers.normal(0.01),
    "large": initializers.normal(1.0),
}
EXPLORER_ACTIVATIONS = ACTIVATION_NAMES
DPI = 80  # resolution of the explorers' figures: fewer pixels to draw and compress per slider move


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

    Returns a ``LiveFigure``; its ``update(depth, activation, init)`` returns a dict with
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
    return LiveFigure(fig, update, controls)


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

    Returns a ``LiveFigure``; its ``update(std, depth, width, activation)`` returns a dict
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
    return LiveFigure(fig, update, controls)


def scale_explorer(X, y, scale=10.0, steps=100):
    """A slider for the scale of the second input feature, and what it does to gradient descent.

    The second column of X is multiplied by ``scale`` (think metres -> centimetres) and, when
    ``standardize`` is on, every column is then standardized. Left: ``loss_surface`` of the
    least-squares linear model on the result. Returns a ``LiveFigure``;
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
    return LiveFigure(fig, update, controls)
