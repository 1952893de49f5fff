"""The JupyterLab setting the project ships (jupyter-settings/nbtools.json5) is valid, is installed
into the environment by `pip install -e .`, and is what this environment's JupyterLab serves.

Why the setting exists is written in the file itself and in the README.
"""
import sys
from pathlib import Path

import json5
import jupyterlab
import pytest
from packaging.version import Version
from jupyterlab_server.settings_utils import _get_overrides

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "jupyter-settings" / "nbtools.json5"
PLUGIN = "@jupyterlab/apputils-extension:kernels-settings"
# JupyterLab's application folder in this environment: share/jupyter/lab under sys.prefix.
APP_DIR = Path(sys.prefix) / "share" / "jupyter" / "lab"


def test_the_shipped_file_turns_comms_over_subshells_off():
    settings = json5.loads(SHIPPED.read_text())
    assert settings == {PLUGIN: {"commsOverSubshells": "disabled"}}


def test_the_setting_is_one_jupyterlab_knows():
    """A renamed or removed setting would be ignored without a word: check it against the schema
    of the JupyterLab installed here."""
    package, plugin = PLUGIN.split(":")
    schema_path = APP_DIR / "schemas" / package / f"{plugin}.json"
    if not schema_path.is_file() and Version(jupyterlab.__version__) < Version("4.4"):
        pytest.skip(f"JupyterLab {jupyterlab.__version__} has no comms over subshells (new in 4.4): "
                    "the setting has nothing to turn off there, and is ignored")
    if not schema_path.is_file():
        pytest.fail(f"JupyterLab's schema {schema_path} is missing: is jupyterlab installed here?")
    schema = json5.loads(schema_path.read_text())
    allowed = [choice["const"] for choice in schema["properties"]["commsOverSubshells"]["oneOf"]]
    assert "disabled" in allowed


def test_pip_install_put_the_setting_into_the_environment():
    installed = APP_DIR / "settings" / "overrides.d" / SHIPPED.name
    assert installed.is_file(), (
        f"{installed} is missing: reinstall with `pip install -e .` (setup.py makes the editable "
        "install copy jupyter-settings/ too)")
    assert installed.read_text() == SHIPPED.read_text(), (
        f"{installed} differs from {SHIPPED}: reinstall with `pip install -e .`")


def test_jupyterlab_serves_it_as_the_default():
    """jupyterlab_server reads overrides the way `jupyter lab` does (the browser tests check the
    running page)."""
    overrides, error = _get_overrides(str(APP_DIR / "settings"))
    assert not error
    assert overrides.get(PLUGIN, {}).get("commsOverSubshells") == "disabled"
