"""The floors of nbtools, checked: imports go down, never up, and each floor uses only its libraries.

Floor 1, maths and models: numpy only (and tqdm for the progress bar of training).
Floor 2, drawing: matplotlib, no ipywidgets.
Floor 3, interactive: the live figure and the ``explore_*`` builders, the only users of ipywidgets.
``exercises`` is for notebooks and tests: no module of the package imports it.

The README's module map lists the same modules; a new module must be given a floor here.
"""
import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "nbtools"

FLOORS = {
    "_checks": 0,
    # floor 1: maths and models
    "data": 1, "layers": 1, "losses": 1, "init": 1, "nn": 1, "blocks": 1, "optim": 1, "schedules": 1,
    "training": 1, "gradcheck": 1, "gradstats": 1, "autograd": 1, "autograd_nn": 1,
    "forward_mode": 1, "graphnet": 1, "landscapes": 1, "least_squares": 1, "walks": 1,
    "netslice": 1, "expressivity": 1, "exercises": 1, "regularization": 1, "metrics": 1, "saliency": 1,
    "conv": 1, "attention": 1, "recurrent": 1, "structure_tasks": 1, "playground_state": 1,
    "playground": 1,
    # floor 2: drawing
    "plots": 2, "layerplots": 2, "graphdraw": 2, "gradplots": 2, "pathplots": 2, "structureplots": 2,
    "imageplots": 2, "classplots": 2, "playgroundplots": 2,
    # floor 3: interactive
    "live": 3, "explore_graphs": 3, "explore_networks": 3, "explore_gradients": 3,
    "explore_optimizers": 3, "explore_regularization": 3,
    "explore_expressivity": 3, "explore_structure": 3, "explore_digits": 3, "explore_playground": 3,
}
ALLOWED = {  # third-party libraries a floor may import, beyond numpy and the standard library
    0: set(), 1: {"tqdm"}, 2: {"matplotlib"}, 3: {"matplotlib", "ipywidgets", "ipyevents", "PIL", "IPython"},
}
THIRD_PARTY = {"matplotlib", "ipywidgets", "ipyevents", "PIL", "IPython", "tqdm", "scipy", "torch"}
LONG = 400  # lines; a longer module says why in its docstring ("Longer than ...")


def modules():
    return sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def imports(name):
    """(nbtools modules, third-party top-level packages) that module ``name`` imports, anywhere."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text())
    own, other = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module is None:          # from . import a, b
                own |= {alias.name for alias in node.names}
            elif node.level == 1:                                 # from .a import b
                own.add(node.module.split(".")[0])
            elif node.module and node.module.split(".")[0] == "nbtools":
                parts = node.module.split(".")
                own |= {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
            elif node.module:
                other.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top == "nbtools":
                    own.add(alias.name.split(".")[1])
                else:
                    other.add(top)
    return own, other & THIRD_PARTY


def test_every_module_has_a_floor():
    assert sorted(FLOORS) == modules(), "give each new module a floor in FLOORS (and the README map)"


@pytest.mark.parametrize("name", modules())
def test_imports_go_down_and_use_only_the_floors_libraries(name):
    own, other = imports(name)
    floor = FLOORS[name]
    upward = {m: FLOORS.get(m) for m in own if FLOORS.get(m, 99) > floor}
    assert not upward, f"{name} (floor {floor}) imports from a higher floor: {upward}"
    assert "exercises" not in own, f"{name} imports exercises; only notebooks and tests may"
    assert other <= ALLOWED[floor], f"{name} (floor {floor}) imports {sorted(other - ALLOWED[floor])}"


def test_no_import_cycles():
    graph = {name: imports(name)[0] & set(FLOORS) for name in modules()}
    state = {}

    def visit(name, path):
        state[name] = "open"
        for nxt in graph[name]:
            assert state.get(nxt) != "open", f"import cycle: {' -> '.join(path + [nxt])}"
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize("name", modules())
def test_a_long_module_says_why(name):
    text = (PACKAGE / f"{name}.py").read_text()
    lines = text.count("\n")
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert docstring, f"{name} has no module docstring saying what it is for"
    assert lines <= LONG or "Longer than" in docstring, (
        f"{name} has {lines} lines; split it, or say in its docstring why it is longer than {LONG}")


def test_no_private_names_used_across_modules():
    """``from .x import _y`` or ``x._y`` across modules couples them through internals."""
    bad = []
    for name in modules():
        tree = ast.parse((PACKAGE / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module != "_checks":
                bad += [f"{name}: from .{node.module} import {a.name}" for a in node.names
                        if a.name.startswith("_")]
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                    and node.value.id in FLOORS):
                bad.append(f"{name}: {node.value.id}.{node.attr}")
    assert not bad, bad
