"""Sliders for notebook 09: capacity and regularization on a small, noisy training set.

The experiment behind every slider is ``run_experiment``: 30 noisy two-moons points to train on
(``N_TRAIN``), 300 more to validate on, a ReLU network of two hidden layers of 32 units trained
full batch with Adam for 200 epochs, with whatever regularization is asked for. Such a network
has about 1,100 weights for 30 points: left alone, it learns them by heart.

- ``capacity_explorer``: width, depth and the number of training points.
- ``l2_explorer``, ``dropout_explorer``, ``jitter_explorer``: the strength of one regularizer.

Each returns a ``LiveFigure`` (``nbtools.live``) with the same three panels: the decision boundary
with the training points, the train and validation loss per epoch, and a histogram of the
weights. ``live.set(name=value)`` does what moving the control does; a run already seen is kept,
so moving back is instant.

``over_seeds(setting, seeds)`` repeats an experiment with other training points and initial
weights, for the trends and the closing table: one run shows a noisy sample, not a trend.
"""
import functools
import warnings
from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from . import data, nn, plots, regularization, training
from ._checks import check_number
from .live import LiveFigure

N_TRAIN, N_VAL, NOISE = 30, 200, 0.3       # the small, noisy training set and the validation set
EPOCHS, LR = 150, 0.03                     # full-batch Adam
HIDDEN = (32, 32)
EXTENT = (-2.2, 2.8, -1.8, 2.2)            # the view of the boundary panels
WEIGHT_BINS = np.linspace(-1.5, 1.5, 31)


@dataclass
class Run:
    """One trained network: ``net``, its ``history``, the data it saw (``X``, ``y``: the training
    points; ``X_fit``, ``y_fit``: with the jittered copies, if any) and the validation data."""

    net: object
    history: object
    X: np.ndarray
    y: np.ndarray
    X_fit: np.ndarray
    y_fit: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray


def noisy_moons(n_train=N_TRAIN, seed=0):
    """(X, y, X_val, y_val): ``n_train`` training points (data seed ``seed``) and ``N_VAL``
    validation points (data seed 1000, the same for every run), two moons with noise ``NOISE``."""
    X, y = data.moons(n=n_train, noise=NOISE, seed=seed)
    X_val, y_val = data.moons(n=N_VAL, noise=NOISE, seed=1000)
    return X, y, X_val, y_val


