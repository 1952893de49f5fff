"""Fixtures for the browser tests: a JupyterLab server, Voilà serving notebook 13's playground,
and a headless Chromium driven by Playwright.

The server and the browser are started by the functions of lab.py (next to this file), which the
benchmark benchmarks/browser_sliders.py uses too. Without Debian's Chromium at /usr/bin/chromium
(`.ci/run` installs it), or without the playwright package, the browser tests are skipped and say
why.
"""
from contextlib import contextmanager
from pathlib import Path

import pytest

import lab

PLAYGROUND = lab.ROOT / "notebooks" / "13_playground.ipynb"


def pytest_collection_modifyitems(config, items):
    """Everything in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    missing = lab.chromium_missing()
    if missing:
        pytest.skip(missing)
    return lab.CHROMIUM


@contextmanager
def running(start, *args):
    """The server ``start(*args)`` starts, stopped at the end; the test fails, saying why, when
    it does not start."""
    try:
        server = start(*args)
    except lab.LabError as error:
        pytest.fail(str(error))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, chromium_path):
    with running(lab.start_lab, tmp_path_factory.mktemp("jupyter")) as server:
        yield server


@pytest.fixture(scope="session")
def voila_playground(tmp_path_factory, chromium_path):
    """Voilà serving notebook 13 as the app, at ``voila_playground.url + "/"``; each page opened
    on it gets a kernel of its own."""
    if not PLAYGROUND.is_file():
        pytest.skip(f"{PLAYGROUND.relative_to(lab.ROOT)} does not exist yet")
    with running(lab.start_voila, PLAYGROUND, tmp_path_factory.mktemp("voila")) as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium_path):
    with lab.chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    with lab.new_page(browser) as page:
        yield page


@pytest.fixture(scope="session")
def screenshot_dir():
    path = Path(__file__).parent / "screenshots"
    path.mkdir(exist_ok=True)
    return path
