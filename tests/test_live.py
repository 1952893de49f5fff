"""Tests of nbtools.live: the figure with controls; callbacks are called directly, as a slider move would."""
import threading

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import data, live as live_module, nn
from nbtools.explore_networks import weight_sliders
from nbtools.live import LiveFigure, figure_png, live_figure
from by_hand import pixels


# ------------------------------------------------------------------ LiveFigure

def test_refresh_calls_update_with_all_values_and_changes_the_image():
    fig, ax = plt.subplots(figsize=(3, 2))
    line, = ax.plot([0, 1], [0, 0])
    ax.set_ylim(-1, 1)
    calls = []

    def update(height, width):
        calls.append((height, width))
        line.set_ydata([0, height])

    live = live_figure(fig, update, height=ipywidgets.FloatSlider(0.0, min=-1, max=1),
                               width=ipywidgets.IntSlider(3))
    first = live.image.value
    live.refresh(height=0.8)
    assert calls == [(0.0, 3), (0.8, 3)]
    assert live.image.value != first and live.image.value[:4] == b"\x89PNG"
    live.controls["height"].value = -0.5          # what the browser does
    assert calls[-1] == (-0.5, 3)


def test_blitted_picture_equals_a_full_redraw():
    X, y = data.v_shape(n=60, seed=0)
    live = weight_sliders(nn.MLP([2, 2, 1], hidden="sigmoid", seed=0), X, y)
    live.refresh(W1_0_0=4.0, b2_0=-1.0)            # only the moving artists are redrawn
    blitted = pixels(live.render())
    live.fig.canvas.draw()                         # everything drawn from scratch
    full = pixels(figure_png(live.fig, dpi=live.dpi))
    assert blitted.shape == full.shape
    differ = np.any(np.abs(blitted - full) > 8, axis=2)
    assert differ.mean() < 0.0005                  # at most a few pixels where a line meets the frame


def test_blitted_picture_of_axes_turned_off_has_no_frame():
    """A diagram drawn with ax.axis("off") must not gain a frame from the fast redraw."""
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.axis("off")
    dot, = ax.plot([0.5], [0.5], "o")
    live = live_figure(fig, lambda x: dot.set_xdata([x]), x=ipywidgets.FloatSlider(0.3))
    live.refresh(x=0.6)
    blitted = pixels(live.render())
    live.fig.canvas.draw()
    full = pixels(figure_png(live.fig, dpi=live.dpi))
    assert not np.any(np.abs(blitted - full) > 8)


class FakeLoop:
    """Stands in for the kernel's main-thread event loop: keeps what it is asked to run."""

    def __init__(self):
        self.callbacks = []

    def add_callback(self, callback):
        self.callbacks.append(callback)


def threads_of_updates(monkeypatch, loop):
    """A live figure whose update records (thread name, k); the kernel's loop replaced by ``loop``."""
    monkeypatch.setattr(live_module, "_main_loop", lambda: loop)
    fig, ax = plt.subplots(figsize=(2, 2))
    line, = ax.plot([0, 1], [0, 0])
    calls = []

    def update(k):
        calls.append((threading.current_thread().name, k))
        line.set_ydata([0, k])

    slider = ipywidgets.IntSlider(0, min=0, max=10)
    live_figure(fig, update, k=slider)
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
        live_figure(fig, "update", a=ipywidgets.IntSlider())
    with pytest.raises(TypeError, match="control 'a' must be an ipywidgets control"):
        live_figure(fig, lambda a: None, a=3)




