"""Pictures of walks on a surface: the contour map with the paths on it, and loss versus step.

- ``contour_map(surface)``: filled contours of a surface over its ``bounds``, its minima as stars
  (``shown_values`` decides between the loss and log10 of its height above the lowest point);
- ``trajectory_lines(paths)``: each path of ``{label: Trajectory}`` as a line with markers;
- ``loss_curves(paths)``: the loss of each path against the step, on a log scale above ``f_min``;
- ``plot(surface, paths)``: all three in one figure, as notebook 08 shows optimizers side by side.

Each returns a dict of artists and has an ``update_...`` that moves them in place (``update`` for
``plot``; its ``upto`` shows each path up to a step, for a slider that walks along the paths).
Paths come from ``walks`` (``run_all``, ``run``, ``newton``, ``gradient_flow``, ``sgd``); any surface
with ``grid(n)``, ``bounds``, ``minima``, ``name`` and ``f_min`` can be drawn: those of
``landscapes`` and ``least_squares``, or the slice of a real network's loss that ``netslice`` makes.

>>> from nbtools import landscapes, optim, walks
>>> surface = landscapes.Rosenbrock()
>>> art = plot(surface, walks.run_all({"Adam": optim.Adam(lr=0.05)}, surface))   # doctest: +SKIP
"""
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogFormatterSciNotation, LogLocator

from ._checks import as_float_array, check_choice, check_number
from .plots import axes_or_new, readable_log_ticks

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
BACKGROUND = "Greys"  # light where the loss is low, grey where it is high: coloured paths stand out


def _check_paths(paths):
    if not isinstance(paths, dict) or not paths:
        raise TypeError(f"paths must be a non-empty dict {{label: Trajectory}}, as run_all returns; "
                        f"got {type(paths).__name__}.")
    for label, path in paths.items():
        if not hasattr(path, "points") or not hasattr(path, "losses"):
            raise TypeError(f"paths[{label!r}] must be a Trajectory (from walks.run or "
                            f"walks.run_all), got {type(path).__name__}.")
    return paths


def shown_values(Z, scale="auto"):
    """What the contour map colours: ``(values, name)``.

    ``"linear"``: the loss itself. ``"log"``: log10 of the height above the lowest point (plus a
    little), which spaces the contours evenly in orders of magnitude, so the floor of a deep
    valley such as Rosenbrock's stays visible. ``"auto"`` picks log when the highest point is more
    than 5 times higher above the lowest than the median point is.
    """
    Z = as_float_array(Z, "Z")
    scale = check_choice(scale, "scale", ("auto", "log", "linear"))
    height = Z - Z.min()
    if scale == "auto":
        scale = "log" if height.max() > 5 * np.median(height) else "linear"
    if scale == "log":
        return np.log10(height + 1e-3 * np.median(height) + 1e-12), "log10(loss - lowest)"
    return Z, "loss"


def contour_map(surface, ax=None, scale="auto", n_levels=20, resolution=None):
    """Draw the filled contours of ``surface`` over its ``bounds`` and mark its minima (stars).

    resolution: grid points per side; default ``surface.resolution`` if it has one, else 151.
    The axes are labelled with ``surface.axis_names`` if it has them, else x and y.
    Returns {"ax", "filled", "lines", "minima", ...}; ``update_contour_map`` redraws it for
    another surface (the only time the background is drawn again).
    """
    ax = axes_or_new(ax, (4.5, 4))
    art = {"ax": ax, "scale": scale, "n_levels": check_number(n_levels, "n_levels", low=2, integer=True),
           "resolution": resolution, "filled": None, "lines": None}
    # a minimum is a gold star under the paths' end markers and a black outline above everything,
    # so neither hides the other when a run ends on the minimum
    art["minima_fill"], = ax.plot([], [], "*", color="gold", ms=15, mec="none", zorder=4)
    art["minima"], = ax.plot([], [], "*", mfc="none", ms=15, mec="k", mew=1.3, zorder=8)
    return update_contour_map(art, surface)


