"""Sliders for notebook 12, each a ``LiveFigure``: structure built into the layers.

- ``shift_explorer(shift)``: a pattern at position ``shift`` in a sequence; a convolution's output
  moves with it (translation equivariance), a dense layer's output changes shape;
- ``rnn_gradient_explorer(wh_scale)``: how much gradient reaches each time step of an RNN when
  the loss reads only the last state, for recurrent weights of a chosen size.

``live.set(shift=10)`` does what moving the slider does; ``live.update`` is the plain function.
"""
import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from ._checks import check_number
from .conv import Conv1D
from .layers import Dense
from .live import LiveFigure
from .recurrent import last_step_gradient_norms
from .structure_tasks import PATTERN
from .structureplots import step_norms, update_step_norms

DPI = 80
LENGTH = 24
SCALES = (0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0)


def shift_explorer(shift=4, seed=0):
    """The pattern of ``structure_tasks.PATTERN`` at position ``shift`` in a sequence of 24 zeros,
    through a Conv1D whose filter is the pattern itself, and through a random Dense layer with
    as many outputs (21). The slider moves the pattern."""
    k = len(PATTERN)
    n_out = LENGTH - k + 1
    shift = check_number(shift, "shift", low=0, high=n_out - 1, integer=True)
    conv = Conv1D(1, 1, k)
    conv.params["W"][0, 0] = PATTERN
    dense = Dense(LENGTH, n_out, seed=seed)
    fig, axes = plt.subplots(3, 1, figsize=(7.5, 5.4), sharex=True)
    t_in, t_out = np.arange(LENGTH), np.arange(n_out)
    bars_in = axes[0].bar(t_in, np.zeros(LENGTH), color="0.4")
    bars_conv = axes[1].bar(t_out, np.zeros(n_out), color="C0")
    bars_dense = axes[2].bar(t_out, np.zeros(n_out), color="C1")
    axes[0].set(ylim=(-2.5, 2.5), ylabel="input x")
    axes[1].set(ylim=(-11, 11), ylabel="convolution")
    axes[2].set(ylim=(-4, 4), ylabel="dense layer", xlabel="position t")
    for ax in axes:
        ax.axhline(0, color="0.7", lw=0.8)
    axes[0].set_title("pattern at position ...", fontsize=10)
    fig.tight_layout()

    def update(shift):
        x = np.zeros((1, 1, LENGTH))
        x[0, 0, shift:shift + k] = PATTERN
        z_conv = conv.forward(x)[0, 0]
        z_dense = dense.forward(x[:, 0])[0]
        for bars, values in ((bars_in, x[0, 0]), (bars_conv, z_conv), (bars_dense, z_dense)):
            for bar, v in zip(bars, values):
                bar.set_height(v)
        axes[0].set_title(f"pattern at position {shift}: the convolution peaks at t = "
                          f"{int(z_conv.argmax())}", fontsize=10)
        return bars_in, bars_conv, bars_dense

    slider = ipywidgets.IntSlider(value=shift, min=0, max=n_out - 1, description="shift",
                                  continuous_update=True)
    return LiveFigure(fig, update, {"shift": slider}, dpi=DPI)


def rnn_gradient_explorer(wh_scale=1.0, T=30, d_h=16, seed=0):
    """||dL/dh_t|| for t = 1..T in a tanh RNN whose recurrent matrix Wh is orthogonal times
    ``wh_scale`` (one of ``SCALES``), the loss reading only h_T. All scales are computed when the
    explorer is built; the faint lines show them all, the slider picks one."""
    if wh_scale not in SCALES:
        raise ValueError(f"wh_scale must be one of {SCALES}, got {wh_scale!r}.")
    norms = {s: last_step_gradient_norms(d_h=d_h, T=T, wh_scale=s, seed=seed) for s in SCALES}
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    for s in SCALES:
        ax.plot(np.arange(1, T + 1), norms[s], color="0.8", lw=0.8)
    art = step_norms(norms[wh_scale], ax=ax, color="C3")
    ax.set_ylim(1e-24, 1e4)
    ax.set_title("Wh = ...", fontsize=10)
    fig.tight_layout()

    def update(wh_scale):
        update_step_norms(art, norms[wh_scale])
        first, last = norms[wh_scale][0], norms[wh_scale][-1]
        ax.set_title(f"Wh = {wh_scale:g} × orthogonal: ‖dL/dh_1‖ / ‖dL/dh_T‖ = {first / last:.1e}",
                     fontsize=10)
        return art["line"]

    slider = ipywidgets.SelectionSlider(options=list(SCALES), value=wh_scale, description="Wh scale",
                                        continuous_update=True)
    return LiveFigure(fig, update, {"wh_scale": slider}, dpi=DPI)
