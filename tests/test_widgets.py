"""Tests of nbtools.widgets: callbacks are called directly, as a slider move would call them."""
import io
import threading

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from nbtools import data, nn, training, widgets


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def probabilities_221(weights, points):
    """P(y = 1) of a 2-2-1 sigmoid network, written out from its weights [W1, b1, W2, b2]."""
    W1, b1, W2, b2 = weights
    return sigmoid(sigmoid(points @ W1.T + b1) @ W2.T + b2)[:, 0]


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


# ------------------------------------------------------------------ LiveFigure

def test_refresh_calls_update_with_all_values_and_changes_the_image():
    fig, ax = plt.subplots(figsize=(3, 2))
    line, = ax.plot([0, 1], [0, 0])
    ax.set_ylim(-1, 1)
    calls = []

    def update(height, width):
        calls.append((height, width))
        line.set_ydata([0, height])

    live = widgets.live_figure(fig, update, height=ipywidgets.FloatSlider(0.0, min=-1, max=1),
                               width=ipywidgets.IntSlider(3))
    first = live.image.value
    live.refresh(height=0.8)
    assert calls == [(0.0, 3), (0.8, 3)]
    assert live.image.value != first and live.image.value[:4] == b"\x89PNG"
    live.controls["height"].value = -0.5          # what the browser does
    assert calls[-1] == (-0.5, 3)


def test_blitted_picture_equals_a_full_redraw():
    X, y = data.v_shape(n=60, seed=0)
    live = widgets.weight_sliders(nn.MLP([2, 2, 1], hidden="sigmoid", seed=0), X, y)
    live.refresh(W1_0_0=4.0, b2_0=-1.0)            # only the moving artists are redrawn
    blitted = pixels(live.render())
    live.fig.canvas.draw()                         # everything drawn from scratch
    full = pixels(widgets.figure_png(live.fig, dpi=live.dpi))
    assert blitted.shape == full.shape
    differ = np.any(np.abs(blitted - full) > 8, axis=2)
    assert differ.mean() < 0.0005                  # at most a few pixels where a line meets the frame


def test_blitted_picture_of_axes_turned_off_has_no_frame():
    """A diagram drawn with ax.axis("off") must not gain a frame from the fast redraw."""
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.axis("off")
    dot, = ax.plot([0.5], [0.5], "o")
    live = widgets.live_figure(fig, lambda x: dot.set_xdata([x]), x=ipywidgets.FloatSlider(0.3))
    live.refresh(x=0.6)
    blitted = pixels(live.render())
    live.fig.canvas.draw()
    full = pixels(widgets.figure_png(live.fig, dpi=live.dpi))
    assert not np.any(np.abs(blitted - full) > 8)


class FakeLoop:
    """Stands in for the kernel's main-thread event loop: keeps what it is asked to run."""

    def __init__(self):
        self.callbacks = []

    def add_callback(self, callback):
        self.callbacks.append(callback)


def threads_of_updates(monkeypatch, loop):
    """A live figure whose update records (thread name, k); the kernel's loop replaced by ``loop``."""
    monkeypatch.setattr(widgets, "_main_loop", lambda: loop)
    fig, ax = plt.subplots(figsize=(2, 2))
    line, = ax.plot([0, 1], [0, 0])
    calls = []

    def update(k):
        calls.append((threading.current_thread().name, k))
        line.set_ydata([0, k])

    slider = ipywidgets.IntSlider(0, min=0, max=10)
    widgets.live_figure(fig, update, k=slider)
    calls.clear()  # the first picture, drawn when the figure is made
    return slider, calls


def test_a_slider_moved_on_another_thread_redraws_on_the_main_thread(monkeypatch):
    # JupyterLab >= 4.4 with ipykernel 7 sets widget values on a "subshell" thread.
    loop = FakeLoop()
    slider, calls = threads_of_updates(monkeypatch, loop)

    def move_three_times():
        for k in (1, 2, 3):
            slider.value = k

    mover = threading.Thread(target=move_three_times, name="subshell")
    mover.start()
    mover.join()
    assert calls == [], "update ran on the widget thread instead of being handed to the main loop"
    assert len(loop.callbacks) == 1, "moves while a redraw waits must not queue more redraws"
    loop.callbacks.pop()()  # what the main loop does once no cell is running
    assert calls == [("MainThread", 3)]

    mover = threading.Thread(target=lambda: setattr(slider, "value", 4), name="subshell")
    mover.start()
    mover.join()
    assert len(loop.callbacks) == 1, "once the waiting redraw has run, a new move queues another"
    loop.callbacks.pop()()
    assert calls == [("MainThread", 3), ("MainThread", 4)]


def test_a_slider_moved_on_the_main_thread_or_outside_a_kernel_redraws_at_once(monkeypatch):
    for loop in (FakeLoop(), None):
        slider, calls = threads_of_updates(monkeypatch, loop)
        slider.value = 5
        assert calls == [("MainThread", 5)]
        assert loop is None or loop.callbacks == []


def test_live_figure_checks_its_arguments():
    fig, _ = plt.subplots()
    with pytest.raises(TypeError, match="update must be a function"):
        widgets.live_figure(fig, "update", a=ipywidgets.IntSlider())
    with pytest.raises(TypeError, match="control 'a' must be an ipywidgets control"):
        widgets.live_figure(fig, lambda a: None, a=3)


# ------------------------------------------------------------------ weight sliders

