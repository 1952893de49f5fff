"""Optimizer trajectories: several walks on one loss surface, drawn so you can compare them.

Notebook 08 uses this module to put optimizers side by side:

- ``run_all({label: optimizer}, surface)`` walks every optimizer from the same start (with the same
  gradient noise) and returns ``{label: Trajectory}``;
- ``plot(surface, paths)`` draws the contour map with every path on it (a marker every few steps)
  and the loss versus step beside it; ``update(art, paths)`` moves the lines in place;
- ``OptimizerRace`` wires SGD, momentum, Nesterov, RMSProp and Adam to sliders (``live_figure``);
- ``EmpiricalRisk`` and ``sgd`` fit a line by per-example or mini-batch SGD, the introduction's
  algorithm, on a loss you can see whole; ``SharpFlat`` has one sharp and one flat minimum;
- ``check_momentum_step`` and ``check_adam_step`` check the notebook's exercises.

Surfaces come from ``nbtools.landscapes``; any object with its ``grid(n)``, ``bounds``, ``minima``,
``name`` and ``f_min`` can be drawn, such as the slice of a real network's loss that
``nbtools.netslice`` makes.
"""
import matplotlib.pyplot as plt
import numpy as np

from . import optim
from ._checks import as_float_array, axes_or_new, check_choice, check_number, make_rng
from .exercises import verdict
from .landscapes import (Beale, Himmelblau, Quadratic, Rosenbrock, Saddle, Surface,
                         Trajectory, newton, run)

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
BACKGROUND = "Greys"  # light where the loss is low, grey where it is high: coloured paths stand out


# ---------------------------------------------------------------- running several optimizers

def run_all(optimizers, surface, start=None, steps=100, noise=0.0, seed=0):
    """Run every optimizer of ``{label: optimizer}`` from the same start; return ``{label: Trajectory}``.

    All walks get the same gradient noise (the same ``seed``), so differences come from the
    optimizers alone. See ``nbtools.landscapes.run`` for the other arguments.

    >>> paths = run_all({"SGD": optim.SGD(lr=0.1)}, Quadratic(), steps=20)
    >>> paths["SGD"].points.shape
    (21, 2)
    """
    if not isinstance(optimizers, dict) or not optimizers:
        raise TypeError(f"optimizers must be a non-empty dict {{label: optimizer}}, e.g. "
                        f"{{'SGD': optim.SGD(lr=0.01)}}; got {type(optimizers).__name__}.")
    return {label: run(opt, surface, start, steps, noise, seed) for label, opt in optimizers.items()}


class Scheduled:
    """An optimizer whose learning rate follows ``lr_at(t)`` at step t = 0, 1, 2, ...

    Use it wherever an optimizer goes, e.g. ``landscapes.run(Scheduled(opt, lr_at), surface)``.

    >>> opt = Scheduled(optim.SGD(lr=0.1), lambda t: optim.step_decay(0.1, t, step_size=2, gamma=0.5))
    >>> p = np.array([1.0])
    >>> for _ in range(4):
    ...     opt.step([p], [np.array([1.0])])
    >>> round(float(p[0]), 6)                        # 1 - 0.1 - 0.1 - 0.05 - 0.05
    0.7
    """

    def __init__(self, optimizer, lr_at):
        if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
            raise TypeError(f"optimizer must be an nbtools optimizer such as optim.SGD(lr=0.1), "
                            f"got {type(optimizer).__name__}.")
        if not callable(lr_at):
            raise TypeError(f"lr_at must be a function of the step t, such as "
                            f"lambda t: optim.exponential_decay(0.1, t, gamma=0.99); got {lr_at!r}.")
        self.optimizer, self.lr_at, self.t = optimizer, lr_at, 0

    def reset(self):
        self.optimizer.reset()
        self.t = 0

    def step(self, params, grads):
        self.optimizer.lr = self.lr_at(self.t)
        self.optimizer.step(params, grads)
        self.t += 1

    def __repr__(self):
        return f"Scheduled({self.optimizer!r}, t={self.t})"


# ---------------------------------------------------------------- drawing


