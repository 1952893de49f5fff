"""JupyterLab in headless Chromium: start a server, open a notebook, Run All, move a slider.

Plain functions shared by the browser tests (conftest.py, test_notebooks_in_browser.py,
test_playground.py) and by benchmarks/browser_sliders.py and benchmarks/playground_fps.py.
Nothing here is pytest-specific: a step that does not work raises ``LabError`` with what went
wrong.

The browser is Debian's Chromium at /usr/bin/chromium, driven by the playwright package (its own
browser download is never used). The server is `jupyter lab` from this very Python, on 127.0.0.1
with a free port and a random token, serving the project root, with throw-away workspace,
settings, config and runtime folders so nothing a person has set up changes what runs. It is
stopped at the end by its process id. ``start_voila`` does the same for `voila`, which serves one
notebook as an app (notebook 13's playground).
"""
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

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
KERNEL_READY_TIMEOUT = 120  # s: kernel start on a cold, slow machine
RUN_ALL_TIMEOUT = 300  # s: notebooks run in seconds; this is headroom for a loaded CI machine

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


class LabError(Exception):
    """The server, the browser or a notebook did not do what was asked."""


class KernelNeverStarted(LabError):
    """Run All queued every cell, but the new kernel stayed idle and ran none of them.

    Seen now and then with ipykernel 7.3 (the newest for Python 3.10) when a kernel starts a few
    seconds after the previous one was shut down, as the tests do: the kernel answers the server
    and says it is idle, but never takes the first execute request. A student would restart the
    kernel; a test may do the same once (see the browser tests)."""


NEVER_STARTED_AFTER = 60  # s: every cell queued, none run, kernel idle all along


