"""Notebook 13's playground as people meet it: the Voilà app opened from a link, and JupyterLab.

The Voilà test opens the app with a state in its address (the way a teacher shares a configured
playground) and checks that the controls show that state and that no code is shown; then it
presses play and sees the picture change and the epoch grow, presses pause and sees both stop,
moves a control, clicks on the output plane to add a point, and checks that the state text
followed. The JupyterLab test runs the notebook top to bottom, pastes the same state into the
state box, and does the same. A third test opens the app with a damaged state in the address:
the default playground appears, with a message saying why. Screenshots go to
tests/browser/screenshots/ (not committed) to look at.

The page is read through the CSS classes the dashboard gives its widgets (``pg-<control>``,
``pg-play``, ``pg-epoch``, ``pg-image``, ``pg-plane-box``, ...; see nbtools/explore_playground.py).
"""
import re
import time
from pathlib import Path

import pytest

from lab import PANEL, errors, open_notebook, run_all_and_wait

from nbtools.playground import LIMIT
from nbtools.playground_state import CONTROLS, State, decode, encode

NOTEBOOK = "notebooks/13_playground.ipynb"
ROOT = Path(__file__).resolve().parents[2]

# A state a teacher might share: XOR, three hidden layers, a faster learning rate, the test
# points shown, and the noise slider hidden from the class.
SHARED = State(dataset="xor", layers=(4, 4, 2), lr=0.1, show_test=True, hide=("noise",))

APP_START_LIMIT = 120  # s: kernel start, imports and the first picture on a cold, loaded machine
FRAMES_WANTED = 4  # new pictures to see while playing
PLAY_LIMIT = 20  # s to see them in (the target is 10 frames per second)
REPLY_LIMIT = 10  # s for the kernel to answer a button, a control or a click


