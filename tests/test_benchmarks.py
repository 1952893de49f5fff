"""Every script in benchmarks/ still runs from a plain checkout. Smoke tests: nothing is timed.

The README sends readers to ``python benchmarks/NAME.py`` for its speed tables; a script broken by a
change to nbtools would otherwise go unnoticed until someone needs the numbers. Each script runs
once with its smallest settings (in a few seconds) and must exit cleanly and print its table.
browser_sliders.py and playground_fps.py need Debian's Chromium, as the browser tests do, and
autograde.py needs nbgrader (the teach extra); without them, they are skipped.
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
HELPERS = {"timing.py"}  # imported by the scripts, not run

# script: (arguments for the smallest run, a line start its table must print)
RUNS = {
    "engine.py": (["--rounds", "1"], "A 2-4-2-1"),
    "autograd.py": (["--rounds", "1", "--epochs", "1"], "nbtools "),
    "explore_gradients.py": (["--rounds", "1"], "06 depth_explorer"),
    "explore_optimizers.py": (["--moves", "1", "--steps", "20"], "rosenbrock"),
    "widgets.py": ([], "weight_sliders"),
    "browser_sliders.py": (["--notebooks", "00", "--moves", "1"], "00 "),
    "playground_fps.py": (["--seconds", "1", "--epf", "1"], "   1 "),
    "autograde.py": (["--assignments", "01_forward_pass"], "01_forward_pass "),
}
NEEDS_BROWSER = {"browser_sliders.py", "playground_fps.py"}
NEEDS_NBGRADER = {"autograde.py"}


def _browser_missing():
    """Why the browser cannot run here, or None (the check of tests/browser/lab.py)."""
    if str(ROOT / "tests" / "browser") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests" / "browser"))
    import lab

    return lab.chromium_missing()


def test_every_benchmark_script_has_a_smoke_test():
    scripts = {path.name for path in BENCHMARKS.glob("*.py")} - HELPERS
    assert scripts == set(RUNS), "add new benchmark scripts to RUNS (or to HELPERS if not a script)"


@pytest.mark.parametrize("script", sorted(RUNS))
def test_benchmark_script_runs_and_prints_its_table(script):
    args, first_cell = RUNS[script]
    missing = _browser_missing() if script in NEEDS_BROWSER else None
    if script in NEEDS_NBGRADER and importlib.util.find_spec("nbgrader") is None:
        missing = "nbgrader is not installed (the teach extra)"
    if missing:
        pytest.skip(missing)
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stderr[-3000:]}"
    lines = result.stdout.splitlines()
    assert any(line.startswith(first_cell) for line in lines), \
        f"{script} printed no row starting {first_cell!r}:\n{result.stdout}"