def _check_paths(paths):
    if not isinstance(paths, dict) or not paths:
        raise TypeError(f"paths must be a non-empty dict {{label: Trajectory}}, as run_all returns; "
                        f"got {type(paths).__name__}.")
    for label, path in paths.items():
        if not hasattr(path, "points") or not hasattr(path, "losses"):
            raise TypeError(f"paths[{label!r}] must be a Trajectory (from landscapes.run or "
                            f"run_all), got {type(path).__name__}.")
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
    art["minima"], = ax.plot([], [], "*", color="gold", ms=13, mec="k", mew=0.8, zorder=4)
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
    (x0, x1), (y0, y1) = surface.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_title(f"{getattr(surface, 'name', 'surface')}: contours of {name}", fontsize=9)
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


def trajectory_lines(paths, ax=None, mark_every=10):
    """Draw each path of ``{label: Trajectory}`` on ``ax``: a line with a marker every
    ``mark_every`` steps, a bigger marker where it is now, a red cross if it diverged, and a white
    circle at the first path's start. Returns {"ax", "lines", "heads", "crosses", "start"}.
    """
    ax = axes_or_new(ax, (4.5, 4))
    paths = _check_paths(paths)
    mark_every = check_number(mark_every, "mark_every", low=1, integer=True)
    art = {"ax": ax, "lines": [], "heads": [], "crosses": [], "labels": list(paths)}
    for i, path in enumerate(paths.values()):
        style = _line_style(i, path, mark_every)
        art["lines"].append(ax.plot([], [], zorder=3, **style)[0])
        art["heads"].append(ax.plot([], [], marker=style["marker"] or "o", color=style["color"],
                                    ms=8, mec="k", mew=0.8, ls="", zorder=5)[0])
        art["crosses"].append(ax.plot([], [], "X", color="red", ms=10, mec="k", mew=0.6, zorder=6)[0])
    art["start"], = ax.plot([], [], "o", color="white", ms=8, mec="k", mew=1.2, zorder=6)
    return update_trajectory_lines(art, paths)


def _check_upto(upto):
    return None if upto is None else check_number(upto, "upto", low=0, integer=True)


def update_trajectory_lines(art, paths, upto=None):
    """Move the lines to new paths (same labels as when drawn), showing points 0..upto if given."""
    paths = _check_same_labels(art, paths)
    upto = _check_upto(upto)
    for line, head, cross, path in zip(art["lines"], art["heads"], art["crosses"], paths.values()):
        pts = path.points if upto is None else path.points[:upto + 1]
        line.set_data(pts[:, 0], pts[:, 1])
        head.set_data(pts[-1:, 0], pts[-1:, 1])
        gone = path.diverged and (upto is None or upto >= len(path.points) - 1)
        cross.set_data(pts[-1:, 0] if gone else [], pts[-1:, 1] if gone else [])
    first = next(iter(paths.values())).points[0]
    art["start"].set_data([first[0]], [first[1]])
    return art


def _check_same_labels(art, paths):
    paths = _check_paths(paths)
    if list(paths) != art["labels"]:
        raise ValueError(f"paths must have the labels the plot was drawn with, {art['labels']}, "
                         f"got {list(paths)}; draw a new plot for other labels.")
    return paths


def loss_curves(paths, ax=None, f_min=None, mark_every=10, step_every=1, legend="best",
                xlabel="step"):
    """Loss versus step for each path of ``{label: Trajectory or array of losses}``.

    With ``f_min`` (the lowest possible loss, e.g. ``surface.f_min``) it plots loss - f_min on a log
    scale, where steady progress is a straight line; without it the loss on a linear scale.
    mark_every: a marker every that many points. step_every: the paths hold one point every that
    many steps (snapshots of training), which sets the step axis. legend: where the legend goes
    ("best" looks for a free corner at every drawing; a fixed place such as "upper right" is faster).
    xlabel: what one unit of the horizontal axis is ("step", or "epoch" for per-epoch losses).
    Returns {"ax", "lines", "legend", ...}; ``update_loss_curves`` changes them in place.
    """
    ax = axes_or_new(ax, (4.5, 4))
    if not isinstance(paths, dict) or not paths:
        raise TypeError(f"paths must be a non-empty dict {{label: Trajectory or losses}}, got "
                        f"{type(paths).__name__}.")
    mark_every = check_number(mark_every, "mark_every", low=1, integer=True)
    art = {"ax": ax, "lines": [], "labels": list(paths), "f_min": "unset",
           "step_every": check_number(step_every, "step_every", low=1, integer=True)}
    for i, path in enumerate(paths.values()):
        style = _line_style(i, path, mark_every)
        art["lines"].append(ax.plot([], [], **style)[0])
    ax.set_xlabel(xlabel)
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
    return art


