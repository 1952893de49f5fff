"""The self-checks of notebook 04's exercises: they accept a correct answer, say "Not yet" to the
untouched stub, and reject typical mistakes.

The stub and check cells are read from the committed notebook and run here as they are, so these
tests follow the notebook when it changes. Correct and wrong answers are written in this file.
"""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from nbtools import autograd, forward_mode
from nbtools.autograd import Value
from nbtools.exercises import check, check_gradient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_automatic_differentiation.ipynb"


def cell(text):
    """The source of the one code cell that contains ``text``."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    found = ["".join(c["source"]) for c in cells
             if c["cell_type"] == "code" and text in "".join(c["source"])]
    assert len(found) == 1, f"expected one code cell containing {text!r}, found {len(found)}"
    return found[0]


def namespace(**answers):
    return {"np": np, "math": math, "Value": Value, "autograd": autograd,
            "forward_mode": forward_mode, "check": check, "check_gradient": check_gradient,
            **answers}


def run_check(check_text, capsys, **answers):
    """Run a check cell with the student's answers defined; return its printed lines."""
    exec(cell(check_text), namespace(**answers))
    return capsys.readouterr().out.splitlines()


def stub(def_text, name):
    """What the untouched stub cell defines."""
    ns = namespace()
    exec(cell(def_text), ns)
    return ns[name]


def test_stubs_are_unfilled_in_the_committed_notebook():
    for text in ("def value_sin", "def logistic_hessian"):
        assert "# YOUR CODE HERE" in cell(text)


# ---- Exercise 1: value_sin ------------------------------------------------------------------
CHECK_1 = 'check("value_sin(x²).data"'


def node_for_sin(out, da):
    """A sin node in the engine's recipe, with the given output number and local derivative."""
    return lambda v: Value(out(v.data), "sin", v, da(v.data))


correct_sin = node_for_sin(math.sin, math.cos)


def test_exercise_1_correct_answer_by_hand():
    x = Value(0.0)
    y = correct_sin(x)
    y.backward()
    assert (y.data, x.grad) == (0.0, 1.0)          # sin 0 = 0, cos 0 = 1
    x = Value(math.pi)
    y = correct_sin(x * 0.5)                       # d/dx sin(x/2) = cos(x/2) / 2 = 0 at x = pi
    y.backward()
    assert y.data == 1.0 and abs(x.grad) < 1e-15


def test_exercise_1_accepts_the_correct_answer(capsys):
    lines = run_check(CHECK_1, capsys, value_sin=correct_sin)
    assert len(lines) == 2 and all(line.startswith("Correct") for line in lines)


def test_exercise_1_says_not_yet_to_the_stub(capsys):
    placeholder = stub("def value_sin", "value_sin")
    assert isinstance(placeholder(Value(1.0)), Value)          # Run All works: it is a node
    lines = run_check(CHECK_1, capsys, value_sin=placeholder)
    assert len(lines) == 2 and all(line.startswith("Not yet") for line in lines)


@pytest.mark.parametrize("wrong_derivative", [
    lambda a: -math.cos(a),                # the sign of the derivative of cos, not of sin
    math.sin,                              # the function instead of its derivative
    lambda a: math.cos(a * a),             # the chain rule done twice: the engine already does it
    lambda a: 1.0,                         # a made-up constant
])
def test_exercise_1_rejects_a_wrong_derivative(capsys, wrong_derivative):
    lines = run_check(CHECK_1, capsys, value_sin=node_for_sin(math.sin, wrong_derivative))
    assert lines[0].startswith("Correct")                      # the values are right...
    assert lines[1].startswith("Wrong") and "cos(a)" in lines[1]   # ...the gradient is not


def test_exercise_1_rejects_wrong_values(capsys):
    lines = run_check(CHECK_1, capsys, value_sin=node_for_sin(math.cos, math.cos))
    assert lines[0].startswith("Wrong") and "math.sin(v.data)" in lines[0]


def test_exercise_1_does_not_pass_a_node_cut_off_from_its_input(capsys):
    unlinked = lambda v: Value(math.sin(v.data))   # right number, but backward cannot reach v
    lines = run_check(CHECK_1, capsys, value_sin=unlinked)
    assert lines[0].startswith("Correct") and not lines[1].startswith("Correct")


# ---- Exercise 2: the Hessian of the logistic loss ---------------------------------------------
CHECK_2 = 'check("logistic_hessian at three points"'


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def correct_hessian(w, b, x, y):
    s = sigmoid(w * x + b)
    return s * (1 - s) * np.array([[x * x, x], [x, 1.0]])


def test_exercise_2_correct_answer_by_hand():
    # w = b = 0: sigma = 1/2, sigma' = 1/4, so H = 1/4 [[x^2, x], [x, 1]] = [[1, .5], [.5, .25]]
    np.testing.assert_array_equal(correct_hessian(0.0, 0.0, 2.0, 1.0), [[1.0, 0.5], [0.5, 0.25]])


def test_exercise_2_accepts_the_correct_answer(capsys):
    assert run_check(CHECK_2, capsys, logistic_hessian=correct_hessian)[0].startswith("Correct")


def test_exercise_2_says_not_yet_to_the_stub(capsys):
    placeholder = stub("def logistic_hessian", "logistic_hessian")
    assert placeholder(0.5, -1.0, 2.0, 1.0).shape == (2, 2)
    assert run_check(CHECK_2, capsys, logistic_hessian=placeholder)[0].startswith("Not yet")


@pytest.mark.parametrize("wrong", [
    lambda w, b, x, y: sigmoid(w * x + b) * np.array([[x * x, x], [x, 1.0]]),       # sigma, not sigma'
    lambda w, b, x, y: correct_hessian(w, b, x, y) / np.array([[x, 1.0], [1.0, 1.0]]),  # x, not x^2
    lambda w, b, x, y: (sigmoid(w * x + b) - y) * np.array([[x * x, x], [x, 1.0]]),  # y kept in
    lambda w, b, x, y: (sigmoid(w * x + b) - y) ** 2 * np.array([[x * x, x], [x, 1.0]]),  # grad outer product
])
def test_exercise_2_rejects_typical_mistakes(capsys, wrong):
    line = run_check(CHECK_2, capsys, logistic_hessian=wrong)[0]
    assert line.startswith("Wrong") and "σ(z)(1 - σ(z))" in line
