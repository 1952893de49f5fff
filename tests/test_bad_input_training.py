"""Bad input at fit, evaluate and the optimizers: checked once, up front, with the argument named."""
import warnings

import numpy as np
import pytest

from nbtools import blocks, data, nn, optim, schedules, training


@pytest.fixture(scope="module")
def moons():
    return data.moons(n=20, seed=0)


def fit(X, y, net=None, **kw):
    return training.fit(net or nn.MLP([2, 3, 1], seed=0), X, y, epochs=kw.pop("epochs", 1), progress=False, **kw)


def test_fit_on_empty_X_says_so_not_batch_size():
    # before: "batch_size must be in [1, 0]" though no batch_size was passed
    with pytest.raises(ValueError, match=r"X has no rows \(shape \(0, 2\)\)"):
        fit(np.zeros((0, 2)), np.zeros(0, dtype=int))


@pytest.mark.parametrize("validation, error, match", [
    (lambda X, y: (X,), TypeError, "validation must be a pair \\(X_val, y_val\\), got tuple of length 1"),
    (lambda X, y: X, TypeError, "validation must be a pair"),
    (lambda X, y: (X, y[:3]), ValueError, "y_val has 3 labels but X_val has 20 rows"),
    (lambda X, y: (X[:, :1], y), ValueError, r"X_val must have shape \(n, 2\)"),
    (lambda X, y: (X[:0], y[:0]), ValueError, r"X_val must have shape \(n, 2\) with n >= 1"),
    (lambda X, y: (X, y + 1), ValueError, "y_val must hold labels in 0..1"),
])
def test_fit_names_the_validation_data(moons, validation, error, match):
    # before: IndexError for (X,), and messages that named the training X and y
    X, y = moons
    with pytest.raises(error, match=match):
        fit(X, y, validation=validation(X, y))


def test_fit_checks_the_schedule_before_training(moons):
    # before: schedule="step" failed with an AttributeError after the first epoch
    X, y = moons
    with pytest.raises(TypeError, match=r"schedule must be a learning-rate schedule with a step\(\) method, "
                                        r"such as schedules\.StepLR"):
        fit(X, y, schedule="step")
    with pytest.raises(ValueError, match="schedule changes the lr of a different optimizer"):
        fit(X, y, optimizer=optim.SGD(lr=0.1), schedule=schedules.StepLR(optim.SGD(lr=0.1), step_size=1))
    opt = optim.SGD(lr=0.1)
    fit(X, y, optimizer=opt, schedule=schedules.StepLR(opt, step_size=1, gamma=0.5), epochs=2)
    assert opt.lr == pytest.approx(0.025)


@pytest.mark.parametrize("factor, error", [(0, ValueError), (1, ValueError), (-5.0, ValueError),
                                           (np.nan, ValueError), ("big", TypeError)])
def test_fit_checks_explode_factor(moons, factor, error):
    # before: explode_factor=0 reported a divergence that did not happen
    X, y = moons
    with pytest.raises(error, match="explode_factor"):
        fit(X, y, explode_factor=factor)


def test_fit_accepts_an_infinite_explode_factor(moons):
    X, y = moons
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not fit(X, y, explode_factor=np.inf).diverged


def test_fit_checks_callback(moons):
    X, y = moons
    with pytest.raises(TypeError, match=r"callback must be a function callback\(epoch, net, history\)"):
        fit(X, y, callback="print")


@pytest.mark.parametrize("n, batch_size, good", [(17, 8, 9), (20, 1, 2), (21, 4, 6)])
def test_fit_with_batchnorm_names_a_batch_size_that_works(moons, n, batch_size, good):
    # before: the error came mid-training and asked for "a larger batch_size", although 8 < 17
    X, y = data.moons(n=n, seed=0)
    net = blocks.deep_net(2, 4, batchnorm=True, seed=0)
    with pytest.raises(ValueError, match=rf"a batch holds a single sample.*e\.g\. batch_size={good}\."):
        fit(X, y, net=net, batch_size=batch_size)
    fit(X, y, net=net, batch_size=good)  # the suggestion works
    fit(X, y, net=net.eval(), batch_size=batch_size)  # eval mode needs no batch statistics


def test_fit_with_batchnorm_on_one_sample(moons):
    X, y = moons
    with pytest.raises(ValueError, match="needs at least 2 samples to train on, got 1"):
        fit(X[:1], y[:1], net=blocks.deep_net(2, 4, batchnorm=True, seed=0))


@pytest.mark.parametrize("make", [lambda: optim.SGD(lr=0.1, momentum=0.9), lambda: optim.Adam(lr=0.1)])
def test_optimizer_reused_with_new_arrays_in_the_same_lists_asks_for_reset(make):
    # before: the same two lists skipped the checks, and new shapes gave a broadcasting error
    opt, params, grads = make(), [np.ones(3)], [np.ones(3)]
    opt.step(params, grads)
    params[0], grads[0] = np.ones(4), np.ones(4)
    with pytest.raises(ValueError, match=r"call opt\.reset\(\) to start over"):
        opt.step(params, grads)
    opt.reset()
    opt.step(params, grads)
    assert params[0].shape == (4,)


def test_optimizer_checks_a_gradient_swapped_in_the_same_list():
    opt, params, grads = optim.Adam(lr=0.1), [np.ones(3)], [np.ones(3)]
    opt.step(params, grads)
    grads[0] = np.ones(2)
    with pytest.raises(ValueError, match=r"grads\[0\] has shape \(2,\) but params\[0\] has shape \(3,\)"):
        opt.step(params, grads)