def update_contour_map(art, surface):
    """Replace the contours (and minima, window, title) with those of another surface."""
    if not all(hasattr(surface, name) for name in ("grid", "bounds", "minima")):
        raise TypeError(f"surface must be a landscapes surface such as Rosenbrock() (with grid, "
                        f"bounds and minima), got {type(surface).__name__}.")
    ax = art["ax"]
    n = art["resolution"] or getattr(surface, "resolution", 151)
    X, Y, Z = surface.grid(n)
    V, name = shown_values(Z, art["scale"])
    for key in ("filled", "lines"):
        if art[key] is not None:
            art[key].remove()
    levels = np.linspace(V.min(), V.max(), art["n_levels"])
    # the colour scale runs past the highest level, so the highest ground is mid grey, not black
    art["filled"] = ax.contourf(X, Y, V, levels=levels, cmap=BACKGROUND, vmin=V.min(),
                                vmax=V.min() + 1.6 * (V.max() - V.min()), zorder=0)
    art["lines"] = ax.contour(X, Y, V, levels=levels, colors="0.45", linewidths=0.4,
                              negative_linestyles="solid", zorder=1)
    minima = np.asarray(surface.minima).reshape(-1, 2)
    art["minima"].set_data(minima[:, 0], minima[:, 1])
    art["minima_fill"].set_data(minima[:, 0], minima[:, 1])
    (x0, x1), (y0, y1) = surface.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # the padding leaves room for a red cross where a diverging path leaves through the top
    ax.set_title(f"{getattr(surface, 'name', 'surface')}: contours of {name}", fontsize=9, pad=8)
    xlabel, ylabel = getattr(surface, "axis_names", ("x", "y"))
    ax.set_xlabel(xlabel, labelpad=1)
    ax.set_ylabel(ylabel, labelpad=1)
    art["surface"] = surface
    return art


def _line_style(i, path, mark_every):
    """Colour and marker by position; a path with times (gradient flow) is a black dashed curve."""
    if getattr(path, "times", None) is not None:
        return dict(color="k", ls="--", lw=1.5, marker="")
    return dict(color=COLORS[i % len(COLORS)], marker=MARKERS[i % len(MARKERS)], ms=4,
                markevery=mark_every, mec="white", mew=0.5, lw=1.5)


def _label(label, path):
    return f"{label} (diverged at step {path.diverged_at})" if path.diverged else label


def _head_size(i):
    """End markers shrink from path to path, so runs that end at the same point show as rings."""
    return max(10.0 - 1.2 * i, 5.0)


def trajectory_lines(paths, ax=None, mark_every=10):
    """Draw each path of ``{label: Trajectory}`` on ``ax``: a line with a marker every
    ``mark_every`` steps, a bigger marker where it is now, and a white circle at the first path's
    start. A diverged path is drawn only until it leaves the window, with a red cross where it
    leaves (its later points would paint the map over). End markers are drawn above every line,
    and each is smaller than the one before, so markers on the same point stay visible.
    Returns {"ax", "lines", "heads", "crosses", "start"}.
    """
    ax = axes_or_new(ax, (4.5, 4))
    paths = _check_paths(paths)
    mark_every = check_number(mark_every, "mark_every", low=1, integer=True)
    art = {"ax": ax, "lines": [], "heads": [], "crosses": [], "labels": list(paths)}
    for i, path in enumerate(paths.values()):
        style = _line_style(i, path, mark_every)
        art["lines"].append(ax.plot([], [], zorder=3, **style)[0])
        art["heads"].append(ax.plot([], [], marker=style["marker"] or "o", color=style["color"],
                                    ms=_head_size(i), mec="k", mew=0.8, ls="", zorder=5 + 0.01 * i)[0])
        art["crosses"].append(ax.plot([], [], "X", color="red", ms=10, mec="k", mew=0.6, zorder=6,
                                      clip_on=False)[0])
    art["start"], = ax.plot([], [], "o", color="white", ms=8, mec="k", mew=1.2, zorder=6)
    return update_trajectory_lines(art, paths)


def inside_window(points, xlim, ylim):
    """The part of a path (``points``, shape (n, 2)) up to where it first leaves the window
    ``xlim`` x ``ylim``, and the point where it crosses the border (None if it stays inside).

    The returned points end with the crossing, so the drawn line runs exactly to the border.
    """
    points = as_float_array(points, "points", allow_nonfinite=True)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {points.shape}.")
    (x0, x1), (y0, y1) = sorted(xlim), sorted(ylim)
    inside = ((points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0)
              & (points[:, 1] <= y1))
    if inside.all() or not inside[0]:
        return points, None
    k = int(np.argmin(inside))              # the first point outside
    a, b = points[k - 1], points[k]
    d = b - a                               # a + s d crosses the border at the smallest s
    s = 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for lo, hi, a_, d_ in ((x0, x1, a[0], d[0]), (y0, y1, a[1], d[1])):
            if d_ > 0 and a_ + d_ > hi:
                s = min(s, (hi - a_) / d_)
            elif d_ < 0 and a_ + d_ < lo:
                s = min(s, (lo - a_) / d_)
            elif not np.isfinite(d_):
                s = 0.0
    border = a + s * d if np.all(np.isfinite(d)) else a
    return np.vstack([points[:k], border]), border


