"""Fixtures for the browser tests: a JupyterLab server and a headless Chromium driven by Playwright.

The browser is Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it). Playwright's own
browser download is never used. Without that Chromium, or without the playwright package, the
browser tests are skipped and say why.

The server is `jupyter lab` from this very Python, on 127.0.0.1 with a free port and a random
token, serving the project root, with throw-away workspace, settings, config and runtime folders so
nothing a person has set up changes what the test sees. It is stopped at the end by its process id.
"""
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 180  # seconds; a cold start on a slow machine takes tens of seconds

# Lab settings for a quiet, predictable page: no news or update pop-ups, every cell kept in the
# page (JupyterLab otherwise skips rendering cells that are scrolled out of view), and no autosave,
# so running a notebook in the browser never rewrites the committed file.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {
        "autosave": False,
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
}


def pytest_collection_modifyitems(config, items):
    """Everything in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


class LabServer:
    """A running `jupyter lab`: its base url, token and a few REST calls."""

    def __init__(self, process, port, token, log_path):
        self.process = process
        self.port = port
        self.token = token
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"

    def api(self, path, method="GET"):
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def close_sessions(self):
        """Stop every kernel the tests started, so they do not pile up over many notebooks."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def kernel_states(self):
        """{notebook path: kernel execution_state} for every open session."""
        return {s["path"]: s["kernel"]["execution_state"]
                for s in self.api("sessions") if s.get("kernel")}

    def log(self, last=4000):
        try:
            return self.log_path.read_text(errors="replace")[-last:]
        except OSError:
            return "(no server log)"


@pytest.fixture(scope="session")
def chromium_path():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}; .ci/run installs it "
                    "(apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, chromium_path):
    home = tmp_path_factory.mktemp("jupyter")
    settings = home / "settings"
    for name, values in LAB_SETTINGS.items():
        plugin, file_name = name.rsplit("/", 1)
        (settings / plugin).mkdir(parents=True, exist_ok=True)
        (settings / plugin / file_name).write_text(json.dumps(values))
    for sub in ("workspaces", "config", "runtime", "ipython"):
        (home / sub).mkdir()

    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # kernels must draw inline figures, whatever the tests use
    env.update({
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONUNBUFFERED": "1",
    })
    port, token = _free_port(), secrets.token_hex(24)
    log_path = home / "server.log"
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        f"--LabApp.user_settings_dir={settings}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LabServer(process, port, token, log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited with status {process.returncode}:\n{server.log()}")
            try:
                if _get(f"{server.url}/api/status?token={token}")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {SERVER_START_TIMEOUT} s:\n"
                            f"{server.log()}")
            time.sleep(0.5)
        yield server
    finally:
        _stop(server)


def _stop(server):
    """Ask the server to shut down (it stops its kernels), then end it by its process id."""
    process = server.process
    if process.poll() is None:
        try:
            server.api("shutdown", method="POST")
        except (OSError, ValueError):
            pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e \".[test]\")")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    path = Path(__file__).parent / "screenshots"
    path.mkdir(exist_ok=True)
    return path
