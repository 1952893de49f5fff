"""Tests of nbtools.schedules.

Expected learning rates are worked out by hand in each test from the schedule formulas, or come
from PyTorch's ``torch.optim.lr_scheduler`` as an independent oracle.
"""
import math

import numpy as np
import pytest

from nbtools import optim, schedules
from nbtools.optim import SGD, Adam
from nbtools.schedules import StepLR, ExponentialLR, CosineAnnealingLR
from by_hand import random_quadratic


# ---------------------------------------------------------------- by hand

def lrs_of(schedule, n):
    return [schedule.optimizer.lr] + [schedule.step() for _ in range(n)]


def test_step_lr_sequence():
    opt = SGD(lr=0.1)
    lrs = lrs_of(StepLR(opt, step_size=3, gamma=0.5), 7)
    np.testing.assert_allclose(lrs, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025], rtol=1e-15)
    assert opt.lr == lrs[-1]


def test_exponential_lr_sequence():
    lrs = lrs_of(ExponentialLR(Adam(lr=1.0), gamma=0.5), 4)
    np.testing.assert_allclose(lrs, [1.0, 0.5, 0.25, 0.125, 0.0625], rtol=1e-15)


def test_cosine_lr_sequence_and_zero_lr_still_steps():
    # (1 + cos(pi e / 4)) / 2 for e = 0..4: 1, (1 + 1/sqrt(2))/2, 1/2, (1 - 1/sqrt(2))/2, 0
    opt = SGD(lr=1.0)
    lrs = lrs_of(CosineAnnealingLR(opt, T_max=4), 4)
    h = 1 / math.sqrt(2)
    np.testing.assert_allclose(lrs, [1.0, (1 + h) / 2, 0.5, (1 - h) / 2, 0.0], atol=1e-15)
    p = np.ones(2)
    opt.step([p], [np.ones(2)])  # lr is 0 now: allowed at the end of an annealing
    np.testing.assert_allclose(p, 1.0, atol=1e-15)


def test_cosine_eta_min():
    lrs = lrs_of(CosineAnnealingLR(SGD(lr=0.3), T_max=2, eta_min=0.1), 2)
    np.testing.assert_allclose(lrs, [0.3, 0.2, 0.1], atol=1e-15)


def test_pure_schedule_functions_for_plotting():
    epochs = np.arange(5)
    np.testing.assert_allclose(schedules.step_decay(0.1, epochs, step_size=2, gamma=0.5),
                               [0.1, 0.1, 0.05, 0.05, 0.025], rtol=1e-15)
    np.testing.assert_allclose(schedules.exponential_decay(2.0, epochs, gamma=0.5),
                               [2.0, 1.0, 0.5, 0.25, 0.125], rtol=1e-15)
    np.testing.assert_allclose(schedules.cosine_annealing(1.0, np.array([0, 3, 6]), T_max=6),
                               [1.0, 0.5, 0.0], atol=1e-15)
    assert isinstance(schedules.step_decay(0.1, 3, step_size=2), float)
    schedule = StepLR(SGD(lr=0.1), step_size=2, gamma=0.5)
    np.testing.assert_allclose(schedule.lr_at(epochs), [0.1, 0.1, 0.05, 0.05, 0.025], rtol=1e-15)


def test_bad_schedule_arguments():
    with pytest.raises(TypeError, match="optimizer"):
        StepLR("adam", step_size=2)
    with pytest.raises(ValueError, match="step_size"):
        StepLR(SGD(), step_size=0)
    with pytest.raises(TypeError, match="step_size"):
        StepLR(SGD(), step_size=2.5)
    with pytest.raises(ValueError, match="gamma"):
        ExponentialLR(SGD(), gamma=0)
    with pytest.raises(ValueError, match="T_max"):
        CosineAnnealingLR(SGD(), T_max=0)
    with pytest.raises(ValueError, match="eta_min"):
        CosineAnnealingLR(SGD(), T_max=5, eta_min=-1)
    with pytest.raises(ValueError, match="epoch"):
        schedules.step_decay(0.1, -1, step_size=2)


def test_repr():
    assert repr(StepLR(SGD(lr=0.1), step_size=2)) == (
        "StepLR(step_size=2, gamma=0.1, base_lr=0.1, epoch=0)")


def test_cosine_annealing_never_leaves_its_range_when_cos_rounds_past_minus_one(monkeypatch):
    """numpy's cos rounds differently on different CPUs; cos(pi) a hair below -1 must still give
    eta_min at T_max, not a tiny negative learning rate that the optimizer refuses."""
    monkeypatch.setattr(np, "cos", lambda x: np.full(np.shape(x), -1.0 - 2.0**-52))
    assert schedules.cosine_annealing(0.1, 10, T_max=10) == 0.0
    assert schedules.cosine_annealing(0.1, 10, T_max=10, eta_min=0.01) == 0.01


# ---------------------------------------------------------------- PyTorch as an oracle

@pytest.mark.parametrize("opt_name, opt_kwargs", [
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("RMSProp", dict(lr=0.01, momentum=0.5)),  # momentum buffers react to a changing lr
])
@pytest.mark.parametrize("name, kwargs", [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=0.01)),
])
def test_schedules_match_torch(name, kwargs, opt_name, opt_kwargs):
    torch = pytest.importorskip("torch", reason="PyTorch is only needed for the oracle tests")
    As, cs, starts, grad = random_quadratic(seed=1)
    ours = [s.copy() for s in starts]
    theirs = [torch.tensor(s, dtype=torch.float64, requires_grad=True) for s in starts]
    opt = getattr(optim, opt_name)(**opt_kwargs)
    torch_class = {"SGD": torch.optim.SGD, "RMSProp": torch.optim.RMSprop}[opt_name]
    torch_opt = torch_class(theirs, **opt_kwargs)
    schedule = getattr(schedules, name)(opt, **kwargs)
    torch_schedule = getattr(torch.optim.lr_scheduler, name)(torch_opt, **kwargs)
    for epoch in range(15):
        assert opt.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-12, abs=1e-15)
        opt.step(ours, [grad(A, c, p) for A, c, p in zip(As, cs, ours)])
        for A, c, t in zip(As, cs, theirs):
            t.grad = torch.from_numpy(grad(A, c, t.detach().numpy()))
        torch_opt.step()
        schedule.step()
        torch_schedule.step()
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p, t.detach().numpy(), rtol=0, atol=1e-10)