def chromium_missing():
    """Why the browser cannot run here (a sentence), or None when it can."""
    if not os.path.exists(CHROMIUM):
        return (f"Debian's chromium is not installed at {CHROMIUM}; .ci/run installs it "
                "(apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e \".[test]\")"
    return None


# --------------------------------------------------------------------------------- the server

def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


class LabServer:
    """A running `jupyter lab`: its base url, token and a few REST calls."""

    def __init__(self, process, port, token, log_path, runtime_dir=None):
        self.process = process
        self.port = port
        self.token = token
        self.log_path = log_path
        self.runtime_dir = runtime_dir
        self.url = f"http://127.0.0.1:{port}"

    def api(self, path, method="GET"):
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def close_sessions(self):
        """Stop every kernel started so far, so they do not pile up over many notebooks."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def kernel_states(self):
        """{notebook path: kernel execution_state} for every open session."""
        return {s["path"]: s["kernel"]["execution_state"]
                for s in self.api("sessions") if s.get("kernel")}

    def kernel_connection_file(self, path):
        """The connection file of the kernel running the notebook ``path`` (for jupyter_client)."""
        for session in self.api("sessions"):
            if session["path"] == path and session.get("kernel"):
                return Path(self.runtime_dir) / f"kernel-{session['kernel']['id']}.json"
        raise LabError(f"no kernel runs {path}")

    def log(self, last=4000):
        try:
            return self.log_path.read_text(errors="replace")[-last:]
        except OSError:
            return "(no server log)"

    def stop(self):
        """Ask the server to shut down (it stops its kernels), then end it by its process id."""
        process = self.process
        if process.poll() is None:
            try:
                self.api("shutdown", method="POST")
            except (OSError, ValueError):
                pass
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _terminate(process, 10)


def start_lab(home):
    """Start `jupyter lab` with its settings and scratch folders in the empty folder ``home``;
    return the LabServer once it answers. Stop it with ``server.stop()``."""
    home = Path(home)
    settings = home / "settings"
    for name, values in LAB_SETTINGS.items():
        plugin, file_name = name.rsplit("/", 1)
        (settings / plugin).mkdir(parents=True, exist_ok=True)
        (settings / plugin / file_name).write_text(json.dumps(values))
    (home / "workspaces").mkdir()
    env = _scratch_env(home)
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
    server = LabServer(process, port, token, log_path, runtime_dir=home / "runtime")
    return _when_answering(server, "jupyter lab", f"{server.url}/api/status?token={token}")


def _scratch_env(home):
    """The environment for a server whose config, runtime and IPython folders are new folders
    in ``home``."""
    for sub in ("config", "runtime", "ipython"):
        (home / sub).mkdir()
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # kernels must draw inline figures, whatever the caller uses
    env.update({
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _when_answering(server, name, url):
    """``server`` once ``url`` answers 200. If its process ends first, or it does not answer
    within SERVER_START_TIMEOUT, stop it and raise LabError with the end of its log."""
    process = server.process
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise LabError(f"{name} exited with status {process.returncode}:\n"
                               f"{server.log()}")
            try:
                if _get(url)[0] == 200:
                    return server
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                raise LabError(f"{name} did not answer within {SERVER_START_TIMEOUT} s:\n"
                               f"{server.log()}")
            time.sleep(0.5)
    except BaseException:
        server.stop()
        raise


class VoilaServer:
    """A running `voila`: its base url (the app itself when it serves one notebook) and its log."""

    def __init__(self, process, port, log_path):
        self.process = process
        self.port = port
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"

    log = LabServer.log

    def stop(self):
        """End the server by its process id (SIGTERM, on which Voilà shuts its kernels down)."""
        if self.process.poll() is None:
            _terminate(self.process, 20)


def _terminate(process, timeout):
    """End ``process`` (one this module started) with SIGTERM; kill it if it is still there
    after ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def start_voila(notebook_path, home):
    """Start `voila` on ``notebook_path``, with its scratch folders in the empty folder ``home``;
    return the VoilaServer once it answers. Stop it with ``server.stop()``.

    A notebook is served as the app at ``server.url + "/"``; the query string of that address
    (``/?v=1&...``) reaches the notebook's kernel as the environment variable QUERY_STRING. A
    folder is served as a tree: its notebook ``x.ipynb`` is at
    ``server.url + "/voila/render/x.ipynb"`` (the query string works there too). Every page
    opened starts a kernel of its own, which runs until the server stops: Voilà's request to
    end it when the page closes is refused (its XSRF check), so a test pauses what it started.
    """
    notebook_path, home = Path(notebook_path).resolve(), Path(home)
    if not notebook_path.exists():
        raise LabError(f"voila cannot serve {notebook_path}: there is no such notebook or folder")
    env = _scratch_env(home)
    port = _free_port()
    log_path = home / "voila.log"
    command = [
        sys.executable, "-m", "voila", str(notebook_path),
        "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0",
        f"--Voila.connection_dir_root={home / 'runtime'}",  # its kernels' files (default: /tmp)
    ]
    cwd = notebook_path if notebook_path.is_dir() else notebook_path.parent
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = VoilaServer(process, port, log_path)
    # A static file of Voilà's page: asking for the app itself would start a kernel.
    return _when_answering(server, "voila", f"{server.url}/voila/static/voila.js")


@contextmanager
def chromium():
    """Headless Chromium (Debian's), as a playwright Browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser):
    """A page in a fresh browser context, 1400 x 1000, one-minute default timeout."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


# ------------------------------------------------------------------------------ in the page

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# Cell prompts: "[*]:" while queued or running, "[3]:" once run, "[ ]:" never run.
PROMPTS_JS = """(panel) => {
  const cells = [...document.querySelectorAll(panel + ' .jp-CodeCell')];
  return cells.map(cell => {
    const source = cell.querySelector('.jp-InputArea-editor');
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    return {
      prompt: prompt ? prompt.textContent.trim() : '',
      empty: !source || source.textContent.trim() === '',
    };
  });
}"""

# The figure that belongs to a slider: the first <img> or <canvas> after the slider, looking in
# ever larger enclosing elements, but never outside the slider's own cell.
FIGURE_JS = """(slider) => {
  const cell = slider.closest('.jp-Cell');
  const after = el => slider.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
  for (let box = slider.parentElement; box; box = box.parentElement) {
    const found = [...box.querySelectorAll('img, canvas')].filter(after);
    if (found.length) {
      document.querySelectorAll('[data-figure-under-test]').forEach(
        el => el.removeAttribute('data-figure-under-test'));
      found[0].setAttribute('data-figure-under-test', '1');
      const el = found[0];
      return el.tagName === 'IMG' ? el.src : el.toDataURL();
    }
    if (box === cell) break;
  }
  return null;
}"""


def prompts(page):
    return page.evaluate(PROMPTS_JS, PANEL)


def open_notebook(page, server, path):
    """Open the notebook ``path`` (from the project root) and wait until its kernel is idle."""
    page.goto(f"{server.url}/lab/tree/{path}?reset&token={server.token}",
              wait_until="domcontentloaded")
    page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell", timeout=KERNEL_READY_TIMEOUT * 1000)
    deadline = time.monotonic() + KERNEL_READY_TIMEOUT
    while True:
        # A kernel chooser appears only when the notebook's kernel is unknown: take the default.
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and dialog.first.is_visible():
            page.locator(".jp-Dialog .jp-mod-accept").first.click()
        if server.kernel_states().get(path) == "idle":
            return
        if time.monotonic() > deadline:
            raise LabError(f"the kernel of {path} was not idle within {KERNEL_READY_TIMEOUT} s "
                           f"(states: {server.kernel_states()})\n{server.log()}")
        time.sleep(0.5)


def menu(page, menu, item):
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{item}$")).click()


def clear_outputs(page):
    """Edit > Clear Outputs of All Cells: the saved outputs and prompt numbers go, so that what
    is seen next (prompts, errors, sliders, figures) comes from this run only."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    deadline = time.monotonic() + 30
    while any(re.search(r"\d", p["prompt"]) for p in prompts(page)):
        if time.monotonic() > deadline:
            raise LabError("Edit > Clear Outputs of All Cells left numbered prompts behind")
        time.sleep(0.25)


def run_all_and_wait(page, server, path):
    """Clear the outputs, run all cells, and wait until they are done (or an error stopped them);
    try again if nothing started (a kernel that was not quite ready)."""
    clear_outputs(page)
    for attempt in range(3):
        menu(page, "Run", "Run All Cells")
        deadline = time.monotonic() + 30
        started = False
        while time.monotonic() < deadline:
            shown = [p["prompt"] for p in prompts(page) if not p["empty"]]
            if any(re.search(r"\[(\*|\d+)\]", p) for p in shown):
                started = True
                break
            time.sleep(0.25)
        if started:
            break
    else:
        raise LabError(f"Run All Cells did not start any cell of {path} in three tries\n"
                       f"{server.log()}")

    started = time.monotonic()
    deadline = started + RUN_ALL_TIMEOUT
    while True:
        shown = [p["prompt"] for p in prompts(page) if not p["empty"]]
        never_started = shown and all("*" in p for p in shown)
        if (never_started and time.monotonic() - started > NEVER_STARTED_AFTER
                and server.kernel_states().get(path) == "idle"):
            raise KernelNeverStarted(
                f"{path}: every cell queued, none run, and the kernel idle after "
                f"{NEVER_STARTED_AFTER} s\n{server.log(1500)}")
        done = shown and all(re.search(r"\[\d+\]", p) for p in shown)
        # An error stops Run All: the cells after it stay "[ ]" or "[*]" but the kernel is idle.
        stopped = (not any("*" in p for p in shown)
                   and server.kernel_states().get(path) == "idle" and errors(page))
        if (done and server.kernel_states().get(path) == "idle") or stopped:
            return time.monotonic() - started  # s from the first cell starting to the kernel idle
        if time.monotonic() > deadline:
            raise LabError(f"{path} did not finish running within {RUN_ALL_TIMEOUT} s; "
                           f"prompts: {shown}; kernels: {server.kernel_states()}\n"
                           f"{server.log(2000)}")
        time.sleep(0.5)


def errors(page):
    """The texts of the error outputs (tracebacks) the notebook shows."""
    outputs = page.locator(
        f'{PANEL} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    texts = [outputs.nth(i).inner_text() for i in range(outputs.count())]
    return [t for t in texts if "Traceback" in t or "Error" in t]


def sliders(page):
    """Every ipywidgets slider of the notebook (int, float, log and selection sliders)."""
    return page.locator(f"{PANEL} .widget-slider")


def find_slider(page, description):
    """The slider with this description (its label), or the first one when it is None."""
    found = sliders(page)
    if description is not None:
        found = found.filter(has=page.locator(".widget-label", has_text=re.compile(
            rf"^\s*{re.escape(description)}\s*$")))
    return found.first


def description(slider):
    label = slider.locator(".widget-label")
    return label.first.inner_text().strip() if label.count() else ""


def readout(slider):
    found = slider.locator(".widget-readout")
    return found.first.inner_text() if found.count() else None


def move(slider, handle, what):
    """Press an arrow key on the slider's handle (left at its maximum); return the new readout."""
    value_before = readout(slider)
    handle.press("ArrowRight")
    if readout(slider) == value_before:  # already at its maximum: go the other way
        handle.press("ArrowLeft")
    value_after = readout(slider)
    if value_after == value_before:
        raise LabError(f"{what} did not move with the arrow keys (readout {value_before!r})")
    return value_after


def wait_for_new_figure(slider, before, limit, started=None):
    """(the figure's new source, seconds waited) once it differs from ``before``; (None, s) after ``limit``."""
    started = time.monotonic() if started is None else started
    while time.monotonic() - started < limit:
        after = slider.evaluate(FIGURE_JS)
        if after and after != before:
            return after, time.monotonic() - started
        time.sleep(0.05)
    return None, time.monotonic() - started


def write_notebook(path, sources):
    """A notebook of these code cells at ``path`` (under the served project root); its path for
    JupyterLab."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    return Path(path).relative_to(ROOT).as_posix()