def test_weight_sliders_set_the_nine_weights_of_a_221_network():
    X, y = data.v_shape(n=60, seed=0)
    net = nn.MLP([2, 2, 1], hidden="sigmoid", seed=0)
    original = net.get_weights()
    live = widgets.weight_sliders(net, X, y)
    labels = [c.description for c in live.controls.values()]
    assert labels == ["W1[0,0]", "W1[0,1]", "b1[0]", "W1[1,0]", "W1[1,1]", "b1[1]",
                      "W2[0,0]", "W2[0,1]", "b2[0]"]
    assert live.controls["W1_1_0"].value == pytest.approx(round(original[0][1, 0], 1))
    hand = {"W1_0_0": -3.0, "W1_0_1": 3.0, "b1_0": 3.0, "W1_1_0": 3.0, "W1_1_1": 3.0, "b1_1": 3.0,
            "W2_0_0": 6.0, "W2_0_1": 6.0, "b2_0": -9.0}
    before = live.image.value
    live.refresh(**hand)
    W1 = np.array([[-3.0, 3.0], [3.0, 3.0]])
    weights = [W1, np.array([3.0, 3.0]), np.array([[6.0, 6.0]]), np.array([-9.0])]
    for got, want in zip(live.net.get_weights(), weights):
        assert np.allclose(got, want)
    boundary = live.artists["boundary"]
    xx, _, points = boundary["grid"]
    assert np.allclose(boundary["image"].get_array(), probabilities_221(weights, points).reshape(xx.shape))
    line = np.column_stack(live.artists["lines"]["lines"][0].get_data())
    assert np.allclose(line @ W1[0] + 3.0, 0)
    assert np.allclose(live.artists["hidden"]["train"].get_offsets(), sigmoid(X @ W1.T + 3.0))
    accuracy = np.mean((probabilities_221(weights, X) >= 0.5) == y)
    assert boundary["ax"].get_title().endswith(f"accuracy {accuracy:.1%}")
    assert live.image.value != before
    for got, want in zip(net.get_weights(), original):     # the network passed in is untouched
        assert np.array_equal(got, want)


def test_weight_sliders_refuse_a_big_network():
    X, y = data.v_shape(n=20, seed=0)
    with pytest.raises(ValueError, match="up to 20"):
        widgets.weight_sliders(nn.MLP([2, 8, 1]), X, y)


# ------------------------------------------------------------------ epoch scrubber

@pytest.fixture(scope="module")
def run():
    X, y = data.v_shape(n=80, seed=0)
    net = nn.MLP([2, 2, 1], hidden="sigmoid", seed=1)
    history = training.fit(net, X, y, lr=0.1, epochs=60, batch_size=None, snapshot_every=20,
                           progress=False)
    return net, history, X, y


def test_epoch_scrubber_shows_snapshot_k(run):
    net, history, X, y = run
    live = widgets.epoch_scrubber(net, history, X, y)
    assert [s for s, _ in history.snapshots] == [0, 20, 40, 60]
    assert live.controls["snapshot"].max == 3 and live.play.max == 3
    boundary, curves = live.artists["boundary"], live.artists["curves"]
    xx, _, points = boundary["grid"]
    for k in (2, 0, 3):
        live.refresh(snapshot=k)
        weights = history.snapshots[k][1]
        for got, want in zip(live.net.get_weights(), weights):
            assert np.array_equal(got, want)
        assert np.allclose(boundary["image"].get_array(), probabilities_221(weights, points).reshape(xx.shape))
        W1, b1 = weights[:2]
        assert np.allclose(live.artists["hidden"]["train"].get_offsets(), sigmoid(X @ W1.T + b1))
        assert list(curves["marker"].get_xdata()) == [20 * k, 20 * k]     # full batch: step = epoch
        assert boundary["ax"].get_title().startswith(f"after {20 * k} steps")
    assert net.get_weights()[0] is not live.net.get_weights()[0]


def test_epoch_scrubber_needs_snapshots(run):
    net, _, X, y = run
    history = training.fit(nn.MLP([2, 2, 1]), X, y, epochs=2, batch_size=None, progress=False)
    with pytest.raises(ValueError, match="snapshot_every"):
        widgets.epoch_scrubber(net, history, X, y)


# ------------------------------------------------------------------ training playground

def test_training_playground_retrains_on_every_change():
    live = widgets.training_playground(data="moons", hidden="4-2", activation="tanh", epochs=50)
    assert set(live.controls) == {"data", "noise", "hidden", "activation", "lr", "epochs", "seed"}
    first_net = live.state["net"]
    assert first_net.sizes == [2, 4, 2, 1]
    assert live.artists["space"]["layer"] == 2
    image = np.array(live.artists["boundary"]["image"].get_array())

    live.refresh(seed=3)
    expected_net = widgets.train_for_playground("moons", 0.1, "4-2", "tanh", 0.03, 50, 3)[0]
    for got, want in zip(live.state["net"].get_weights(), expected_net.get_weights()):
        assert np.allclose(got, want)
    assert not np.allclose(live.artists["boundary"]["image"].get_array(), image)

    live.refresh(data="circles", hidden="8", epochs=20)
    X, y = data.circles(n=200, noise=0.1, seed=0)
    assert live.state["net"].sizes == [2, 8, 1] and live.state["history"].epochs_run == 20
    assert np.allclose(live.artists["boundary"]["train"].get_offsets(), X)
    assert live.artists["space"]["layer"] == 1
    assert live.artists["space"]["note"].get_text().startswith("PCA of 8 units")


def test_training_playground_reports_divergence_in_the_title():
    live = widgets.training_playground(data="linear", hidden="2", activation="relu", epochs=20)
    live.refresh(lr=1e9)
    assert live.artists["boundary"]["ax"].get_title().startswith("diverged")
