"""Sliders for the vectorized networks of notebooks 02 and 05, each a ``LiveFigure``.

- ``weight_sliders(net, X, y)``: one slider per weight and bias of a small network, beside its
  decision boundary, each hidden unit's line and the penultimate layer's space (notebook 02).
- ``epoch_scrubber(net, history, X, y)``: a play button and a slider over the weight snapshots of
  a training run, to watch the boundary and the penultimate layer change (notebook 05).
- ``training_playground()``: data set, noise, hidden sizes, activation, learning rate, epochs and
  seed; every change trains a new network and redraws (notebook 05).

Each returns a ``LiveFigure`` (``nbtools.live``): ``live.set(name=value)`` does what moving a
control does; ``live.update`` is the plain function behind the controls.
"""
import copy
import warnings

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from . import data as datasets
from . import layerplots, nn, plots, training
from ._checks import as_points, check_choice, check_number
from .live import LiveFigure, snapshot_slider


def _score(net, X, y):
    """'loss 0.123, accuracy 97%' for the network on (X, y)."""
    loss, acc = training.evaluate(net, X, y)
    return f"loss {loss:.3f}, accuracy {acc:.1%}"


def weight_entries(net):
    """Every single weight and bias of ``net``, unit by unit: (key, label, array, position).

    For unit j of layer l (1-based): W{l}[j,0], W{l}[j,1], ..., then b{l}[j]. ``array[position]``
    is the number itself (``array`` is the layer's own W or b, so writing to it changes ``net``);
    keys are the labels without brackets (W1_0_1, b1_0), so that they can be keyword arguments.
    """
    entries = []
    for l, dense in enumerate(net.dense, start=1):
        W, b = dense.params["W"], dense.params["b"]
        for j in range(W.shape[0]):
            entries += [(f"W{l}_{j}_{k}", f"W{l}[{j},{k}]", W, (j, k)) for k in range(W.shape[1])]
            entries.append((f"b{l}_{j}", f"b{l}[{j}]", b, (j,)))
    return entries


def weight_sliders(net, X, y, limit=10.0, step=0.1, resolution=70, dpi=80):
    """One slider per weight and bias of a small 2-input network, with its boundary and hidden space.

    The left panel is the decision boundary with each first-layer unit's line (``plots``); the
    right one the penultimate layer's space with the output unit's line. The sliders start at the
    weights of ``net`` (rounded to ``step``) and range over [-limit, limit]; they act on a copy of
    ``net``, ``live.net``, so the network you passed in keeps its weights.
    A 2-2-1 network has 9 sliders: W1[j,0], W1[j,1], b1[j] for hidden unit j = 0, 1, then
    W2[0,0], W2[0,1], b2[0] for the output unit.
    """
    net = copy.deepcopy(plots.check_net(net, n_inputs=2))
    X, y = as_points(X, y)
    entries = weight_entries(net)
    if len(entries) > 20:
        raise ValueError(f"net has {len(entries)} parameters; one slider each is only practical for "
                         f"up to 20. Use a small network such as nn.MLP([2, 2, 1]).")
    limit = check_number(limit, "limit", low=0, low_open=True)
    step = check_number(step, "step", low=0, low_open=True)
    fig, (ax_in, ax_hidden) = plt.subplots(1, 2, figsize=(9, 3.9))
    boundary = plots.decision_boundary(net, X, y, ax=ax_in, resolution=resolution, levels=(0.5,))
    lines = plots.hidden_unit_lines(net, ax=ax_in)
    hidden = layerplots.activation_space(net, X, y, ax=ax_hidden)
    ax_in.set_title("loss, accuracy", fontsize=10)   # room for the title update writes
    fig.tight_layout()
    controls = {}
    for key, label, array, position in entries:
        value = float(np.clip(np.round(array[position] / step) * step, -limit, limit))
        controls[key] = ipywidgets.FloatSlider(
            value=value, min=-limit, max=limit, step=step, description=label, readout_format=".1f",
            style={"description_width": "55px"}, layout=ipywidgets.Layout(width="235px"))

    def update(**values):
        for key, _, array, position in entries:
            array[position] = values[key]
        plots.update_decision_boundary(boundary, net)
        plots.update_hidden_unit_lines(lines, net)
        layerplots.update_activation_space(hidden, net)
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
    net = copy.deepcopy(plots.check_net(net, n_inputs=2))
    if not getattr(history, "snapshots", None):
        raise ValueError("history has no weight snapshots; train with "
                         "training.fit(..., snapshot_every=10) to record some.")
    X, y = as_points(X, y)
    if X_val is not None:
        X_val, y_val = as_points(X_val, y_val, "X_val", "y_val")
    steps_per_epoch = len(history.step_loss) / max(history.epochs_run, 1)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    boundary = plots.decision_boundary(net, X, y, ax=axes[0], X_val=X_val, y_val=y_val,
                                       resolution=resolution)
    hidden = layerplots.activation_space(net, X, y, ax=axes[1], X_val=X_val, y_val=y_val)
    curves = plots.training_curves(history, ax=axes[2])
    axes[0].set_title("after ... steps", fontsize=10)   # room for the title update writes
    fig.tight_layout()
    last = len(history.snapshots) - 1
    slider, play = snapshot_slider(last, interval)

    def update(snapshot):
        step, weights = history.snapshots[snapshot]
        net.set_weights(weights)
        plots.update_decision_boundary(boundary, net)
        layerplots.update_activation_space(hidden, net)
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
    # round axis limits change only when the spread crosses 1, 2, 5, 10, ...: the tick labels
    # stay, and most moves redraw only the points (see live.LiveFigure.render)
    space = layerplots.activation_space(net, X, y, ax=axes[1], X_val=X_val, y_val=y_val,
                                        round_limits=True)
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
        layerplots.update_activation_space(space, net, X, y, X_val, y_val)
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
