"""Settings shared by every test.

- Figures are drawn with matplotlib's non-interactive Agg backend, so tests need no screen and
  never open a window. This happens before anything imports pyplot. (Only in this process: the
  MPLBACKEND variable is left alone, so notebook kernels keep their inline figures.)
- ``nbtools`` is importable from a plain checkout, without ``pip install -e .``.
- The nbval sanitize file named in pyproject.toml is found even when pytest starts elsewhere.
- Figures left open by a test are closed after it.
- ``line_data``: the small line-fit data set the surface and walk tests share.
- Property-based tests (hypothesis) draw their examples from a fixed seed, so a run is the same on
  every computer and every time; HYPOTHESIS_PROFILE=explore draws new examples each run, to hunt.
"""
import os
import sys
from pathlib import Path

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent

try:
    import nbtools  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT))


def pytest_configure(config):
    sanitize = getattr(config.option, "nbval_sanitize_with", None)
    if sanitize and not os.path.isabs(sanitize) and not os.path.exists(sanitize):
        candidate = ROOT / sanitize
        if candidate.exists():
            config.option.nbval_sanitize_with = str(candidate)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test opened, so memory stays flat over a long run."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def line_data():
    """Twelve points near the line y = 0.7 x + 0.4 (for the empirical risk of a line fit)."""
    import numpy as np

    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 2, size=12)
    return x, 0.7 * x + 0.4 + 0.2 * rng.standard_normal(12)