def plot(surface, paths, mark_every=10, step_every=1, scale="auto", losses=True,
         figsize=(9, 3.8), dpi=None, legend="best"):
    """The contour map of ``surface`` with ``paths`` on it and, if ``losses``, loss versus step beside.

    paths: {label: Trajectory}, e.g. from ``run_all``. Returns {"fig", "map", "lines", "losses"}
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
        art["losses"] = loss_curves(paths, ax_loss, surface.f_min, mark_every, step_every, legend)
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


def scrubber(art, paths, every=1):
    """An update function ``update(step)`` for a slider that walks along computed ``paths``.

    every: the paths hold one point every that many steps (e.g. ``snapshot_every`` of ``fit``).
    """
    every = check_number(every, "every", low=1, integer=True)
    _check_same_labels(art["lines"], paths)

    def update_step(step):
        update(art, paths, upto=check_number(step, "step", low=0, integer=True) // every)

    return update_step


# ---------------------------------------------------------------- the race: five optimizers, sliders

RACE_NAMES = ("SGD", "momentum", "Nesterov", "RMSProp", "Adam")

# The surfaces of the race, each with a start and learning rates that show the optimizers apart
# (lr_sgd, lr_momentum, lr_nesterov, lr_rmsprop, lr_adam). The saddle is the bounded one.
RACE_SURFACES = {
    "rosenbrock": (Rosenbrock(), (-1.5, 2.0), (1e-3, 1e-3, 1e-3, 1e-2, 5e-2)),
    "quadratic": (Quadratic(condition=20.0, angle=0.5), (-2.5, 1.5), (2e-2, 1e-2, 1e-2, 1e-2, 5e-2)),
    "beale": (Beale(), (1.0, 1.5), (3e-3, 1e-3, 1e-3, 1e-2, 5e-2)),
    "himmelblau": (Himmelblau(), (0.0, 0.0), (1e-3, 1e-4, 1e-4, 1e-2, 5e-2)),
    "saddle": (Saddle(bounded=True), (1.5, 0.01), (1e-2, 1e-2, 1e-2, 1e-2, 5e-2)),
}


class OptimizerRace:
    """SGD, momentum, Nesterov, RMSProp and Adam from one start on one surface, with sliders.

    ``update(**values)`` recomputes the five paths and moves the lines; ``controls()`` makes the
    sliders, named like update's arguments; ``arrange(live)`` lays them out above the figure::

        race = OptimizerRace("rosenbrock")
        live = live_figure(race.fig, race.update, **race.controls())
        race.arrange(live)

    The figure is small (8 x 3.4 inches at 80 dpi) so that a slider move stays fast.
    """

    def __init__(self, surface="rosenbrock", steps=200, noise=0.0, seed=0, figsize=(8, 3.4), dpi=80):
        name = check_choice(surface, "surface", RACE_SURFACES)
        self.seed = seed
        self.values = dict(self.defaults(name), surface=name,
                           steps=check_number(steps, "steps", low=1, integer=True),
                           noise=check_number(noise, "noise", low=0), momentum=0.9, alpha=0.99,
                           beta1=0.9, beta2=0.999)
        self.surface = RACE_SURFACES[name][0]
        paths = self.run(**self.values)
        self.art = plot(self.surface, paths, mark_every=_every(steps), figsize=figsize, dpi=dpi,
                        legend="upper right")
        self.fig = self.art["fig"]
        self._holding = False
        self._controls = None
        self.update(**self.values)  # the same call a slider makes: it also sets the loss axes

    @staticmethod
    def defaults(surface):
        """The start and learning rates that ``surface`` starts with (see ``RACE_SURFACES``).

        Each rate is rounded to the nearest notch of its slider, a power of 10 ** 0.1 (0.05
        becomes 0.0501), which is where the slider in the browser would put it anyway.
        """
        _, (x0, y0), lrs = RACE_SURFACES[check_choice(surface, "surface", RACE_SURFACES)]
        keys = ("lr_sgd", "lr_momentum", "lr_nesterov", "lr_rmsprop", "lr_adam")
        return dict(x0=x0, y0=y0, **{k: 10.0 ** round(np.log10(lr), 1) for k, lr in zip(keys, lrs)})

    @staticmethod
    def optimizers(lr_sgd, lr_momentum, lr_nesterov, lr_rmsprop, lr_adam, momentum, alpha, beta1,
                   beta2):
        """The five optimizers with these hyperparameters, as {label: optimizer}."""
        return {"SGD": optim.SGD(lr=lr_sgd),
                "momentum": optim.SGD(lr=lr_momentum, momentum=momentum),
                "Nesterov": optim.SGD(lr=lr_nesterov, momentum=momentum, nesterov=True),
                "RMSProp": optim.RMSProp(lr=lr_rmsprop, alpha=alpha),
                "Adam": optim.Adam(lr=lr_adam, betas=(beta1, beta2))}

    def run(self, surface, x0, y0, steps, noise, **hyper):
        """The five paths for these control values: {label: Trajectory}."""
        return run_all(self.optimizers(**hyper), RACE_SURFACES[surface][0], start=(x0, y0),
                       steps=steps, noise=noise, seed=self.seed)

    def update(self, surface, x0, y0, steps, noise, **hyper):
        """What a slider move does: recompute the five paths, move the lines, rescale the losses.

        hyper: the arguments of ``optimizers`` (lr_sgd, ..., momentum, alpha, beta1, beta2).
        """
        if self._holding:  # the surface is being switched: wait for the last control to settle
            return
        new_surface = RACE_SURFACES[check_choice(surface, "surface", RACE_SURFACES)][0]
        paths = self.run(surface, x0, y0, steps, noise, **hyper)
        for line in self.art["lines"]["lines"] + self.art["losses"]["lines"]:
            line.set_markevery(_every(steps))
        update(self.art, paths, surface=new_surface if new_surface is not self.surface else None,
               rescale=False)
        # loss axes rounded out to whole powers of ten: most moves keep them, and then only the
        # lines are drawn again (live_figure keeps the rest of the picture)
        height = max(new_surface.f((x0, y0)) - new_surface.f_min, 1e-12)
        self.art["losses"]["ax"].set_xlim(0, steps)
        self.art["losses"]["ax"].set_ylim(*_decade_limits(self.art["losses"]["lines"], height))
        self.surface = new_surface
        self.values = dict(hyper, surface=surface, x0=x0, y0=y0, steps=steps, noise=noise)

    def controls(self):
        """The sliders (and the surface menu), as {name: widget}; each lr slider has its line's colour."""
        import ipywidgets as w

        v, style = self.values, {"description_width": "95px"}
        size = w.Layout(width="300px")
        # a slider would silently clamp a value outside its range: say so instead
        check_number(v["steps"], "steps", low=10, high=500, integer=True)
        check_number(v["noise"], "noise", low=0, high=5)

        def lr(name, label, color):
            return w.FloatLogSlider(value=v[name], base=10, min=-5, max=0, step=0.1,
                                    description=f"{label} lr", readout_format=".1e", layout=size,
                                    style=dict(style, handle_color=color))

        (x_lo, x_hi), (y_lo, y_hi) = self.surface.bounds
        c = {
            "surface": w.Dropdown(options=list(RACE_SURFACES), value=v["surface"],
                                  description="surface", layout=size, style=style),
            "x0": w.FloatSlider(value=v["x0"], min=x_lo, max=x_hi, step=0.01,
                                description="start x", layout=size, style=style),
            "y0": w.FloatSlider(value=v["y0"], min=y_lo, max=y_hi, step=0.01,
                                description="start y", layout=size, style=style),
            "steps": w.IntSlider(value=v["steps"], min=10, max=500, step=10, description="steps",
                                 layout=size, style=style),
            "noise": w.FloatSlider(value=v["noise"], min=0, max=5, step=0.1,
                                   description="noise σ", layout=size, style=style),
        }
        for i, label in enumerate(RACE_NAMES):
            c[f"lr_{label.lower()}"] = lr(f"lr_{label.lower()}", label, COLORS[i])
        c["momentum"] = w.FloatSlider(value=v["momentum"], min=0.1, max=0.99, step=0.01,
                                      description="momentum μ", layout=size, style=style)
        c["alpha"] = w.SelectionSlider(options=[0.5, 0.9, 0.99, 0.999], value=v["alpha"],
                                       description="α (RMSProp)", layout=size, style=style)
        c["beta1"] = w.FloatSlider(value=v["beta1"], min=0.0, max=0.99, step=0.01,
                                   description="β1 (Adam)", layout=size, style=style)
        c["beta2"] = w.SelectionSlider(options=[0.9, 0.99, 0.999, 0.9999], value=v["beta2"],
                                       description="β2 (Adam)", layout=size, style=style)
        c["surface"].observe(self.surface_changed, names="value")
        self._controls = c
        return c

    def surface_changed(self, change):
        """Move the start sliders into the new surface's window and load its learning rates.

        Called when the surface menu changes, before the figure is refreshed (``controls``
        registers it first); the slider changes it makes do not recompute anything.
        """
        name = change["new"]
        surface = RACE_SURFACES[name][0]
        c, values = self._controls, self.defaults(name)
        self._holding = True
        try:
            for key, (lo, hi) in zip(("x0", "y0"), surface.bounds):
                slider = c[key]
                slider.min = min(lo, slider.min)  # widen first: min may never pass max
                slider.max, slider.min = hi, lo
            for key, value in values.items():
                c[key].value = value
        finally:
            self._holding = False

    def arrange(self, live):
        """Lay the controls of ``live`` (what ``live_figure`` returned) out in three columns."""
        import ipywidgets as w

        columns = [("surface", "x0", "y0", "steps", "noise"),
                   ("lr_sgd", "lr_momentum", "lr_nesterov", "momentum"),
                   ("lr_rmsprop", "alpha", "lr_adam", "beta1", "beta2")]
        boxes = [w.VBox([live.controls[name] for name in column]) for column in columns]
        live.widget = w.VBox([w.HBox(boxes), live.image])
        return live