def _check_upto(upto):
    return None if upto is None else check_number(upto, "upto", low=0, integer=True)


def update_trajectory_lines(art, paths, upto=None):
    """Move the lines to new paths (same labels as when drawn), showing points 0..upto if given."""
    paths = _check_same_labels(art, paths)
    upto = _check_upto(upto)
    window = art["ax"].get_xlim(), art["ax"].get_ylim()
    for line, head, cross, path in zip(art["lines"], art["heads"], art["crosses"], paths.values()):
        pts = path.points if upto is None else path.points[:upto + 1]
        border = None
        if path.diverged:  # stop at the border: beyond it the path only paints the map over
            pts, border = inside_window(pts, *window)
        gone = border is not None or (path.diverged and (upto is None or upto >= len(path.points) - 1))
        line.set_data(pts[:, 0], pts[:, 1])
        head.set_data([] if gone else pts[-1:, 0], [] if gone else pts[-1:, 1])
        cross.set_data(pts[-1:, 0] if gone else [], pts[-1:, 1] if gone else [])
    first = next(iter(paths.values())).points[0]
    art["start"].set_data([first[0]], [first[1]])
    return art


def _check_same_labels(art, paths):
    """Return ``paths`` if they have the labels that the lines ``art`` were drawn with, else say so."""
    paths = _check_paths(paths)
    if list(paths) != art["labels"]:
        raise ValueError(f"paths must have the labels the plot was drawn with, {art['labels']}, "
                         f"got {list(paths)}; draw a new plot for other labels.")
    return paths


def loss_curves(paths, ax=None, f_min=None, mark_every=10, step_every=1, legend="best",
                xlabel="step", step_scale="linear"):
    """Loss versus step for each path of ``{label: Trajectory or array of losses}``.

    With ``f_min`` (the lowest possible loss, e.g. ``surface.f_min``) it plots loss - f_min on a log
    scale, where steady progress is a straight line; without it the loss on a linear scale.
    mark_every: a marker every that many points. step_every: the paths hold one point every that
    many steps (snapshots of training), which sets the step axis. legend: where the legend goes
    ("best" looks for a free corner at every drawing; a fixed place such as "upper right" is faster).
    xlabel: what one unit of the horizontal axis is ("step", or "epoch" for per-epoch losses).
    step_scale: "linear", or "log" for runs of very different lengths (10 steps next to 3000): a
    logarithmic step axis that is linear between 0 and 1, so step 0 still shows.
    Returns {"ax", "lines", "legend", ...}; ``update_loss_curves`` changes them in place.
    """
    ax = axes_or_new(ax, (4.5, 4))
    if not isinstance(paths, dict) or not paths:
        raise TypeError(f"paths must be a non-empty dict {{label: Trajectory or losses}}, got "
                        f"{type(paths).__name__}.")
    mark_every = check_number(mark_every, "mark_every", low=1, integer=True)
    step_scale = check_choice(step_scale, "step_scale", ("linear", "log"))
    art = {"ax": ax, "lines": [], "labels": list(paths), "f_min": "unset",
           "step_every": check_number(step_every, "step_every", low=1, integer=True)}
    for i, path in enumerate(paths.values()):
        style = _line_style(i, path, mark_every)
        art["lines"].append(ax.plot([], [], **style)[0])
    ax.set_xlabel(xlabel if step_scale == "linear" else f"{xlabel} (log scale)")
    if step_scale == "log":
        ax.set_xscale("symlog", linthresh=1.0, linscale=0.5)
    ax.grid(True, alpha=0.3)
    art["legend"] = ax.legend(art["lines"], list(paths), loc=legend, fontsize=8, framealpha=0.9)
    return update_loss_curves(art, paths, f_min)


