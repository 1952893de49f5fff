"""Sliders for notebook 10, each a ``LiveFigure``: what one hidden layer and what depth can represent.

- ``width_explorer(f)``: one hidden layer of tanh units trained on f, with a width slider; the
  fit, and every unit's contribution (its output weight times its activation) drawn thin.
- ``bump_explorer(f)``: f built by hand from bumps (``expressivity.bump_network``): the number of
  bumps, sigmoid or ReLU steps, and how sharp the steps are.
- ``sawtooth_explorer()``: the tent map composed k times (k hidden layers of 2 ReLUs) against a
  one-hidden-layer network with the same number of parameters trained on the same sawtooth.

``live.set(width=8)`` does what moving the slider does; ``live.update`` is the plain function.
"""
import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from . import nn
from ._checks import check_choice, check_number
from .expressivity import (bump_network, count_linear_regions, fit_one_hidden_layer, rms_error,
                           sine, tent_network)
from .live import LiveFigure
from .training import fit

DPI = 80
WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)


def _curve_axes(ax, f, x, title):
    ax.plot(x, f(x), color="0.6", lw=3, label="target f")
    ax.set(xlabel="x", ylim=(-1.6, 1.6), xlim=(x[0], x[-1]), title=title)


def width_explorer(f=None, width=4, epochs=1000, seed=0):
    """A width slider over one-hidden-layer tanh networks trained on ``f`` (default sin(2 pi x)).

    All widths of ``WIDTHS`` are trained when the explorer is built (about 1 s), so the slider
    only redraws. ``live.nets`` holds the trained networks by width.
    """
    f = sine(2) if f is None else f
    width = check_number(width, "width", low=1, integer=True)
    if width not in WIDTHS:
        raise ValueError(f"width must be one of {WIDTHS}, got {width}.")
    nets = {w: fit_one_hidden_layer(f, w, epochs=epochs, seed=seed) for w in WIDTHS}
    x = np.linspace(-1, 1, 301)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    _curve_axes(ax, f, x, "width ...")
    units = [ax.plot(x, 0 * x, lw=0.8, alpha=0.6)[0] for _ in range(max(WIDTHS))]
    (line,) = ax.plot(x, 0 * x, color="C3", lw=2, label="network")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()

    def update(width):
        net = nets[width]
        out = net.forward(x[:, None])[:, 0]
        parts = net.a[1] * net.dense[1].params["W"][0]      # unit j: w2_j * tanh(z_j)
        for j, unit in enumerate(units):
            unit.set_visible(j < width)
            if j < width:
                unit.set_ydata(parts[:, j])
        line.set_ydata(out)
        ax.set_title(f"width {width}: rms error {rms_error(net, f):.3f}   (thin: each unit's part)",
                     fontsize=10)

    live = LiveFigure(fig, update, {"width": ipywidgets.SelectionSlider(
        options=list(WIDTHS), value=width, description="width")}, dpi=DPI)
    live.nets = nets
    return live


def bump_explorer(f=None, n_bumps=5, kind="sigmoid", sharpness=20.0, max_bumps=40):
    """Build ``f`` (default sin(2 pi x)) from bumps by hand: sliders for their number and sharpness.

    Each bump is drawn in its own colour (its height times the difference of two steps); their
    sum, the network's output, dashed. The title gives the number of hidden units and the rms error.
    """
    f = sine(2) if f is None else f
    max_bumps = check_number(max_bumps, "max_bumps", low=1, high=100, integer=True)
    n_bumps = check_number(n_bumps, "n_bumps", low=1, high=max_bumps, integer=True)
    kind = check_choice(kind, "kind", ("sigmoid", "relu"))
    sharpness = check_number(sharpness, "sharpness", low=1, high=100)
    x = np.linspace(-1, 1, 401)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    _curve_axes(ax, f, x, "bumps ...")
    bumps = [ax.plot(x, 0 * x, lw=2.5, alpha=0.8)[0] for _ in range(max_bumps)]
    (line,) = ax.plot(x, 0 * x, color="k", lw=1, ls="--", label="network: the sum of the bumps")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()

    def update(n_bumps, kind, sharpness):
        net = bump_network(f, n_bumps, kind=kind, sharpness=sharpness)
        out = net.forward(x[:, None])[:, 0]
        parts = net.a[1] * net.dense[1].params["W"][0]
        per_bump = parts.reshape(len(x), n_bumps, -1).sum(axis=2)   # the units of bump i, summed
        for i, bump in enumerate(bumps):
            bump.set_visible(i < n_bumps)
            if i < n_bumps:
                bump.set_ydata(per_bump[:, i])
        line.set_ydata(out)
        ax.set_title(f"{n_bumps} bumps = {net.sizes[1]} {kind} units: rms error "
                     f"{rms_error(net, f):.3f}", fontsize=10)
        return net

    controls = {
        "n_bumps": ipywidgets.IntSlider(n_bumps, 1, max_bumps, description="bumps"),
        "kind": ipywidgets.Dropdown(options=["sigmoid", "relu"], value=kind, description="steps of"),
        "sharpness": ipywidgets.FloatLogSlider(sharpness, base=10, min=0, max=2, step=0.1,
                                               description="sharpness"),
    }
    return LiveFigure(fig, update, controls, dpi=DPI)