def wait_until(condition, limit, what):
    """Poll ``condition()`` until it returns something true; fail saying ``what`` after
    ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} (waited {limit} s)")
        time.sleep(0.05)


def text(root, name):
    """The text of the widget with class ``pg-<name>`` (also when it is not displayed)."""
    return root.locator(f".pg-{name}").first.text_content().strip()


def epoch(root):
    found = re.search(r"epoch (\d+)", text(root, "epoch"))
    assert found, f"pg-epoch should say 'epoch N', it says {text(root, 'epoch')!r}"
    return int(found[1])


def selected(root, name):
    """The label shown by the dropdown ``pg-<name>``."""
    return root.locator(f".pg-{name} select").evaluate("s => s.options[s.selectedIndex].text")


def state_text(root):
    return root.locator(".pg-state input").input_value()


def image_src(root):
    return root.locator(".pg-image").first.get_attribute("src")


def check_shows(root, state):
    """The controls show ``state`` (data set, learning rate, test points, layers, hidden
    controls), and so does the state text."""
    assert selected(root, "dataset") == state.dataset
    assert float(selected(root, "lr")) == state.lr
    assert root.locator(".pg-show_test input[type=checkbox]").is_checked() == state.show_test
    layers = root.locator(".pg-layers .widget-readout").text_content().strip()
    assert layers == str(len(state.layers)), f"the hidden layers slider shows {layers}"
    for name in CONTROLS:
        shown = root.locator(f".pg-{name}").first.is_visible()
        if name in state.hide:
            assert not shown, f"the control {name!r} should be hidden (the state hides it)"
    assert root.locator(".pg-dataset").first.is_visible()
    assert decode(state_text(root)) == state, f"the state text says {state_text(root)!r}"


def play_and_pause(root, epf):
    """Press play: the picture changes and the epoch grows; press pause: both stop within one
    frame (``epf`` epochs)."""
    play = root.locator(".pg-play")
    assert play.inner_text().strip() == "play"
    epoch_before, frames, src = epoch(root), [], image_src(root)
    play.click()
    wait_until(lambda: play.inner_text().strip() == "pause", REPLY_LIMIT,
               "the play button did not turn into 'pause' when pressed")
    deadline = time.monotonic() + PLAY_LIMIT
    while len(frames) < FRAMES_WANTED and time.monotonic() < deadline:
        new = image_src(root)
        if new != src:
            frames.append(time.monotonic())
            src = new
        time.sleep(0.02)
    assert len(frames) >= FRAMES_WANTED, (
        f"while playing, the picture changed {len(frames)} times in {PLAY_LIMIT} s")
    wait_until(lambda: epoch(root) > epoch_before, REPLY_LIMIT,
               "the epoch did not grow while playing")

    play.click()
    wait_until(lambda: play.inner_text().strip() == "play", REPLY_LIMIT,
               "the pause button did not turn back into 'play' when pressed")
    paused_at = epoch(root)
    time.sleep(1.0)  # the frame being drawn when pause arrived may still come; no other
    stopped_at, src = epoch(root), image_src(root)
    assert stopped_at - paused_at <= epf, (
        f"after pause the epoch went on from {paused_at} to {stopped_at}: more than one frame "
        f"({epf} epochs)")
    time.sleep(1.0)
    assert epoch(root) == stopped_at, (
        f"the epoch went on from {stopped_at} to {epoch(root)} after pause")
    assert image_src(root) == src, "the picture still changes two seconds after pause"
    return stopped_at - epoch_before


def change_learning_rate(root):
    """Choose another learning rate: the state text says so."""
    before = state_text(root)
    root.locator(".pg-lr select").select_option(label="0.3")
    wait_until(lambda: "lr=0.3&" in state_text(root), REPLY_LIMIT,
               f"the state text did not follow the learning rate (it says {state_text(root)!r})")
    assert state_text(root) != before


def click_on_plane(root, click):
    """Click inside the output plane, 40% across and 60% down: one added point, of the class
    chosen under "click adds" (``click``), where the click was (the plane spans -LIMIT..LIMIT
    both ways, x2 upwards), and the state text holds it."""
    assert re.search(r"\b0 added points", text(root, "points")), text(root, "points")
    box = [float(v) for v in text(root, "plane-box").split()]
    assert len(box) == 4 and 0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1, (
        f"pg-plane-box should hold 'left top right bottom' as fractions, it holds {box}")
    image = root.locator(".pg-image").first
    image.scroll_into_view_if_needed()
    shown = image.bounding_box()
    left, top, right, bottom = box
    x = (left + 0.4 * (right - left)) * shown["width"]
    y = (top + 0.6 * (bottom - top)) * shown["height"]
    image.click(position={"x": x, "y": y})
    wait_until(lambda: re.search(r"\b1 added points?", text(root, "points")), REPLY_LIMIT,
               f"a click on the plane added no point (pg-points says {text(root, 'points')!r}; "
               f"pg-message says {text(root, 'message')!r})")
    wait_until(lambda: "points=" in state_text(root), REPLY_LIMIT,
               "the state text does not hold the added point")
    (x1, x2, label), = decode(state_text(root)).points
    expected = (-LIMIT + 0.4 * 2 * LIMIT, LIMIT - 0.6 * 2 * LIMIT)
    pixel = 2 * LIMIT / min(shown["width"], shown["height"]) / min(right - left, bottom - top)
    assert abs(x1 - expected[0]) <= 0.05 + pixel and abs(x2 - expected[1]) <= 0.05 + pixel, (
        f"the click meant to land at {expected} added a point at {(x1, x2)}")
    assert label == click, f"the added point has class {label}; 'click adds' says {click}"


def exercise(root, state):
    """Everything a visitor does, on a playground that shows ``state``; the epochs played."""
    check_shows(root, state)
    assert "train loss" in text(root, "readout") and "test loss" in text(root, "readout")
    epochs = play_and_pause(root, state.epf)
    change_learning_rate(root)
    click_on_plane(root, state.click)
    assert text(root, "message") == "", text(root, "message")
    return epochs


def screenshot(page, root, path):
    """The whole dashboard (``pg-root``) if it is marked, else the page."""
    dashboard = root.locator(".pg-root")
    if dashboard.count():
        dashboard.first.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)


def open_app(page, server, query):
    page.goto(f"{server.url}/?{query}")
    root = page.locator("body")
    root.locator(".pg-image").first.wait_for(timeout=APP_START_LIMIT * 1000)
    wait_until(lambda: image_src(root), APP_START_LIMIT, "the playground's picture never appeared")
    return root


def test_voila_app_opens_the_shared_state_plays_and_takes_clicks(page, voila_playground,
                                                                   screenshot_dir):
    started = time.monotonic()
    root = open_app(page, voila_playground, encode(SHARED))
    opened = time.monotonic() - started
    code = ".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor, .CodeMirror"
    assert not page.locator(code).count(), (
        "the app shows code cells; Voilà should show only outputs and text")
    assert "from_url(" not in root.inner_text(), "the app shows the notebook's code"
    epochs = exercise(root, SHARED)
    screenshot(page, root, screenshot_dir / "playground_voila.png")
    print(f"Voilà: app shown after {opened:.1f} s; {epochs} epochs played")


def test_playground_in_jupyterlab(page, lab_server, screenshot_dir):
    saved = (ROOT / NOTEBOOK).read_bytes()
    try:
        open_notebook(page, lab_server, NOTEBOOK)
        run_all_and_wait(page, lab_server, NOTEBOOK)
        assert not errors(page), "\n".join(errors(page))
        root = page.locator(PANEL)
        root.locator(".pg-image").first.wait_for(timeout=60_000)
        check_shows(root, State())  # no address here: the defaults
        box = root.locator(".pg-state input")
        box.fill(encode(SHARED))
        root.locator(".pg-apply").click()
        wait_until(lambda: selected(root, "dataset") == SHARED.dataset, REPLY_LIMIT,
                   f"apply did not restore the state (pg-message: {text(root, 'message')!r})")
        exercise(root, SHARED)
        screenshot(page, root, screenshot_dir / "playground_lab.png")
    finally:
        lab_server.close_sessions()
    assert (ROOT / NOTEBOOK).read_bytes() == saved, "running the notebook in the browser rewrote it"


def test_voila_app_with_a_damaged_state_shows_the_defaults_and_says_why(page, voila_playground,
                                                                        screenshot_dir):
    good = encode(SHARED)
    damaged = good.replace("xor", "xox")  # one character changed: the check no longer matches
    assert damaged != good
    root = open_app(page, voila_playground, damaged)
    wait_until(lambda: "cannot" in text(root, "message"), REPLY_LIMIT,
               "the app did not say that the state in its address cannot be used")
    check_shows(root, State())
    screenshot(page, root, screenshot_dir / "playground_damaged.png")
