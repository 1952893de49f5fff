"""Widgets: sliders wired to a figure that redraws in place.

The pattern every experiment in the series uses::

    fig, ax = plt.subplots()
    artists = plots.decision_boundary(net, X, y, ax=ax)      # draw once

    def update(hidden):                                       # a plain function: tests call it
        ...                                                   # change the artists in place

    live_figure(fig, update, hidden=IntSlider(1, 1, 16))      # slider -> update -> new picture

``live_figure`` shows the figure as a PNG in an ``ipywidgets.Image``; moving a control calls
``update(**values)`` with the values of *all* controls, then renders the figure again. Rendering is
kept fast by *blitting*, the trick animations use: the parts of the figure that stay put (axes,
ticks, tick labels) are drawn once and kept as a picture; each refresh pastes that picture back
and draws only the artists inside the axes. Only when an axis limit or label changes is the whole
figure drawn again.

Three builders wire the plots of ``nbtools.plots`` to controls:

- ``weight_sliders(net, X, y)``: one slider per weight and bias of a small network (notebook 02).
- ``epoch_scrubber(net, history, X, y)``: a play button and a slider over the weight snapshots of
  a training run, to watch the boundary and the penultimate layer change (notebook 05).
- ``training_playground()``: data set, noise, hidden sizes, activation, learning rate, epochs and
  seed; every change trains a new network and redraws (notebook 05).

Each returns a ``LiveFigure``; its ``update`` is a plain function of the control values, and
``refresh(**changes)`` does what moving a control does. Tests call both directly.
"""
import copy
import io
import threading
import warnings

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from . import data as datasets
from . import nn, plots, training
from ._checks import as_float_array, as_labels, check_choice, check_number


def _check_figure(fig):
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, such as the fig of fig, ax = plt.subplots(); "
                        f"got {type(fig).__name__}.")
    return fig


def figure_png(fig, dpi=None):
    """The figure rendered to PNG bytes, drawing everything (what ``savefig`` gives)."""
    buf = io.BytesIO()
    _check_figure(fig).savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _moving_artists(fig):
    """Everything drawn inside the axes (images, lines, points, texts, legends, titles, frame)."""
    moving = []
    for ax in fig.axes:
        fixed = {ax.patch, ax.xaxis, ax.yaxis}
        if not ax.axison:  # ax.axis("off"): Axes.draw skips the frame, and so must we
            fixed |= set(ax.spines.values())
        children = [a for a in ax.get_children() if a not in fixed]
        moving += sorted(children, key=lambda a: a.get_zorder())   # the order Axes.draw uses
    return moving + list(fig.texts)


def _static_key(fig):
    """What the fixed part of the picture depends on: when it changes, draw everything again.

    An axis without ticks looks the same whatever its limits, so only the limits of axes with
    ticks count.
    """
    key = [tuple(fig.get_size_inches()), fig.dpi]
    for ax in fig.axes:
        key += [ax.get_position().bounds, ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(),
                ax.get_ylabel(), ax.get_visible(),
                ax.get_xlim() if len(ax.get_xticks()) else None,
                ax.get_ylim() if len(ax.get_yticks()) else None]
    return tuple(key)