def _decade_limits(lines, height):
    """Powers of ten just below and above the curves, at most 12 decades below the start's
    ``height`` above the minimum and 3 above it (a diverging curve runs off the top)."""
    y = np.concatenate([np.asarray(line.get_ydata(), dtype=np.float64) for line in lines])
    y = y[np.isfinite(y) & (y > 0)]
    low, high = max(y.min(), height * 1e-12), min(y.max(), height * 1e3)
    return 10.0 ** np.floor(np.log10(low)), 10.0 ** np.ceil(np.log10(high))


def _every(steps):
    """A marker every this many steps: about 20 markers per path."""
    return max(1, round(steps / 20))


# ---------------------------------------------------------------- empirical risk and SGD

class EmpiricalRisk(Surface):
    """The empirical risk of a line y_hat = w x + b on data (x_i, y_i), as a surface over p = (w, b):

        f(w, b) = 1/N sum_i 1/2 (w x_i + b - y_i)^2

    It is a quadratic bowl with gradient (mean(r x), mean(r)), r_i = w x_i + b - y_i, and Hessian
    [[mean(x^2), mean(x)], [mean(x), 1]]. ``grad(p, idx)`` is the gradient on the examples ``idx``
    only: one example for per-example SGD, a few for a mini-batch. The window is centred on the
    best line, which is ``minima[0]``, and holds the default start w = b = 0.
    """

    name = "empirical risk"
    axis_names = ("w (slope)", "b (intercept)")

    def __init__(self, x, y):
        self.x = as_float_array(x, "x", ndim=1)
        self.y = as_float_array(y, "y", ndim=1)
        if len(self.x) != len(self.y) or len(self.x) < 2:
            raise ValueError(f"x and y must be 1-D with the same length (at least 2 points), got "
                             f"lengths {len(self.x)} and {len(self.y)}.")
        A = np.column_stack([self.x, np.ones_like(self.x)])
        best = np.linalg.lstsq(A, self.y, rcond=None)[0]
        self.minima = best.reshape(1, 2)
        self.f_min = float(self._f(*best))
        self.start = np.zeros(2)
        r = 1.25 * max(np.abs(best - self.start).max(), 0.5)  # the start and the best line in view
        self.bounds = ((best[0] - r, best[0] + r), (best[1] - r, best[1] + r))

    def _f(self, w, b):
        w, b = np.asarray(w), np.asarray(b)
        r = w[..., None] * self.x + b[..., None] - self.y
        return 0.5 * np.mean(r**2, axis=-1)

    def _grad(self, w, b):
        r = w * self.x + b - self.y
        return np.mean(r * self.x), np.mean(r)

    def _hess(self, w, b):
        return np.mean(self.x**2), np.mean(self.x), 1.0

    def grad(self, p, idx=None):
        """Gradient at p = (w, b) on all examples, or on the examples ``idx`` only."""
        if idx is None:
            return super().grad(p)
        p = as_float_array(p, "p")
        if p.shape != (2,):
            raise ValueError(f"p must be a point (w, b) of shape (2,), got shape {p.shape}.")
        w, b = p
        r = w * self.x[idx] + b - self.y[idx]
        return np.array([np.mean(r * self.x[idx]), np.mean(r)])