@functools.lru_cache(maxsize=256)
def _cached(hidden, l2, l1, dropout, jitter, early_stopping, n_train, seed, epochs):
    X, y, X_val, y_val = noisy_moons(n_train, seed)
    X_fit, y_fit = (X, y) if jitter == 0 else regularization.jitter(X, y, copies=10, size=jitter,
                                                                     seed=seed)
    sizes = [2, *hidden, 1]
    net = (regularization.dropout_mlp(sizes, dropout, seed=seed) if dropout
           else nn.MLP(sizes, seed=seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", training.DivergenceWarning)
        history = training.fit(net, X_fit, y_fit, lr=LR, epochs=epochs, batch_size=None, seed=seed,
                               validation=(X_val, y_val), early_stopping=early_stopping,
                               l2=l2, l1=l1, progress=False)
    net.eval()
    return Run(net, history, X, y, X_fit, y_fit, X_val, y_val)


def run_experiment(hidden=HIDDEN, l2=0.0, l1=0.0, dropout=0.0, jitter=0.0, early_stopping=None,
                   n_train=N_TRAIN, seed=0, epochs=EPOCHS):
    """Train one network on ``noisy_moons(n_train, seed)`` with the regularization asked for.

    hidden : hidden layer sizes; l2, l1 : penalty strengths (``training.fit``); dropout : the rate
    of a Dropout after every hidden layer; jitter : the size of the augmentation, 10 jittered
    copies of every training point (0: none); early_stopping : patience in epochs, or None; seed :
    the training points, the initial weights and the dropout masks. Returns a ``Run``, with the
    network in eval mode. The same arguments give the same (cached) run.
    """
    hidden = tuple(check_number(h, "hidden[...]", low=1, integer=True) for h in hidden)
    l2 = check_number(l2, "l2", low=0)
    l1 = check_number(l1, "l1", low=0)
    dropout = check_number(dropout, "dropout", low=0, high=0.95)
    jitter = check_number(jitter, "jitter", low=0)
    if early_stopping is not None:
        early_stopping = check_number(early_stopping, "early_stopping", low=1, integer=True)
    n_train = check_number(n_train, "n_train", low=4, integer=True)
    seed = check_number(seed, "seed", low=0, integer=True)
    epochs = check_number(epochs, "epochs", low=1, integer=True)
    return _cached(hidden, l2, l1, dropout, jitter, early_stopping, n_train, seed, epochs)


def over_seeds(seeds=range(5), **setting):
    """Run ``run_experiment(**setting, seed=s)`` for every seed; return a dict of arrays, one
    entry per seed: "val_loss", "val_acc", "train_loss", "train_acc" (after the last epoch, or at
    the epoch kept by early stopping) and "weight_norm"."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, e.g. range(5).")
    results = {key: [] for key in ("val_loss", "val_acc", "train_loss", "train_acc", "weight_norm")}
    for seed in seeds:
        run = run_experiment(**setting, seed=seed)
        h, e = run.history, run.history.best_epoch
        for key in ("val_loss", "val_acc", "train_loss", "train_acc"):
            results[key].append(getattr(h, key)[e])
        results["weight_norm"].append(regularization.weight_norm(run.net))
    return {key: np.array(values) for key, values in results.items()}


# ---------------------------------------------------------------------------------------------
# The figure every explorer shares
# ---------------------------------------------------------------------------------------------

def _summary(run):
    h, e = run.history, run.history.best_epoch
    return (f"train loss {h.train_loss[e]:.2f}, validation loss {h.val_loss[e]:.2f}, "
            f"accuracy {h.val_acc[e]:.0%}")


def _three_panels(run, copies=False):
    """Boundary, loss curves and weight histogram of ``run``; returns (fig, axes, artists)."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.7), gridspec_kw={"width_ratios": [1.1, 1, 1]})
    art = {}
    if copies:  # the jittered copies, small and faint under the training points
        art["copies"] = axes[0].scatter(*run.X_fit.T, s=6, c=plots.class_colors(run.y_fit),
                                        alpha=0.5, zorder=2.5, linewidths=0)
    art["boundary"] = plots.decision_boundary(run.net, run.X, run.y, ax=axes[0], resolution=60,
                                              extent=EXTENT)
    art["curves"] = plots.training_curves(run.history, ax=axes[1])
    axes[1].set_xlim(0, EPOCHS)
    axes[1].set_ylim(0.01, 3)
    plots.readable_log_ticks(axes[1])
    axes[1].set_title("loss per epoch", fontsize=10)
    art["bars"] = axes[2].bar(WEIGHT_BINS[:-1], np.zeros(len(WEIGHT_BINS) - 1), align="edge",
                              width=np.diff(WEIGHT_BINS), color="0.5", edgecolor="white")
    axes[2].set(xlim=(WEIGHT_BINS[0], WEIGHT_BINS[-1]), ylim=(0, 0.5), xlabel="weight",
                ylabel="fraction of the weights")
    axes[0].set_title("train loss, validation loss", fontsize=10)   # room for update's title
    fig.tight_layout()
    return fig, axes, art


def _show(run, axes, art):
    """Draw ``run`` into the three panels, in place."""
    if "copies" in art:
        art["copies"].set_offsets(run.X_fit)
        art["copies"].set_facecolors(plots.class_colors(run.y_fit))
    plots.update_decision_boundary(art["boundary"], run.net, run.X, run.y)
    plots.update_training_curves(art["curves"], run.history, rescale=False)
    w = regularization.weight_values(run.net)
    inside = np.clip(w, WEIGHT_BINS[0], WEIGHT_BINS[-1] - 1e-9)   # the outer bars count the rest
    fractions = np.histogram(inside, WEIGHT_BINS)[0] / len(w)
    for bar, height in zip(art["bars"], fractions):
        bar.set_height(height)
    axes[0].set_title(_summary(run), fontsize=9)
    axes[2].set_title(f"{len(w)} weights, norm {regularization.weight_norm(run.net):.1f}",
                      fontsize=10)


def _explorer(controls, experiment, copies=False, dpi=80):
    """A LiveFigure whose update runs ``experiment(**values)`` and shows it in the three panels."""
    first = experiment(**{name: c.value for name, c in controls.items()})
    fig, axes, art = _three_panels(first, copies)
    state = {}

    def update(**values):
        run = experiment(**values)
        _show(run, axes, art)
        state["run"] = run

    update(**{name: c.value for name, c in controls.items()})
    live = LiveFigure(fig, update, controls, dpi=dpi)
    live.state, live.artists = state, art
    return live


def _released(widget, **kwargs):
    return widget(continuous_update=False, style={"description_width": "90px"}, **kwargs)


# ---------------------------------------------------------------------------------------------
# The explorers
# ---------------------------------------------------------------------------------------------

WIDTHS = (1, 2, 4, 8, 16, 32)
TRAIN_SIZES = (30, 100, 300)


def capacity_explorer(width=32, depth=2, n_train=N_TRAIN, dpi=80):
    """Sliders for the width and depth of the network and the number of training points."""
    if width not in WIDTHS:
        raise ValueError(f"width must be one of {WIDTHS}, got {width!r}.")
    if n_train not in TRAIN_SIZES:
        raise ValueError(f"n_train must be one of {TRAIN_SIZES}, got {n_train!r}.")
    depth = check_number(depth, "depth", low=1, high=3, integer=True)
    controls = {
        "width": _released(ipywidgets.SelectionSlider, options=WIDTHS, value=width,
                           description="width"),
        "depth": _released(ipywidgets.IntSlider, value=depth, min=1, max=3, description="depth"),
        "n_train": _released(ipywidgets.SelectionSlider, options=TRAIN_SIZES, value=n_train,
                             description="train points"),
    }
    return _explorer(controls, lambda width, depth, n_train: run_experiment(
        hidden=(width,) * depth, n_train=n_train), dpi=dpi)


L2_RATES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)


def l2_explorer(l2=0.0, dpi=80):
    """A slider for the strength l2 of the L2 penalty (``fit(..., l2=...)``)."""
    if l2 not in L2_RATES:
        raise ValueError(f"l2 must be one of {L2_RATES}, got {l2!r}.")
    controls = {"l2": _released(ipywidgets.SelectionSlider, options=L2_RATES, value=l2,
                                description="l2")}
    return _explorer(controls, lambda l2: run_experiment(l2=l2), dpi=dpi)


def dropout_explorer(rate=0.0, dpi=80):
    """A slider for the dropout rate of a Dropout layer after each hidden layer."""
    rate = check_number(rate, "rate", low=0, high=0.8)
    controls = {"rate": _released(ipywidgets.FloatSlider, value=rate, min=0, max=0.8, step=0.1,
                                  description="dropout rate")}
    return _explorer(controls, lambda rate: run_experiment(dropout=round(rate, 2)), dpi=dpi)


JITTER_SIZES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def jitter_explorer(size=0.0, dpi=80):
    """A slider for the size of the jitter: 10 moved copies of every training point, same labels.

    Training on 11 times the points takes longest, so the six runs of the slider are made here,
    at once (about half a second), and every move only draws.
    """
    if size not in JITTER_SIZES:
        raise ValueError(f"size must be one of {JITTER_SIZES}, got {size!r}.")
    for each in JITTER_SIZES:
        run_experiment(jitter=each)
    controls = {"size": _released(ipywidgets.SelectionSlider, options=JITTER_SIZES, value=size,
                                  description="jitter size")}
    return _explorer(controls, lambda size: run_experiment(jitter=size), copies=True, dpi=dpi)
