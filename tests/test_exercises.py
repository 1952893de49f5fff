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
