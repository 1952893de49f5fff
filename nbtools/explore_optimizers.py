"""Sliders over optimizer paths (notebook 08): the optimizer race, and a slider along computed paths.

- ``optimizer_race``: SGD, momentum, Nesterov, RMSProp and Adam from one start on one surface of
  ``RACE_SURFACES``, each learning rate (and the momentum, alpha and betas) on a slider;
- ``path_scrubber``: a slider that walks along computed paths, step by step.

Each returns a ``LiveFigure`` (``nbtools.live``); ``live.set(lr_sgd=0.01)`` does what moving a
slider does.

The paths come from ``walks``, the pictures from ``pathplots``.
"""
import ipywidgets
import numpy as np

from . import optim
from ._checks import check_choice, check_number
from .landscapes import Beale, Himmelblau, Quadratic, Rosenbrock, Saddle
from .live import LiveFigure
from .pathplots import COLORS, plot
from .pathplots import update as pathplots_update
from .walks import run_all


def path_scrubber(surface, paths, every=1, mark_every=5, dpi=80, **plot_kwargs):
    """A slider that walks along computed ``paths`` on ``surface``, step by step.

    ``paths``: {label: Trajectory} from ``walks.run_all``, or the projection of a training run
    that kept one point every ``every`` steps (``snapshot_every`` of ``fit``). The figure is
    ``pathplots.plot(surface, paths, ...)``; the slider ``step`` runs from 0 to the last step in
    notches of ``every`` and starts at the end. Returns a ``LiveFigure``; its ``update(step)``
    shows every path up to that step and returns the artists.
    """
    every = check_number(every, "every", low=1, integer=True)
    art = plot(surface, paths, mark_every=mark_every, step_every=every, dpi=dpi, **plot_kwargs)
    last = every * (max(len(path.points) for path in paths.values()) - 1)

    def update(step):
        pathplots_update(art, paths, upto=check_number(step, "step", low=0, integer=True) // every)
        return art

    step = ipywidgets.IntSlider(value=last, min=0, max=last, step=every, description="step")
    return LiveFigure(art["fig"], update, {"step": step})


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


def race_defaults(surface):
    """The start and learning rates that ``surface`` starts with (see ``RACE_SURFACES``).

    Each rate is rounded to the nearest notch of its slider, a power of 10 ** 0.1 (0.05 becomes
    0.0501), which is where the slider in the browser would put it anyway.
    """
    _, (x0, y0), lrs = RACE_SURFACES[check_choice(surface, "surface", RACE_SURFACES)]
    values = {"x0": x0, "y0": y0}
    for name, lr in zip(RACE_NAMES, lrs):
        values[f"lr_{name.lower()}"] = 10.0 ** round(np.log10(lr), 1)
    return values


def race_optimizers(lr_sgd, lr_momentum, lr_nesterov, lr_rmsprop, lr_adam, momentum, alpha, beta1,
                    beta2):
    """The five optimizers with these hyperparameters, as {label: optimizer}."""
    return {"SGD": optim.SGD(lr=lr_sgd),
            "momentum": optim.SGD(lr=lr_momentum, momentum=momentum),
            "Nesterov": optim.SGD(lr=lr_nesterov, momentum=momentum, nesterov=True),
            "RMSProp": optim.RMSProp(lr=lr_rmsprop, alpha=alpha),
            "Adam": optim.Adam(lr=lr_adam, betas=(beta1, beta2))}


def optimizer_race(surface="rosenbrock", steps=200, noise=0.0, seed=0, figsize=(9.4, 4.0), dpi=96):
    """SGD, momentum, Nesterov, RMSProp and Adam from one start on one surface, with sliders.

    Left: the five paths on the surface's contour map; right: their losses. Every control (the
    surface menu, the start, the number of steps, the gradient noise, each learning rate, the
    momentum, RMSProp's alpha and Adam's betas) recomputes the five paths. Choosing another
    surface also loads its start and learning rates (``race_defaults``). ``noise`` adds the same
    seeded Gaussian noise to every optimizer's gradients.

    Returns a ``LiveFigure``; its ``update(surface, x0, y0, steps, noise, lr_sgd, ..., beta2)``
    returns the artists of ``pathplots.plot`` with the current ``surface`` and ``paths`` added.
    The figure is 9.4 x 4 inches at 96 dpi; a slider move redraws only the paths and the loss
    curves, not the contours, which keeps it fast.
    """
    name = check_choice(surface, "surface", RACE_SURFACES)
    # a slider would silently clamp a value outside its range: say so instead
    steps = check_number(steps, "steps", low=10, high=500, integer=True)
    noise = check_number(noise, "noise", low=0, high=5)
    values = dict(race_defaults(name), surface=name, steps=steps, noise=noise, momentum=0.9,
                  alpha=0.99, beta1=0.9, beta2=0.999)

    def paths_for(surface, x0, y0, steps, noise, **hyper):
        return run_all(race_optimizers(**hyper), RACE_SURFACES[surface][0], start=(x0, y0),
                       steps=steps, noise=noise, seed=seed)

    shown = RACE_SURFACES[name][0]
    art = plot(shown, paths_for(**values), mark_every=_every(steps), figsize=figsize, dpi=dpi,
               legend="upper right")
    art["surface"] = shown

    def update(surface, x0, y0, steps, noise, **hyper):
        new_surface = RACE_SURFACES[check_choice(surface, "surface", RACE_SURFACES)][0]
        paths = paths_for(surface, x0, y0, steps, noise, **hyper)
        for line in art["lines"]["lines"] + art["losses"]["lines"]:
            line.set_markevery(_every(steps))
        redraw_map = new_surface is not art["surface"]
        pathplots_update(art, paths, surface=new_surface if redraw_map else None, rescale=False)
        # loss axes rounded out to whole powers of ten: most moves keep them, and then only the
        # lines are drawn again (the live figure keeps the rest of the picture)
        height = max(new_surface.f((x0, y0)) - new_surface.f_min, 1e-12)
        art["losses"]["ax"].set_xlim(0, steps)
        art["losses"]["ax"].set_ylim(*_decade_limits(art["losses"]["lines"], height))
        art["surface"], art["paths"] = new_surface, paths
        return art

    controls = _race_controls(values, shown.bounds)
    live = None

    def surface_chosen(change):
        """Move the start sliders into the new surface's window and load its learning rates,
        without a redraw for each; the figure then redraws once, for the menu's own change."""
        chosen = RACE_SURFACES[change["new"]][0]
        with live.holding():
            for key, (lo, hi) in zip(("x0", "y0"), chosen.bounds):
                slider = controls[key]
                slider.min = min(lo, slider.min)  # widen first: min may never pass max
                slider.max, slider.min = hi, lo
            for key, value in race_defaults(change["new"]).items():
                controls[key].value = value

    controls["surface"].observe(surface_chosen, names="value")  # before the figure's own observer
    columns = [("surface", "x0", "y0", "steps", "noise"),
               ("lr_sgd", "lr_momentum", "lr_nesterov", "momentum"),
               ("lr_rmsprop", "alpha", "lr_adam", "beta1", "beta2")]
    # The contours stay put while a slider moves: drawn once with the fixed part of the picture,
    # not at every move. Another surface brings new contours, drawn at every move from then on
    # (they cover the old ones); the stars are drawn at every move, above whichever contours.
    still = [art["map"]["filled"], art["map"]["lines"]]
    live = LiveFigure(art["fig"], update, controls, columns=columns, still=still)
    return live


def _race_controls(v, bounds):
    """The race's controls at the values ``v``; each learning-rate slider has its line's colour."""
    style, size = {"description_width": "95px"}, ipywidgets.Layout(width="300px")

    def lr(name, label, color):
        return ipywidgets.FloatLogSlider(value=v[name], base=10, min=-5, max=0, step=0.1,
                                         description=f"{label} lr", readout_format=".1e",
                                         layout=size, style=dict(style, handle_color=color))

    (x_lo, x_hi), (y_lo, y_hi) = bounds
    c = {
        "surface": ipywidgets.Dropdown(options=list(RACE_SURFACES), value=v["surface"],
                                       description="surface", layout=size, style=style),
        "x0": ipywidgets.FloatSlider(value=v["x0"], min=x_lo, max=x_hi, step=0.01,
                                     description="start x", layout=size, style=style),
        "y0": ipywidgets.FloatSlider(value=v["y0"], min=y_lo, max=y_hi, step=0.01,
                                     description="start y", layout=size, style=style),
        "steps": ipywidgets.IntSlider(value=v["steps"], min=10, max=500, step=10,
                                      description="steps", layout=size, style=style),
        "noise": ipywidgets.FloatSlider(value=v["noise"], min=0, max=5, step=0.1,
                                        description="noise σ", layout=size, style=style),
    }
    for i, label in enumerate(RACE_NAMES):
        c[f"lr_{label.lower()}"] = lr(f"lr_{label.lower()}", label, COLORS[i])
    c["momentum"] = ipywidgets.FloatSlider(value=v["momentum"], min=0.1, max=0.99, step=0.01,
                                           description="momentum μ", layout=size, style=style)
    c["alpha"] = ipywidgets.SelectionSlider(options=[0.5, 0.9, 0.99, 0.999], value=v["alpha"],
                                            description="α (RMSProp)", layout=size, style=style)
    c["beta1"] = ipywidgets.FloatSlider(value=v["beta1"], min=0.0, max=0.99, step=0.01,
                                        description="β1 (Adam)", layout=size, style=style)
    c["beta2"] = ipywidgets.SelectionSlider(options=[0.9, 0.99, 0.999, 0.9999], value=v["beta2"],
                                            description="β2 (Adam)", layout=size, style=style)
    return c


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
