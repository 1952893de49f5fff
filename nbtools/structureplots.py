"""Pictures for notebook 12: attention weights, learning curves, gradients over time steps, filters.

Every function takes ``ax=None`` (a new figure when None) and returns the artists it drew, so a
slider can update them in place.

- ``attention_weights(A, marks)``: the weights as a heatmap, one row per query, and a box on the
  position each row should find;
- ``accuracy_vs_size(sizes, results)``: test accuracy against the number of training examples,
  the median over seeds as a line and the lowest-to-highest as a band, one per model;
- ``step_norms(norms)`` / ``update_step_norms``: ||dL/dh_t|| against the time step t, log scale;
- ``filters(W)``: the k x k filters of a Conv2D as small images.
"""
import numpy as np
from matplotlib.patches import Rectangle

from ._checks import as_float_array
from .plots import axes_or_new


def attention_weights(A, marks=None, ax=None, xlabel="position of the key", ylabel="example"):
    """Heatmap of the weights ``A`` (rows: queries or examples, columns: positions), 0 white to
    1 dark; ``marks[i]`` (optional) the column row i should attend to, boxed in red."""
    A = as_float_array(A, "A", ndim=2)
    ax = axes_or_new(ax, (4.5, 3.5))
    image = ax.imshow(A, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    boxes = []
    if marks is not None:
        for i, j in enumerate(np.asarray(marks, dtype=int)):
            boxes.append(ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="C3", lw=1.5)))
    ax.set(xlabel=xlabel, ylabel=ylabel, xticks=range(A.shape[1]))
    return {"ax": ax, "image": image, "boxes": boxes}


def accuracy_vs_size(sizes, results, ax=None, chance=0.5):
    """``results``: {label: array (len(sizes), n_seeds) of accuracies}. Median line, min-max band."""
    ax = axes_or_new(ax, (5.5, 3.5))
    art = {"ax": ax, "lines": []}
    for label, acc in results.items():
        acc = as_float_array(acc, f"results[{label!r}]", ndim=2)
        if len(acc) != len(sizes):
            raise ValueError(f"results[{label!r}] has {len(acc)} rows, expected one per size ({len(sizes)}).")
        (line,) = ax.plot(sizes, np.median(acc, axis=1), "o-", label=f"{label} (median)")
        ax.fill_between(sizes, acc.min(axis=1), acc.max(axis=1), color=line.get_color(), alpha=0.2)
        art["lines"].append(line)
    ax.axhline(chance, color="0.5", ls=":", lw=1, label="chance")
    ax.set_xscale("log")
    ax.set(xlabel="training examples", ylabel="test accuracy", ylim=(0.4, 1.02))
    ax.legend(fontsize=8, loc="lower right")
    return art


def step_norms(norms, ax=None, label=None, color=None):
    """||dL/dh_t|| against t = 1..T on a log scale; returns {"ax", "line"}."""
    ax = axes_or_new(ax, (5.5, 3.5))
    (line,) = ax.plot([], [], "o-", ms=3, label=label, color=color)
    ax.set_yscale("log")
    ax.set(xlabel="time step t (the loss reads h at the last step)", ylabel="‖dL/dh_t‖")
    return update_step_norms({"ax": ax, "line": line}, norms)


def update_step_norms(art, norms):
    """Show new norms on the same line."""
    norms = as_float_array(norms, "norms", ndim=1, allow_nonfinite=True)
    art["line"].set_data(np.arange(1, len(norms) + 1), np.maximum(norms, 1e-300))
    art["ax"].set_xlim(0.5, len(norms) + 0.5)
    return art


def filters(W, axes):
    """Draw the filters ``W`` (c_out, 1, k, k) of a Conv2D, one per axes of ``axes``, in a
    red-blue scale centred on 0. Returns the images."""
    W = as_float_array(W, "W", ndim=4)
    if len(axes) < len(W):
        raise ValueError(f"give at least one axes per filter: {len(W)} filters, {len(axes)} axes.")
    top = np.abs(W).max()
    images = []
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i < len(W):
            images.append(ax.imshow(W[i, 0], cmap="RdBu_r", vmin=-top, vmax=top))
            ax.set_title(f"filter {i + 1}", fontsize=8)
        else:
            ax.axis("off")
    return images
