"""The self-checks of notebook 03's exercises: they accept a correct answer, say "Not yet" to the
untouched stub, and reject typical mistakes, saying what is wrong.

The stub and check cells are read from the committed notebook and run here as they are, so these
tests follow the notebook when it changes. Correct and wrong answers are written in this file.
"""
from pathlib import Path

import numpy as np
import pytest

from nbtools import layers
from nbtools.exercises import check, check_gradient
from nbtools.gradcheck import numerical_gradient
from notebook_cells import cell_containing, run_cell, run_check

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_backpropagation.ipynb"


def namespace():
    return {"np": np, "layers": layers, "check": check, "check_gradient": check_gradient,
            "numerical_gradient": numerical_gradient}


def printed_lines(check_text, **answers):
    """Run the check cell containing ``check_text`` with the student's answers; return its lines."""
    return run_check(cell_containing(NOTEBOOK, check_text), namespace(), **answers).splitlines()


def stub(def_text, name):
    """What the untouched stub cell defines."""
    ns = namespace()
    run_cell(cell_containing(NOTEBOOK, def_text), ns)
    return ns[name]


# ---- Exercise 1: sigmoid_prime --------------------------------------------------------------------
CHECK_1 = 'check_gradient("sigmoid_prime(zs)"'


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_exercise_1_accepts_the_correct_answer():
    correct = lambda z: sigmoid(z) * (1 - sigmoid(z))
    assert correct(np.array([0.0]))[0] == 0.25          # sigma'(0) = 1/2 * 1/2, by hand
    assert printed_lines(CHECK_1, sigmoid_prime=correct)[0].startswith("Correct")


def test_exercise_1_says_not_yet_to_the_stub():
    placeholder = stub("def sigmoid_prime", "sigmoid_prime")
    assert placeholder(np.ones(3)).shape == (3,)
    assert printed_lines(CHECK_1, sigmoid_prime=placeholder)[0].startswith("Not yet")


@pytest.mark.parametrize("wrong", [
    lambda z: sigmoid(z) * (1 - z),                      # z where sigma(z) belongs
    lambda z: np.exp(-z) / (1 + np.exp(-z)),             # the square in the denominator forgotten
    lambda z: sigmoid(z),                                # the function instead of its derivative
])
def test_exercise_1_rejects_typical_mistakes(wrong):
    line = printed_lines(CHECK_1, sigmoid_prime=wrong)[0]
    assert line.startswith("Wrong") and "σ(z)(1 - σ(z))" in line


# ---- Exercise 2: Dense.backward ---------------------------------------------------------------
CHECK_2 = "layer = MyDense(3, 2, seed=0)"


class CorrectDense(layers.Dense):
    def backward(self, grad_out):
        self.grads["W"] += grad_out.T @ self.x
        self.grads["b"] += grad_out.sum(axis=0)
        return grad_out @ self.params["W"]


class TransposedW(layers.Dense):      # dC/dW computed as x^T g, shape (n_in, n_out)
    def backward(self, grad_out):
        self.grads["W"] = self.x.T @ grad_out
        self.grads["b"] += grad_out.sum(axis=0)
        return grad_out @ self.params["W"]


class MeanForBias(layers.Dense):      # averages over the batch instead of summing
    def backward(self, grad_out):
        self.grads["W"] += grad_out.T @ self.x
        self.grads["b"] += grad_out.mean(axis=0)
        return grad_out @ self.params["W"]


class AssignsInsteadOfAdding(layers.Dense):
    def backward(self, grad_out):
        self.grads["W"] = grad_out.T @ self.x
        self.grads["b"] = grad_out.sum(axis=0)
        return grad_out @ self.params["W"]


def test_exercise_2_accepts_the_correct_answer():
    lines = printed_lines(CHECK_2, MyDense=CorrectDense)
    assert len(lines) == 4 and all(line.startswith("Correct") for line in lines), lines


def test_exercise_2_says_not_yet_to_the_stub():
    placeholder = stub("class MyDense", "MyDense")
    layer = placeholder(3, 2, seed=0)
    layer.forward(np.ones((4, 3)))
    assert layer.backward(np.ones((4, 2))).shape == (4, 3)
    lines = printed_lines(CHECK_2, MyDense=placeholder)
    assert len(lines) == 4 and all(line.startswith("Not yet") for line in lines), lines


def test_exercise_2_says_which_part_is_wrong():
    lines = printed_lines(CHECK_2, MyDense=TransposedW)
    assert lines[0].startswith("Correct")
    assert lines[1].startswith('Wrong: grads["W"] should have shape (2, 3), got (3, 2)')
    assert "grad_out.T @ x" in lines[1]

    lines = printed_lines(CHECK_2, MyDense=MeanForBias)
    assert [line.split(":")[0] for line in lines] == ["Correct", "Correct", "Wrong", "Correct"]
    assert "summed over the batch" in lines[2]

    lines = printed_lines(CHECK_2, MyDense=AssignsInsteadOfAdding)
    assert [line.split(":")[0] for line in lines] == ["Correct", "Correct", "Correct", "Wrong"]
    assert "+=" in lines[3]
