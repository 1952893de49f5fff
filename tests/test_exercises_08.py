"""The self-checks of notebook 08's exercises accept a correct answer and reject the placeholder
and typical mistakes. The correct answers are written here from the formulas, not taken from
nbtools.optim, which the checks compare against."""
import numpy as np
import pytest

from nbtools import exercises


# ---------------------------------------------------------------- exercise 1: a momentum step

def momentum_step(p, g, v, lr, mu):
    v = mu * v - lr * g
    return p + v, v


def momentum_placeholder(p, g, v, lr, mu):
    return np.zeros_like(p), np.zeros_like(v)


def momentum_old_velocity(p, g, v, lr, mu):
    """Moves with the velocity of the previous step, then updates it."""
    return p + v, mu * v - lr * g


def momentum_forgot_mu(p, g, v, lr, mu):
    v = v - lr * g
    return p + v, v


def momentum_torch_form(p, g, b, lr, mu):
    """PyTorch's form, b <- mu b + g, p <- p - lr b: the same points (notebook section 4)."""
    b = mu * b + g
    return p - lr * b, b


def test_momentum_check_accepts_both_correct_forms(capsys):
    assert exercises.momentum_step_verdict(momentum_step)[0] is True
    assert exercises.momentum_step_verdict(momentum_torch_form)[0] is True
    assert exercises.check_momentum_step(momentum_step) is None       # the notebook cell shows one line
    assert capsys.readouterr().out == "Correct: the path of momentum_step matches.\n"


def test_momentum_check_says_not_yet_for_the_placeholder(capsys):
    ok, message = exercises.momentum_step_verdict(momentum_placeholder)
    assert ok is False and message.startswith("Not yet")
    exercises.check_momentum_step(momentum_placeholder)
    assert capsys.readouterr().out == message + "\n"


@pytest.mark.parametrize("wrong", [momentum_old_velocity, momentum_forgot_mu])
def test_momentum_check_rejects_typical_mistakes(wrong):
    ok, message = exercises.momentum_step_verdict(wrong)
    assert ok is False and message.startswith("Wrong") and "Hint" in message


def test_momentum_check_rejects_a_wrong_shape():
    ok, message = exercises.momentum_step_verdict(lambda p, g, v, lr, mu: (np.sum(p), v))
    assert ok is False and "shape" in message


# ---------------------------------------------------------------- exercise 2: an Adam step

def adam_step(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_placeholder(p, g, m, v, t, lr, beta1, beta2, eps):
    return np.zeros_like(p), np.zeros_like(m), np.zeros_like(v)


def adam_without_bias_correction(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return p - lr * m / (np.sqrt(v) + eps), m, v


def adam_t_from_zero(p, g, m, v, t, lr, beta1, beta2, eps):
    """Counts steps from 0: the first correction divides by 1 - beta**0 = 0."""
    return adam_step(p, g, m, v, t - 1, lr, beta1, beta2, eps)


def adam_swapped_betas(p, g, m, v, t, lr, beta1, beta2, eps):
    return adam_step(p, g, m, v, t, lr, beta2, beta1, eps)


def test_adam_check_accepts_a_correct_step(capsys):
    assert exercises.adam_step_verdict(adam_step)[0] is True
    assert exercises.check_adam_step(adam_step) is None
    assert capsys.readouterr().out == "Correct: the path of adam_step matches.\n"


def test_adam_check_says_not_yet_for_the_placeholder():
    ok, message = exercises.adam_step_verdict(adam_placeholder)
    assert ok is False and message.startswith("Not yet")


@pytest.mark.parametrize("wrong", [adam_without_bias_correction, adam_t_from_zero, adam_swapped_betas])
def test_adam_check_rejects_typical_mistakes(wrong):
    with np.errstate(divide="ignore", invalid="ignore"):
        ok, message = exercises.adam_step_verdict(wrong)
    assert ok is False and message.startswith("Wrong") and "Hint" in message


def test_the_checks_compare_with_values_computed_by_hand():
    """First momentum step from (-2, 1.5) on the check's quadratic, written out: v = -lr g."""
    A = exercises._EXERCISE_SURFACE.A
    p0 = np.array([-2.0, 1.5])
    expected = p0 - 0.05 * (A @ p0)
    got = momentum_step(p0, A @ p0, np.zeros(2), 0.05, 0.9)[0]
    np.testing.assert_allclose(got, expected)
    adam_first = adam_step(p0, A @ p0, np.zeros(2), np.zeros(2), 1, 0.1, 0.9, 0.999, 1e-8)[0]
    np.testing.assert_allclose(adam_first, p0 - 0.1 * np.sign(A @ p0), atol=1e-7)  # first step: lr * sign(g)