def train_shallow_like(k, seeds=(0, 1, 2), epochs=400, lr=0.05):
    """A one-hidden-layer ReLU MLP with as many parameters as ``tent_network(k)`` (6k + 1: 2k
    units), trained (full-batch Adam) on the k-fold tent sawtooth at 129 points of [0, 1]: the
    best of one run per seed (the lowest training loss), since with so few ReLUs a run can lose
    units that never switch on again."""
    k = check_number(k, "k", low=1, high=12, integer=True)
    x = np.linspace(0, 1, 129)[:, None]     # every kink of the sawtooth, up to k = 7
    y = tent_network(k).forward(x)
    runs = []
    for seed in seeds:
        net = nn.MLP([1, 2 * k, 1], hidden="relu", output="identity", seed=seed)
        history = fit(net, x, y, lr=lr, epochs=epochs, batch_size=None, seed=seed, progress=False)
        runs.append((history.train_loss[-1], seed, net))
    return min(runs, key=lambda run: run[:2])[2]


def sawtooth_explorer(k=3, max_k=6):
    """A slider for k: the tent map composed k times, and a shallow network of equal size.

    Left: the deep network's sawtooth (2^k pieces from 6k + 1 parameters) and the trained
    one-hidden-layer network with the same number of parameters (``train_shallow_like``, trained
    for every k when the explorer is built). Right: the number of straight pieces of each against
    k (``count_linear_regions``), on a log scale, with the current k marked.
    """
    max_k = check_number(max_k, "max_k", low=1, high=8, integer=True)
    k = check_number(k, "k", low=1, high=max_k, integer=True)
    ks = np.arange(1, max_k + 1)
    deep = {j: tent_network(int(j)) for j in ks}
    shallow = {j: train_shallow_like(int(j)) for j in ks}
    deep_pieces = [count_linear_regions(deep[j], 0.0, 1.0) for j in ks]
    shallow_pieces = [count_linear_regions(shallow[j], 0.0, 1.0) for j in ks]
    x = np.linspace(0, 1, 1025)
    fig, (ax, ax_n) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [3, 2]})
    (deep_line,) = ax.plot(x, 0 * x, color="C0", lw=1.5, label="deep: k layers of 2 ReLUs")
    (shallow_line,) = ax.plot(x, 0 * x, color="C3", lw=1.5, label="shallow: 1 layer of 2k ReLUs")
    ax.set(xlabel="x", xlim=(0, 1), ylim=(-0.1, 1.35), title="k ...")
    ax.legend(loc="upper right", fontsize=8, ncol=2)
    ax_n.semilogy(ks, deep_pieces, "o-", color="C0", label="deep (2^k)")
    ax_n.semilogy(ks, shallow_pieces, "s-", color="C3", label="shallow, trained")
    ax_n.semilogy(ks, 2 * ks + 1, ":", color="C3", label="shallow, at most 2k + 1")
    (mark,) = ax_n.plot([k], [deep_pieces[k - 1]], "o", ms=12, mfc="none", color="k")
    ticks = 2 ** np.arange(max_k + 1)
    ax_n.set(xlabel="k (layers of the deep network)", ylabel="straight pieces on [0, 1]",
             title="pieces, equal parameter counts", yticks=ticks, yticklabels=[str(t) for t in ticks])
    ax_n.minorticks_off()
    ax_n.legend(fontsize=8)
    fig.tight_layout()

    def update(k):
        deep_line.set_ydata(deep[k].forward(x[:, None])[:, 0])
        shallow_line.set_ydata(shallow[k].forward(x[:, None])[:, 0])
        mark.set_data([k], [deep_pieces[k - 1]])
        ax.set_title(f"k = {k}: {deep[k].n_params()} parameters each; pieces: deep "
                     f"{deep_pieces[k - 1]}, shallow {shallow_pieces[k - 1]}", fontsize=10)

    live = LiveFigure(fig, update, {"k": ipywidgets.IntSlider(k, 1, max_k, description="k")}, dpi=DPI)
    live.deep, live.shallow = deep, shallow
    live.pieces = {"deep": deep_pieces, "shallow": shallow_pieces}
    return live
