"""The install files agree with each other and with the README.

pyproject.toml (pip) and environment.yml (conda, Binder) must list the same runtime packages with the
same minimum versions, and .ci/min-versions.txt pins exactly those minimums (so the min-versions CI
run tests what the project promises); torch, wherever it appears, is pinned to exactly 2.13.0; the
README's two commands are there, and .ci/run runs the README's test command as written.
"""
import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
TORCH_PIN = "==2.13.0"


def normalise(requirement):
    """'Jupyter_Lab >= 4.0 ; python_version<"3.12"' -> 'jupyter-lab' (PEP 503 style name)."""
    name = re.split(r"[\s<>=!~;\[@,]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def environment_yml():
    """The entries of environment.yml's `dependencies:` list, and those under its `- pip:` item.

    A tiny parser for the one shape this file has, so the test needs no YAML library.
    """
    conda, pip = [], []
    in_dependencies, pip_indent = False, None
    for raw in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        text = line.strip()
        if indent == 0:
            in_dependencies, pip_indent = text == "dependencies:", None
        elif in_dependencies and text.startswith("- "):
            item = text[2:].strip()
            if pip_indent is not None and indent > pip_indent:
                pip.append(item)
            elif item == "pip:":
                pip_indent = indent
            else:
                pip_indent = None
                conda.append(item)
    return conda, pip


def fenced_commands(markdown):
    """Every line inside ```-fenced blocks of a markdown text."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def readme_command(*words):
    lines = [c for c in fenced_commands((ROOT / "README.md").read_text(encoding="utf-8"))
             if all(w in c for w in words)]
    assert lines, f"README.md has no fenced command line containing all of {words}"
    return lines[0]


def test_environment_yml_parser_reads_both_lists():
    conda, pip = environment_yml()
    assert any(normalise(c) == "python" for c in conda), conda
    assert "-e ." in pip, f"environment.yml should `pip install -e .` the project, found {pip}"


def test_runtime_packages_match_between_pyproject_and_environment_yml():
    from_pyproject = {normalise(r) for r in runtime_floors_pyproject()}
    conda, _ = environment_yml()
    from_env = {normalise(c) for c in conda} - {"python", "pip"}
    assert from_pyproject, "pyproject.toml lists no runtime dependencies"
    assert from_pyproject == from_env, (
        f"only in pyproject.toml: {sorted(from_pyproject - from_env)}; "
        f"only in environment.yml: {sorted(from_env - from_pyproject)}")


def runtime_floors_pyproject():
    """pyproject.toml's runtime requirements, without those for some Pythons only (`; marker`)."""
    return [r for r in pyproject()["project"]["dependencies"] if ";" not in r]


def test_python_specific_requirements_are_upper_limits_only():
    """A `; python_version ...` entry limits a package on some Pythons (ipykernel<7 on 3.10); it
    must not add a package or a floor that environment.yml and .ci/min-versions.txt would miss."""
    limited = [r for r in pyproject()["project"]["dependencies"] if ";" in r]
    for r in limited:
        requirement, marker = (part.strip() for part in r.split(";", 1))
        assert re.fullmatch(r"[A-Za-z0-9_.-]+<[0-9][0-9.]*", requirement), r
        assert marker.startswith("python_version"), r
    assert "ipykernel<7; python_version < '3.11'" in limited


def floors(requirements, operator=">="):
    """{'numpy': '1.24', ...} from ['numpy>=1.24', ...]: each must be exactly `name<operator>version`."""
    found = {}
    for r in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*" + re.escape(operator) + r"\s*([0-9][0-9.]*)", r.strip())
        assert match, f"{r!r} should read name{operator}version (one minimum version, nothing else)"
        found[normalise(match[1])] = match[2]
    return found


def min_versions_txt():
    lines = (ROOT / ".ci" / "min-versions.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def test_environment_yml_has_the_same_minimum_versions():
    conda, _ = environment_yml()
    runtime = [c for c in conda if normalise(c) not in ("python", "pip")]
    assert floors(runtime) == floors(runtime_floors_pyproject())


def test_min_versions_ci_installs_exactly_the_declared_floors():
    """The min-versions CI run must test the oldest versions pyproject.toml allows, no newer."""
    assert floors(min_versions_txt(), "==") == floors(runtime_floors_pyproject())
    script = (ROOT / ".ci" / "min-versions").read_text(encoding="utf-8")
    assert "--constraint .ci/min-versions.txt" in script


def test_the_oldest_python_runs_are_on_the_oldest_python_declared():
    """.ci/min-versions and .ci/browser-oldest-python take their Python from .ci/python310, which
    must find the oldest version pyproject.toml allows."""
    oldest_python = pyproject()["project"]["requires-python"].removeprefix(">=")
    finder = (ROOT / ".ci" / "python310").read_text(encoding="utf-8")
    assert f"python{oldest_python}" in finder and f"(3, {oldest_python.split('.')[1]})" in finder
    for name in ("min-versions", "browser-oldest-python"):
        script = (ROOT / ".ci" / name).read_text(encoding="utf-8")
        assert "$(bash .ci/python310)" in script, f".ci/{name} should run .ci/python310's Python"
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash .ci/min-versions" in ci_run and "bash .ci/browser-oldest-python" in ci_run


def test_python_version_floor_agrees():
    assert pyproject()["project"]["requires-python"] == ">=3.10"
    conda, _ = environment_yml()
    assert "python>=3.10" in [c.replace(" ", "") for c in conda]


def test_torch_only_ever_pinned_exactly():
    project = pyproject()["project"]
    lists = {"dependencies": project.get("dependencies", [])}
    lists.update({f"extra {k}": v for k, v in project.get("optional-dependencies", {}).items()})
    conda, pip = environment_yml()
    lists.update({"environment.yml": conda, "environment.yml pip": pip})
    seen = []
    for where, requirements in lists.items():
        for r in requirements:
            if normalise(r) == "torch":
                seen.append(where)
                spec = r.strip()[len("torch"):].strip()
                assert spec == TORCH_PIN, (
                    f"{where}: torch must be pinned as torch{TORCH_PIN} (an unpinned torch pulls a "
                    f"multi-gigabyte build), found {r!r}")
    assert "extra bench" in seen, "the bench extra should carry torch" + TORCH_PIN
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    installs = [line for line in ci.splitlines()
                if "pip install" in line and not line.lstrip().startswith("#")]
    for spec in re.findall(r"\btorch\b[^\s\"']*", "\n".join(installs)):
        assert spec == "torch" + TORCH_PIN, f".ci/run installs {spec!r}, expected torch{TORCH_PIN}"


def test_pytest_runs_notebooks_strictly():
    options = pyproject()["tool"]["pytest"]["ini_options"]
    addopts = options["addopts"]
    assert "--nbval" in addopts and "--nbval-lax" not in addopts
    assert "--nbval-current-env" in addopts
    sanitize = addopts[addopts.index("--nbval-sanitize-with") + 1]
    assert (ROOT / sanitize).is_file(), f"the sanitize file {sanitize} named in addopts is missing"
    assert options["testpaths"] == ["tests", "notebooks"]
    assert "assignments" in options["norecursedirs"]
    assert ".ipynb_checkpoints" in options["norecursedirs"]


def test_readme_open_command():
    command = readme_command("pip install", "jupyter lab")
    assert command.startswith("python3 -m venv .venv")
    assert "notebooks" in command


def test_readme_test_command_is_what_ci_runs():
    command = readme_command("pip install", "pytest")
    assert command.startswith("python3 -m venv .venv")
    assert '".[test,teach]"' in command  # teach: nbgrader, for the tests of the graded assignments
    ci_lines = [line.strip() for line in
                (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert command in ci_lines, ".ci/run must run the README's test command exactly as written"