def sgd(risk, lr, epochs=1, batch_size=1, decay=0.0, start=None, seed=0):
    """Stochastic gradient descent on an ``EmpiricalRisk``, written out; returns a Trajectory.

    Each epoch visits the N examples once in a random order, ``batch_size`` at a time (1: the
    introduction's per-example SGD; N: full-batch gradient descent). Step t = 0, 1, ... uses the
    step size lr / (1 + decay * t): with decay > 0 it shrinks over time, as the introduction says
    it usually does. Records every step; stops early if the point blows up.
    """
    if not isinstance(risk, EmpiricalRisk):
        raise TypeError(f"risk must be an EmpiricalRisk(x, y), got {type(risk).__name__}.")
    lr = check_number(lr, "lr", low=0, low_open=True)
    epochs = check_number(epochs, "epochs", low=1, integer=True)
    n = len(risk.x)
    batch_size = check_number(batch_size, "batch_size", low=1, high=n, integer=True)
    decay = check_number(decay, "decay", low=0)
    rng = make_rng(seed)
    p = np.array(risk.start if start is None else start, dtype=np.float64)
    points, t = [p.copy()], 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            p = p - lr / (1 + decay * t) * risk.grad(p, order[i:i + batch_size])
            t += 1
            if not np.all(np.abs(p) < 1e10):
                points = np.array(points)
                return Trajectory(points, risk.f_grid(points[:, 0], points[:, 1]), True, t,
                                  "the point blew up")
            points.append(p.copy())
    points = np.array(points)
    return Trajectory(points, risk.f_grid(points[:, 0], points[:, 1]))


