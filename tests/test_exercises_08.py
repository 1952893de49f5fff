"""The self-checks of notebook 08's exercises accept a correct answer and reject the placeholder
and typical mistakes. The correct answers are written here from the formulas, not taken from
nbtools.optim, which the checks compare against."""
import numpy as np
import pytest

from nbtools import exercises, walks


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


# ---------------------------------------------------------------- exercise 3: questions for the race
# The stub and check cells come from the notebook (see notebook_cells); the answers are written here
# from the race's settings, which a test checks the exercise's own settings against.

from pathlib import Path  # noqa: E402

from notebook_cells import cell_containing, code_cells, run_cell, run_exercise, verdicts  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "08_optimizers.ipynb"
EDGE = ("largest_converging_lr = ", "check_stability_edge(")
SADDLE = ("stuck_without_noise = ", "check_saddle_escapes(")
BETA1 = ("same_steps_as_adam = ", "check_adam_without_momentum(")
ALL = {"SGD", "momentum", "Nesterov", "RMSProp", "Adam"}


@pytest.fixture(scope="module")
def namespace():
    ns = {}
    run_cell(code_cells(NOTEBOOK, skip_tags=())[0], ns)  # the imports and constants
    return ns


def test_exercise_3_uses_the_race_settings():
    from nbtools import explore_optimizers as E
    quadratic, start, _ = E.RACE_SURFACES["quadratic"]
    np.testing.assert_allclose(quadratic.A, exercises._RACE_QUADRATIC.A)
    assert start == (-2.5, 1.5) and exercises._RACE_NAMES == E.RACE_NAMES
    d = E.race_defaults("saddle")
    race = walks.run_all(E.race_optimizers(d["lr_sgd"], d["lr_momentum"], d["lr_nesterov"],
                                           d["lr_rmsprop"], d["lr_adam"], 0.9, 0.99, 0.9, 0.999),
                         E.RACE_SURFACES["saddle"][0], start=(1.5, 0.0), steps=200, noise=0.1, seed=0)
    mine = exercises._race_saddle_runs(0.1)
    for name in ALL:
        np.testing.assert_array_equal(race[name].points, mine[name].points)


def test_exercise_3a_accepts_the_notch_below_two_over_lambda_max(namespace):
    for lr in (10 ** -1.1, 0.079, 0.08):        # the notch, as exact or as read off the slider
        assert verdicts(run_exercise(NOTEBOOK, namespace, *EDGE, largest_converging_lr=lr,
                                     lambda_max=20.0)) == ["Correct", "Correct"]


def test_exercise_3a_rejects_the_stub_and_typical_mistakes(namespace):
    assert verdicts(run_exercise(NOTEBOOK, namespace, *EDGE)) == ["Not yet", "Not yet"]
    for lr, lam in ((0.1, 10.0),          # 2 / lambda_max itself: SGD rattles, never arrives
                    (0.126, 1.0),         # diverges; the smallest eigenvalue
                    (0.063, 20.0)):       # a notch too low
        assert verdicts(run_exercise(NOTEBOOK, namespace, *EDGE, largest_converging_lr=lr,
                                     lambda_max=lam))[0] == "Wrong"
    assert verdicts(run_exercise(NOTEBOOK, namespace, *EDGE, largest_converging_lr="big",
                                 lambda_max=20.0)) == ["Wrong", "Correct"]


def test_exercise_3b_accepts_what_the_race_shows(namespace):
    printed = run_exercise(NOTEBOOK, namespace, *SADDLE, stuck_without_noise=ALL,
                           escaped_with_noise=ALL - {"SGD"})
    assert verdicts(printed) == ["Correct", "Correct"]


@pytest.mark.parametrize("stuck, escaped", [
    ({"SGD", "momentum", "Nesterov"}, ALL - {"SGD"}),   # "adaptive methods escape by themselves"
    (ALL, ALL),                                          # "a little noise frees everyone"
    (["SGD"], "Adam"),                                   # a list and a string: sets of names
], ids=["adaptive-escape", "all-escape", "not-sets"])
def test_exercise_3b_rejects_typical_mistakes(namespace, stuck, escaped):
    assert "Wrong" in verdicts(run_exercise(NOTEBOOK, namespace, *SADDLE, stuck_without_noise=stuck,
                                            escaped_with_noise=escaped))


def test_exercise_3b_rejects_the_stub_and_unknown_names(namespace):
    assert verdicts(run_exercise(NOTEBOOK, namespace, *SADDLE)) == ["Not yet", "Not yet"]
    printed = run_exercise(NOTEBOOK, namespace, *SADDLE, stuck_without_noise={"sgd"},
                           escaped_with_noise={"AdamW"})
    assert verdicts(printed) == ["Wrong", "Wrong"] and "use the names" in printed


def test_exercise_3c_accepts_rmsprop_with_alpha_beta2(namespace):
    assert verdicts(run_exercise(NOTEBOOK, namespace, *BETA1, same_steps_as_adam="RMSProp",
                                 its_rate=0.999)) == ["Correct"]


@pytest.mark.parametrize("name, rate", [("RMSProp", 0.99), ("RMSProp", 0.9), ("SGD", 0.999),
                                        ("momentum", 0.9), ("Adagrad", 0.999)])
def test_exercise_3c_rejects_typical_mistakes(namespace, name, rate):
    assert verdicts(run_exercise(NOTEBOOK, namespace, *BETA1, same_steps_as_adam=name,
                                 its_rate=rate)) == ["Wrong"]


def test_exercise_3c_rejects_the_stub(namespace):
    assert verdicts(run_exercise(NOTEBOOK, namespace, *BETA1)) == ["Not yet"]


def test_exercise_3_check_cells_show_no_answer():
    for _, check_text in (EDGE, SADDLE, BETA1):
        source = cell_containing(NOTEBOOK, check_text)
        assert not any(answer in source for answer in ("0.079", "20", "0.999", "RMSProp", "SGD"))