def test_set_moves_controls_by_name_and_redraws_once():
    fig, ax = plt.subplots(figsize=(3, 2))
    line, = ax.plot([0, 1], [0, 0])
    ax.set_ylim(-1, 1)
    calls = []

    def update(height, kind):
        calls.append((height, kind))
        line.set_ydata([0, height])
        return {"line": line}

    live = LiveFigure(fig, update, {"height": ipywidgets.FloatSlider(0.0, min=-1, max=1),
                                    "kind": ipywidgets.Dropdown(options=["a", "b"], value="a")})
    first = live.image.value
    assert live.set(height=0.5, kind="b") is live
    assert calls == [(0.0, "a"), (0.5, "b")]           # one redraw for two controls moved
    assert live.values() == {"height": 0.5, "kind": "b"}
    assert live.artists == {"line": line} and live.image.value != first
    with pytest.raises(ValueError, match="no control named 'width'"):
        live.set(width=2)
    with pytest.raises(ValueError, match="height"):   # a slider would clamp 3 to 1 silently
        live.set(height=3.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        live.set(kind="c")
    assert live.values() == {"height": 0.5, "kind": "b"} and len(calls) == 2


def test_set_checks_a_log_slider_against_its_range_of_values():
    fig, _ = plt.subplots(figsize=(2, 2))
    live = live_figure(fig, lambda lr: None,
                       lr=ipywidgets.FloatLogSlider(0.01, base=10, min=-3, max=0))
    live.set(lr=0.5)
    assert live.values()["lr"] == 0.5
    with pytest.raises(ValueError, match="lr"):
        live.set(lr=2.0)


def test_rows_arrange_the_controls_and_must_list_each_once():
    fig, _ = plt.subplots(figsize=(2, 2))
    controls = {name: ipywidgets.IntSlider(0) for name in "abc"}
    live = LiveFigure(fig, lambda a, b, c: None, controls, rows=[["a"], ["b", "c"]])
    boxes = live.widget.children[:-1]
    assert [list(box.children) for box in boxes] == \
        [[controls["a"]], [controls["b"], controls["c"]]]
    assert live.widget.children[-1] is live.image
    with pytest.raises(ValueError, match="missing"):
        LiveFigure(fig, lambda a, b, c: None, controls, rows=[["a", "b"]])


def test_columns_and_holding():
    fig, _ = plt.subplots(figsize=(2, 2))
    calls = []
    controls = {name: ipywidgets.IntSlider(0) for name in "abc"}
    live = LiveFigure(fig, lambda a, b, c: calls.append((a, b, c)), controls,
                      columns=[["a", "b"], ["c"]])
    columns = live.widget.children[0].children
    assert [list(column.children) for column in columns] == \
        [[controls["a"], controls["b"]], [controls["c"]]]
    with live.holding():                  # a control that moves others: no redraw meanwhile
        controls["a"].value, controls["b"].value = 1, 2
    assert calls == [(0, 0, 0)]
    controls["c"].value = 3                # a move outside: one redraw with every value
    assert calls == [(0, 0, 0), (1, 2, 3)]
    with pytest.raises(ValueError, match="not both"):
        LiveFigure(fig, lambda a, b, c: None, controls, rows=[["a", "b", "c"]], columns=[["a", "b", "c"]])


# ------------------------------------------------------------------ for animations

def test_jpeg_frames_look_like_the_png_frames():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.imshow(np.linspace(0, 1, 100).reshape(10, 10), cmap="RdBu_r")
    png = live_figure(fig, lambda k: None, k=ipywidgets.IntSlider(1))
    fig2, ax2 = plt.subplots(figsize=(3, 2))
    ax2.imshow(np.linspace(0, 1, 100).reshape(10, 10), cmap="RdBu_r")
    jpeg = LiveFigure(fig2, lambda k: None, {"k": ipywidgets.IntSlider(1)}, image_format="jpeg")
    assert jpeg.image.format == "jpeg" and jpeg.image.value[:3] == b"\xff\xd8\xff"  # JPEG's marker
    a, b = pixels(png.image.value)[..., :3], pixels(jpeg.image.value)[..., :3]
    assert a.shape == b.shape
    assert np.median(np.abs(a.astype(int) - b.astype(int))) <= 2     # lossy, but close
    with pytest.raises(ValueError, match="image_format"):
        LiveFigure(plt.figure(), lambda: None, {}, image_format="gif")


def test_set_still_draws_new_still_artists_with_the_fixed_part():
    fig, ax = plt.subplots(figsize=(3, 2))
    dot, = ax.plot([0.5], [0.5], "o")
    label = ax.text(0.1, 0.1, "old")
    live = LiveFigure(fig, lambda x: dot.set_xdata([x]), {"x": ipywidgets.FloatSlider(0.3)},
                      still=[label])
    label.remove()
    new = ax.text(0.1, 0.8, "new label")
    live.set_still([new])
    live.refresh(x=0.7)
    blitted = pixels(live.render())         # a frame after the new label became still
    live.fig.canvas.draw()
    full = pixels(figure_png(live.fig, dpi=live.dpi))
    assert not np.any(np.abs(blitted.astype(int) - full.astype(int)) > 8)
    new.set_text("changed")         # a still artist is drawn once: frames keep its old picture
    assert np.array_equal(pixels(live.render()), blitted)


def test_on_main_thread_runs_at_once_there_and_queues_from_other_threads(monkeypatch):
    loop = FakeLoop()
    monkeypatch.setattr(live_module, "_main_loop", lambda: loop)
    ran = []
    live_module.on_main_thread(lambda: ran.append(threading.current_thread().name))
    assert ran == [threading.main_thread().name] and loop.callbacks == []
    worker = threading.Thread(target=live_module.on_main_thread, args=(lambda: ran.append("x"),))
    worker.start()
    worker.join()
    assert ran == [threading.main_thread().name] and len(loop.callbacks) == 1
    loop.callbacks[0]()
    assert ran[-1] == "x"