# ---------------------------------------------------------------- a sharp and a flat minimum

class SharpFlat(Surface):
    """Two wells of about the same depth in a gentle bowl: a narrow, sharp one and a wide, flat one.

        f(p) = c |p|^2 - sum_k A_k exp(-|p - m_k|^2 / (2 s_k^2))

    with c = 0.04, the sharp well at m_1 = (-1, 0.5) (width s_1 = 0.25) and the flat one at
    m_2 = (0.8, -0.2) (width s_2 = 1), both of depth A = 1. Near a well's centre the curvature is
    about A / s^2: 16 times larger in the sharp one, so gradient descent can settle there only with
    a 16 times smaller learning rate (lr < 2 / curvature), and a small shift of the surface raises
    its loss far more. The sharp minimum is the lower one. ``minima`` are the exact minima
    (near the centres), found with Newton's method.
    """

    name = "sharp and flat minima"
    centers = np.array([[-1.0, 0.5], [0.8, -0.2]])
    widths = np.array([0.25, 1.0])
    depths = np.array([1.0, 1.0])
    c = 0.04

    def __init__(self):
        self.bounds = ((-2.5, 3.0), (-2.0, 2.0))
        self.start = np.array([-1.6, 1.2])
        self.minima = np.array([newton(self, start=m, steps=30).points[-1] for m in self.centers])
        self.f_min = float(min(self.f(m) for m in self.minima))

    def _wells(self, x, y):
        """For each well k: its Gaussian bump A_k exp(...) and the offsets dx, dy from its centre."""
        for (mx, my), s, a in zip(self.centers, self.widths, self.depths):
            dx, dy = x - mx, y - my
            yield a * np.exp(-(dx**2 + dy**2) / (2 * s**2)), dx, dy, s

    def _f(self, x, y):
        return self.c * (x**2 + y**2) - sum(g for g, _, _, _ in self._wells(x, y))

    def _grad(self, x, y):
        gx, gy = 2 * self.c * x, 2 * self.c * y
        for g, dx, dy, s in self._wells(x, y):
            gx, gy = gx + g * dx / s**2, gy + g * dy / s**2
        return gx, gy

    def _hess(self, x, y):
        hxx = hyy = 2 * self.c
        hxy = 0.0
        for g, dx, dy, s in self._wells(x, y):
            hxx = hxx + g * (1 - dx**2 / s**2) / s**2
            hyy = hyy + g * (1 - dy**2 / s**2) / s**2
            hxy = hxy - g * dx * dy / s**4
        return hxx, hxy, hyy