def update_loss_curves(art, paths, f_min=None, upto=None, rescale=True):
    """New losses for the same labels; switches between log and linear scale if f_min changes.

    upto: show points 0..upto only. rescale: fit the axes to the new curves (False keeps them,
    which keeps a slider fast: the axes need not be drawn again).
    """
    ax = art["ax"]
    if list(paths) != art["labels"]:
        raise ValueError(f"paths must have the labels the plot was drawn with, {art['labels']}, "
                         f"got {list(paths)}.")
    upto = _check_upto(upto)
    if f_min is not None:
        f_min = check_number(f_min, "f_min")
    if f_min != art["f_min"]:
        with warnings.catch_warnings():  # matplotlib < 3.8 warns when a symlog step axis is still empty
            warnings.filterwarnings("ignore", "All values for SymLogScale are below linthresh")
            ax.set_yscale("linear" if f_min is None else "log")
        ax.set_ylabel("loss" if not f_min else "loss - lowest possible loss")
        art["f_min"] = f_min
    lowest = np.inf
    for line, text, (label, path) in zip(art["lines"], art["legend"].get_texts(), paths.items()):
        losses = as_float_array(getattr(path, "losses", path), f"the losses of paths[{label!r}]",
                                ndim=1, allow_nonfinite=True)   # a diverged run may hold inf
        if not losses.size:
            raise ValueError(f"the losses of paths[{label!r}] are empty; each path needs at least "
                             f"one loss (its starting point).")
        losses = losses if upto is None else losses[:upto + 1]
        y = losses if f_min is None else np.maximum(losses - f_min, 1e-16)
        line.set_data(np.arange(len(y)) * art["step_every"], y)
        lowest = min(lowest, y.min())
        text.set_text(_label(label, path) if hasattr(path, "diverged") else label)
    if rescale:
        ax.relim()
        ax.autoscale_view()
        if f_min is not None:  # below 1e-12 is rounding noise: do not zoom into it
            ax.set_ylim(bottom=max(lowest / 2, 1e-12))
            _label_log_axis(art)
    return art


def _label_log_axis(art):
    """Over at most three decades, plain labels (0.05, 0.1, 0.2) and none on the minor ticks, which
    matplotlib would otherwise label one by one (6x10^-2, 4x10^-2, ...); over more, its powers of 10."""
    low, high = art["ax"].get_ylim()
    if high <= 1000 * low:
        readable_log_ticks(art["ax"])
        art["plain_ticks"] = True
    elif art.pop("plain_ticks", False):   # back to matplotlib's own ticks after a narrow range
        art["ax"].yaxis.set_major_locator(LogLocator())
        art["ax"].yaxis.set_major_formatter(LogFormatterSciNotation())


def plot(surface, paths, mark_every=10, step_every=1, scale="auto", losses=True,
         figsize=(9, 3.8), dpi=None, legend="best", step_scale="linear"):
    """The contour map of ``surface`` with ``paths`` on it and, if ``losses``, loss versus step beside.

    paths: {label: Trajectory}, e.g. from ``run_all``. step_scale: "log" puts the loss panel's
    steps on a log scale (see ``loss_curves``). Returns {"fig", "map", "lines", "losses"}
    (the last is None without losses); ``update(art, paths)`` moves everything in place.
    """
    paths = _check_paths(paths)
    if losses:
        fig, (ax_map, ax_loss) = plt.subplots(1, 2, figsize=figsize, dpi=dpi,
                                              gridspec_kw={"width_ratios": [1, 1.15]})
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.27)
    else:  # the map, and the legend beside it
        fig, ax_map = plt.subplots(figsize=(figsize[1] * 2, figsize[1]), dpi=dpi)
        fig.subplots_adjust(left=0.08, right=0.55, bottom=0.13, top=0.91)
    art = {"fig": fig, "map": contour_map(surface, ax_map, scale=scale),
           "lines": trajectory_lines(paths, ax_map, mark_every)}
    art["losses"] = None
    if losses:
        art["losses"] = loss_curves(paths, ax_loss, surface.f_min, mark_every, step_every, legend,
                                    step_scale=step_scale)
    else:
        ax_map.legend(art["lines"]["lines"], [_label(k, p) for k, p in paths.items()],
                      loc="upper left", bbox_to_anchor=(1.03, 1.0), fontsize=8)
    return art


def update(art, paths, surface=None, upto=None, rescale=None):
    """Move the paths (and loss curves) of a ``plot`` in place; redraw the contours only if
    ``surface`` is given; with ``upto``, show each path up to that point only. The loss axes are
    fitted to the curves if ``rescale`` (default: unless ``upto`` is given)."""
    if surface is not None:
        update_contour_map(art["map"], surface)
    update_trajectory_lines(art["lines"], paths, upto)
    if art["losses"] is not None:
        rescale = upto is None if rescale is None else rescale
        update_loss_curves(art["losses"], paths, art["map"]["surface"].f_min, upto, rescale)
    return art
