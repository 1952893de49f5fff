"""The exercise checker: it must say Correct, Not yet and Wrong at the right times."""
import numpy as np
import pytest

from nbtools.exercises import check, check_gradient, gradient_verdict, require, verdict


def test_correct_not_yet_and_wrong():
    assert verdict("x", [1.0, 2.0], [1.0, 2.0]) == (True, "Correct: x matches.")
    ok, msg = verdict("x", np.zeros(2), [1.0, 2.0])
    assert not ok and msg.startswith("Not yet")
    ok, msg = verdict("x", [1.0, 2.5], [1.0, 2.0], hint="look again")
    assert not ok and "index (1,): expected 2, got 2.5" in msg and msg.endswith("Hint: look again")
    ok, msg = verdict("x", [1.0], [1.0, 2.0])
    assert not ok and "shape (2,)" in msg
    assert verdict("x", 0.5, 0.5)[0] and not verdict("x", "abc", 0.5)[0]


def test_check_prints_one_line_and_returns_nothing(capsys):
    assert check("x", 1.0, 1.0) is None
    assert capsys.readouterr().out == "Correct: x matches.\n"


def test_require_raises_unless_correct():
    require("x", 3.0, 3.0)
    with pytest.raises(AssertionError, match="Wrong: x"):
        require("x", 3.0, 4.0)


def test_gradient_verdicts(capsys):
    g = np.array([1.0, -2.0])
    assert gradient_verdict("g", g, g + 1e-12)[0]
    assert not gradient_verdict("g", -g, g)[0]
    assert gradient_verdict("g", np.zeros(2), g)[1].startswith("Not yet")
    check_gradient("g", g, g)
    assert capsys.readouterr().out.startswith("Correct")


# ---- notebook 00's exercises: the check cells, run as the notebook has them ------------------------
# The checks compute their reference values inside nbtools.exercises, so the check cell shows the
# student nothing to copy; these tests run the committed cells with a correct answer, the untouched
# stub and typical mistakes.

from pathlib import Path

from notebook_cells import code_cells, run_cell, run_exercise, verdicts

NOTEBOOK_00 = Path(__file__).resolve().parent.parent / "notebooks" / "00_start_here.ipynb"


@pytest.fixture(scope="module")
def namespace_00():
    ns = {}
    run_cell(code_cells(NOTEBOOK_00, skip_tags=())[0], ns)  # the imports and constants
    return ns


ACCURACY = ("def accuracy", "check_accuracy(")
N_PARAMS = ("n_parameters = 0", "check_parameter_count(")


def test_00_check_cells_show_no_reference_value():
    for _, check_text in (ACCURACY, N_PARAMS):
        source = next(s for s in code_cells(NOTEBOOK_00) if check_text in s)
        assert "evaluate" not in source and "n_params" not in source


def test_00_exercise_1_accepts_the_fraction_of_correct_predictions(namespace_00):
    def accuracy(net, X, y):
        return np.mean((net.forward(X)[:, 0] >= 0.5) == y)

    assert verdicts(run_exercise(NOTEBOOK_00, namespace_00, *ACCURACY, accuracy=accuracy)) == ["Correct"]


def test_00_exercise_1_says_not_yet_to_the_stub(namespace_00):
    assert verdicts(run_exercise(NOTEBOOK_00, namespace_00, *ACCURACY)) == ["Not yet"]


@pytest.mark.parametrize("wrong", [
    lambda net, X, y: np.mean((net.forward(X) >= 0.5) == y),          # (n, 1) == (n,) broadcasts to (n, n)
    lambda net, X, y: np.mean((net.forward(X)[:, 0] < 0.5) == y),     # classes swapped
    lambda net, X, y: np.sum((net.forward(X)[:, 0] >= 0.5) == y),     # a count, not a fraction
], ids=["shape-broadcast", "classes-swapped", "count"])
def test_00_exercise_1_rejects_typical_mistakes(namespace_00, wrong):
    assert verdicts(run_exercise(NOTEBOOK_00, namespace_00, *ACCURACY, accuracy=wrong)) == ["Wrong"]


def test_00_exercise_2_accepts_the_count_which_the_network_confirms(namespace_00):
    from nbtools import nn

    count = (16 * 2 + 16) + (16 * 16 + 16) + (1 * 16 + 1)
    assert count == nn.MLP([2, 16, 16, 1]).n_params()
    assert verdicts(run_exercise(NOTEBOOK_00, namespace_00, *N_PARAMS, n_parameters=count)) == ["Correct"]


def test_00_exercise_2_says_not_yet_to_the_stub(namespace_00):
    assert verdicts(run_exercise(NOTEBOOK_00, namespace_00, *N_PARAMS)) == ["Not yet"]


@pytest.mark.parametrize("wrong", [16 * 2 + 16 * 16 + 16, 2 * 16 + 16 * 16 + 16 * 1 + 2 + 16 + 16],
                         ids=["no-biases", "biases-per-input"])
def test_00_exercise_2_rejects_typical_mistakes(namespace_00, wrong):
    assert verdicts(run_exercise(NOTEBOOK_00, namespace_00, *N_PARAMS, n_parameters=wrong)) == ["Wrong"]