# ---------------------------------------------------------------- exercise checks

_EXERCISE_SURFACE = Quadratic(condition=10.0, angle=0.3)
_EXERCISE_START = (-2.0, 1.5)


def _student_points(step, state, steps):
    """Call a student's step function ``steps`` times on the exercise surface; return the points.

    ``step(p, g, state, t)`` returns (p, state). Stops at the first malformed or non-finite p.
    """
    p, points = np.array(_EXERCISE_START), []
    for t in range(1, steps + 1):
        p, state = step(p.copy(), _EXERCISE_SURFACE.grad(p), state, t)
        p = np.asarray(p, dtype=np.float64)
        points.append(p)
        if p.shape != (2,) or not np.all(np.isfinite(p)):
            break
    return points


def check_momentum_step(momentum_step, steps=5):
    """Exercise check: print whether ``momentum_step(p, g, v, lr, mu) -> (p, v)`` is right."""
    print(momentum_step_verdict(momentum_step, steps)[1])


def momentum_step_verdict(momentum_step, steps=5):
    """(ok, message): does ``momentum_step`` follow optim.SGD(momentum=mu)?

    Runs it ``steps`` times on a quadratic (lr = 0.05, mu = 0.9, v starts at 0) and compares the
    points with those of nbtools.optim's momentum.
    """
    lr, mu = 0.05, 0.9
    points = _student_points(lambda p, g, v, t: momentum_step(p, g, v, lr, mu), np.zeros(2), steps)
    expected = run(optim.SGD(lr=lr, momentum=mu), _EXERCISE_SURFACE, _EXERCISE_START, steps).points[1:]
    return _compare("the path of momentum_step", points, expected,
                    "v = mu * v - lr * g first, then p = p + v (with the new v).")


def check_adam_step(adam_step, steps=5):
    """Exercise check: print whether ``adam_step(p, g, m, v, t, lr, beta1, beta2, eps) -> (p, m, v)``
    is right."""
    print(adam_step_verdict(adam_step, steps)[1])


def adam_step_verdict(adam_step, steps=5):
    """(ok, message): does ``adam_step`` follow optim.Adam?

    Runs it ``steps`` times (t = 1, 2, ...; lr = 0.1, betas (0.9, 0.999), eps 1e-8, m = v = 0 at
    first) on a quadratic and compares the points with those of nbtools.optim's Adam.
    """
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8

    def step(p, g, mv, t):
        p, m, v = adam_step(p, g, mv[0], mv[1], t, lr, beta1, beta2, eps)
        return p, (m, v)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        points = _student_points(step, (np.zeros(2), np.zeros(2)), steps)
    expected = run(optim.Adam(lr=lr, betas=(beta1, beta2), eps=eps), _EXERCISE_SURFACE,
                   _EXERCISE_START, steps).points[1:]
    return _compare("the path of adam_step", points, expected,
                    "m and v are running averages with weights beta and 1 - beta; divide them by "
                    "1 - beta**t with t starting at 1; p = p - lr * m_hat / (sqrt(v_hat) + eps).")


def _compare(name, points, expected, hint):
    """verdict() of the student's points against the expected ones: (ok, message)."""
    bad = [p for p in points if p.shape != (2,)]
    if bad:
        return verdict(name, bad[0], expected[0], hint="return p with the same shape as p, (2,).")
    got = np.full(expected.shape, np.nan)  # a run that stopped early is missing its last points
    got[:len(points)] = points
    return verdict(name, got, expected, hint=hint)