class LiveFigure:
    """A figure, an update function and the controls that drive it.

    ``refresh(**changes)`` calls the update function with the current control values (overridden
    by ``changes``) and renders the image again: it is what a slider move does, callable from
    tests. ``widget`` is the ipywidgets box shown in the notebook; ``extras`` are more widgets shown
    next to the controls (a play button, say) that do not call ``update`` themselves.
    """

    def __init__(self, fig, update, controls, dpi=None, extras=()):
        if not callable(update):
            raise TypeError(f"update must be a function of the control values, got {update!r}.")
        _check_figure(fig)
        self.fig, self.update, self.controls = fig, update, controls
        plt.close(fig)  # shown through the Image widget only, never twice
        if dpi is not None:
            fig.set_dpi(check_number(dpi, "dpi", low=10, high=600))
        self.dpi = fig.dpi
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)  # blitting needs the Agg canvas, which keeps its pixels
        self._key, self._background = None, None
        self._queued = False  # a refresh handed to the main thread and not yet run
        self.image = ipywidgets.Image(format="png")
        for control in controls.values():
            control.observe(self._control_moved, names="value")
        row = ipywidgets.HBox([*extras, *controls.values()],
                              layout=ipywidgets.Layout(flex_flow="row wrap"))
        self.widget = ipywidgets.VBox([row, self.image])
        self.refresh()

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, **changes):
        self.update(**{**self.values(), **changes})
        self.image.value = self.render()

    def _control_moved(self, change):
        """A control moved: refresh, always on the kernel's main thread.

        JupyterLab 4.4 and later, with ipykernel 7, deliver widget messages on a thread of their
        own (a kernel "subshell") while cells run on the main thread. Matplotlib is not
        thread-safe: a redraw on that thread can collide with a cell drawing another figure. So
        the redraw is handed to the main thread's event loop, which runs it as soon as no cell is
        running.
        Moves that come while one is waiting need no redraw of their own: it reads the values
        when it runs.
        """
        loop = _main_loop()
        if loop is None or threading.current_thread() is threading.main_thread():
            self.refresh()
        elif not self._queued:
            self._queued = True
            loop.add_callback(self._run_queued)

    def _run_queued(self):
        self._queued = False
        self.refresh()

    def render(self):
        """The figure as PNG bytes. Redraws only the moving artists when the rest is unchanged."""
        canvas, moving, key = self.fig.canvas, _moving_artists(self.fig), _static_key(self.fig)
        if key != self._key:   # draw the fixed part alone and keep it
            for artist in moving:
                artist.set_animated(True)
            canvas.draw()
            for artist in moving:
                artist.set_animated(False)
            self._background, self._key = canvas.copy_from_bbox(self.fig.bbox), key
        else:
            canvas.restore_region(self._background)
        for artist in moving:
            self.fig.draw_artist(artist)
        width, height = canvas.get_width_height(physical=True)
        picture = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        picture.save(buf, format="png", compress_level=1)   # light compression: fast to make
        return buf.getvalue()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def _main_loop():
    """The event loop of the IPython kernel's main thread, or None outside a kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return getattr(getattr(get_ipython(), "kernel", None), "io_loop", None)


def live_figure(fig, update, dpi=None, **controls):
    """Wire ipywidgets ``controls`` (keyword name -> widget) to ``update(**values)`` and ``fig``."""
    for name, control in controls.items():
        if not hasattr(control, "observe") or not hasattr(control, "value"):
            raise TypeError(f"control {name!r} must be an ipywidgets control with a value, got {control!r}.")
    return LiveFigure(fig, update, controls, dpi=dpi)


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------

def _check_data(X, y, name_X="X", name_y="y"):
    X = as_float_array(X, name_X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"{name_X} must have shape (n, 2), points in the plane, got {X.shape}.")
    return X, as_labels(y, name_y, n=len(X))


def _score(net, X, y):
    """'loss 0.123, accuracy 97%' for the network on (X, y)."""
    loss, acc = training.evaluate(net, X, y)
    return f"loss {loss:.3f}, accuracy {acc:.1%}"


def parameter_names(net):
    """(key, label, layer index, array name, position) for every weight and bias, unit by unit.

    For unit j of layer l (1-based): W{l}[j,0], W{l}[j,1], ..., then b{l}[j]; keys are the same
    without brackets (W1_0_1, b1_0) so that they can be keyword arguments.
    """
    names = []
    for l, dense in enumerate(net.dense, start=1):
        n_out, n_in = dense.params["W"].shape
        for j in range(n_out):
            names += [(f"W{l}_{j}_{k}", f"W{l}[{j},{k}]", l - 1, "W", (j, k)) for k in range(n_in)]
            names.append((f"b{l}_{j}", f"b{l}[{j}]", l - 1, "b", (j,)))
    return names


def weight_sliders(net, X, y, limit=10.0, step=0.1, resolution=70, dpi=80):
    """One slider per weight and bias of a small 2-input network, with its boundary and hidden space.

    The left panel is the decision boundary with each first-layer unit's line (``plots``); the
    right one the penultimate layer's space with the output unit's line. The sliders start at the
    weights of ``net`` (rounded to ``step``) and range over [-limit, limit]; they act on a copy of
    ``net``, ``live.net``, so the network you passed in keeps its weights.
    A 2-2-1 network has 9 sliders: W1[j,0], W1[j,1], b1[j] for hidden unit j = 0, 1, then
    W2[0,0], W2[0,1], b2[0] for the output unit.
    """
    net = copy.deepcopy(plots._check_net(net, n_inputs=2))
    X, y = _check_data(X, y)
    names = parameter_names(net)
    if len(names) > 20:
        raise ValueError(f"net has {len(names)} parameters; one slider each is only practical for "
                         f"up to 20. Use a small network such as nn.MLP([2, 2, 1]).")
    limit = check_number(limit, "limit", low=0, low_open=True)
    step = check_number(step, "step", low=0, low_open=True)
    fig, (ax_in, ax_hidden) = plt.subplots(1, 2, figsize=(9, 3.9))
    boundary = plots.decision_boundary(net, X, y, ax=ax_in, resolution=resolution, levels=(0.5,))
    lines = plots.hidden_unit_lines(net, ax=ax_in)
    hidden = plots.activation_space(net, X, y, ax=ax_hidden)
    ax_in.set_title("loss, accuracy", fontsize=10)   # room for the title update writes
    fig.tight_layout()
    params = net.parameters()
    controls = {}
    for key, label, l, kind, position in names:
        value = float(np.clip(np.round(params[2 * l + (kind == "b")][position] / step) * step, -limit, limit))
        controls[key] = ipywidgets.FloatSlider(
            value=value, min=-limit, max=limit, step=step, description=label, readout_format=".1f",
            style={"description_width": "55px"}, layout=ipywidgets.Layout(width="235px"))

    def update(**values):
        for key, _, l, kind, position in names:
            params[2 * l + (kind == "b")][position] = values[key]
        plots.update_decision_boundary(boundary, net)
        plots.update_hidden_unit_lines(lines, net)
        plots.update_activation_space(hidden, net)
        ax_in.set_title(_score(net, X, y), fontsize=10)

    live = LiveFigure(fig, update, controls, dpi=dpi)
    live.net, live.artists = net, {"boundary": boundary, "lines": lines, "hidden": hidden}
    return live


def epoch_scrubber(net, history, X, y, X_val=None, y_val=None, resolution=70, interval=200, dpi=80):
    """A play button and a slider over the snapshots of a training run.

    ``history`` comes from ``training.fit(..., snapshot_every=k)``: snapshot i holds the weights
    after ``history.snapshots[i][0]`` steps. Moving the slider to i loads those weights into a copy
    of ``net`` (``live.net``) and redraws the decision boundary, the penultimate layer's space and
    a marker on the loss curve. The play button steps through the snapshots every ``interval`` ms.
    """
    net = copy.deepcopy(plots._check_net(net, n_inputs=2))
    if not getattr(history, "snapshots", None):
        raise ValueError("history has no weight snapshots; train with "
                         "training.fit(..., snapshot_every=10) to record some.")
    X, y = _check_data(X, y)
    if X_val is not None:
        X_val, y_val = _check_data(X_val, y_val, "X_val", "y_val")
    steps_per_epoch = len(history.step_loss) / max(history.epochs_run, 1)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    boundary = plots.decision_boundary(net, X, y, ax=axes[0], X_val=X_val, y_val=y_val,
                                       resolution=resolution)
    hidden = plots.activation_space(net, X, y, ax=axes[1], X_val=X_val, y_val=y_val)
    curves = plots.training_curves(history, ax=axes[2])
    axes[0].set_title("after ... steps", fontsize=10)   # room for the title update writes
    fig.tight_layout()
    last = len(history.snapshots) - 1
    slider = ipywidgets.IntSlider(0, 0, last, description="snapshot")
    play = ipywidgets.Play(value=0, min=0, max=last, interval=interval, description="play")
    ipywidgets.jslink((play, "value"), (slider, "value"))

    def update(snapshot):
        step, weights = history.snapshots[snapshot]
        net.set_weights(weights)
        plots.update_decision_boundary(boundary, net)
        plots.update_activation_space(hidden, net)
        plots.update_training_curves(curves, history, epoch=step / steps_per_epoch, rescale=False)
        axes[0].set_title(f"after {step} steps: {_score(net, X, y)}", fontsize=10)

    live = LiveFigure(fig, update, {"snapshot": slider}, dpi=dpi, extras=[play])
    live.net, live.play = net, play
    live.artists = {"boundary": boundary, "hidden": hidden, "curves": curves}
    return live


PLAYGROUND_DATA = ("linear", "v_shape", "xor", "circles", "moons", "spirals")
PLAYGROUND_HIDDEN = ("2", "4", "8", "2-2", "4-2", "8-2", "16-16", "16-16-2")


def train_for_playground(data="moons", noise=0.1, hidden="16-16", activation="relu", lr=0.03,
                         epochs=300, seed=0, n=200):
    """The experiment behind ``training_playground``: make the data, train, return everything.

    Training data: ``n`` points of the named set (data seed 0); validation: n // 2 more (seed 1).
    The network is [2, *hidden, 1] with the given hidden activation and initial-weight ``seed``,
    trained full batch with Adam for ``epochs`` steps. Returns (net, history, X, y, X_val, y_val).
    """
    try:
        sizes = [int(s) for s in str(hidden).split("-")]
    except ValueError:
        raise ValueError(f"hidden must be the hidden layer sizes joined by '-', such as '16-16' "
                         f"(two layers of 16) or '4' (one layer of 4); got {hidden!r}.") from None
    X, y = datasets.load(data, n=n, noise=noise, seed=0)
    X_val, y_val = datasets.load(data, n=max(n // 2, 2), noise=noise, seed=1)
    net = nn.MLP([2, *sizes, 1], hidden=activation, seed=seed)
    with warnings.catch_warnings():   # divergence is shown in the figure's title instead
        warnings.simplefilter("ignore", training.DivergenceWarning)
        history = training.fit(net, X, y, optimizer="adam", lr=lr, epochs=epochs, batch_size=None,
                               seed=seed, validation=(X_val, y_val), progress=False)
    return net, history, X, y, X_val, y_val


def training_playground(data="moons", noise=0.1, hidden="16-16", activation="relu", lr=0.03,
                        epochs=300, seed=0, resolution=70, dpi=80):
    """Controls for data set, noise, hidden sizes, activation, learning rate, epochs and seed.

    Every change trains a new network (``train_for_playground``) and redraws three panels: the
    decision boundary with training and validation points, the penultimate layer's space, and the
    loss curves. Sliders react when released, not while dragged. ``live.state`` holds the
    latest network and history.
    """
    # the controls below cannot show other values (a slider would silently clamp them): check first
    data = check_choice(data, "data", PLAYGROUND_DATA)
    hidden = check_choice(hidden, "hidden", PLAYGROUND_HIDDEN)
    activation = check_choice(activation, "activation", ("relu", "tanh", "sigmoid"))
    noise = check_number(noise, "noise", low=0.0, high=0.5)
    lr = check_number(lr, "lr", low=1e-3, high=1.0)
    epochs = check_number(epochs, "epochs", low=0, high=1000, integer=True)
    seed = check_number(seed, "seed", low=0, high=9, integer=True)
    net, history, X, y, X_val, y_val = train_for_playground(data, noise, hidden, activation, lr,
                                                            epochs, seed)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    boundary = plots.decision_boundary(net, X, y, ax=axes[0], X_val=X_val, y_val=y_val,
                                       resolution=resolution, extent=(-2.6, 2.6, -2.6, 2.6))
    space = plots.activation_space(net, X, y, ax=axes[1], X_val=X_val, y_val=y_val)
    axes[1].set_xticks([])   # its scale changes with every run; no ticks keeps redrawing fast
    axes[1].set_yticks([])
    curves = plots.training_curves(history, ax=axes[2])
    axes[2].set_ylim(1e-3, 2.0)
    axes[0].set_title("train\nvalidation", fontsize=9)   # room for the two title lines of update
    fig.tight_layout()
    released = {"continuous_update": False, "style": {"description_width": "70px"}}
    controls = {
        "data": ipywidgets.Dropdown(options=PLAYGROUND_DATA, value=data, description="data",
                                    style=released["style"]),
        "noise": ipywidgets.FloatSlider(noise, min=0.0, max=0.5, step=0.05, description="noise",
                                        **released),
        "hidden": ipywidgets.Dropdown(options=PLAYGROUND_HIDDEN, value=hidden, description="hidden",
                                      style=released["style"]),
        "activation": ipywidgets.Dropdown(options=("relu", "tanh", "sigmoid"), value=activation,
                                          description="activation", style=released["style"]),
        "lr": ipywidgets.FloatLogSlider(lr, base=10, min=-3, max=0, step=0.25, description="lr",
                                        readout_format=".3f", **released),
        "epochs": ipywidgets.IntSlider(epochs, min=0, max=1000, step=50, description="epochs",
                                       **released),
        "seed": ipywidgets.IntSlider(seed, min=0, max=9, description="seed", **released),
    }

    def update(data, noise, hidden, activation, lr, epochs, seed):
        net, history, X, y, X_val, y_val = train_for_playground(data, noise, hidden, activation,
                                                                lr, epochs, seed)
        plots.update_decision_boundary(boundary, net, X, y, X_val, y_val)
        space["layer"] = len(net.sizes) - 2   # the penultimate layer of this (perhaps new) depth
        plots.update_activation_space(space, net, X, y, X_val, y_val)
        plots.update_training_curves(curves, history, rescale=False)
        axes[2].set_xlim(0, max(epochs, 1))
        title = (f"diverged: {history.message[:40]}" if history.diverged else
                 f"train {_score(net, X, y)}\nvalidation {_score(net, X_val, y_val)}")
        axes[0].set_title(title, fontsize=9)
        state.update(net=net, history=history)

    state = {}
    live = LiveFigure(fig, update, controls, dpi=dpi)
    live.state = state   # the network and history of the latest run
    live.artists = {"boundary": boundary, "space": space, "curves": curves}
    return live
