"""Tests of nbtools.optim.

Expected values are worked out by hand in each test from the update formulas (with simple numbers
such as lr=0.1 and g=[1, -2]), or come from PyTorch's optimizers as an independent oracle.
"""
import math

import numpy as np
import pytest

from nbtools import optim
from nbtools.optim import SGD, RMSProp, Adam, AdamW, get_optimizer, OPTIMIZERS
from by_hand import random_quadratic

G = np.array([1.0, -2.0])


def run(opt, grads, p0=(0.0, 0.0)):
    """Apply opt to one point p (starting at p0) with the given sequence of gradients."""
    p = np.array(p0, dtype=float)
    path = []
    for g in grads:
        opt.step([p], [np.array(g, dtype=float)])
        path.append(p.copy())
    return path


# ---------------------------------------------------------------- SGD, by hand

def test_sgd_plain_by_hand():
    # p = p - lr * g with lr = 0.1, g = [1, -2] each step, from p = [0, 0]
    path = run(SGD(lr=0.1), [G, G, G])
    np.testing.assert_allclose(path, [[-0.1, 0.2], [-0.2, 0.4], [-0.3, 0.6]], rtol=0, atol=1e-15)


def test_sgd_momentum_by_hand():
    # b1 = g = [1, -2]                   p1 = 0 - 0.1 * [1, -2]        = [-0.1, 0.2]
    # b2 = 0.9 * b1 + g = [1.9, -3.8]    p2 = p1 - 0.1 * b2            = [-0.29, 0.58]
    # b3 = 0.9 * b2 + g = [2.71, -5.42]  p3 = p2 - 0.1 * b3            = [-0.561, 1.122]
    path = run(SGD(lr=0.1, momentum=0.9), [G, G, G])
    np.testing.assert_allclose(path, [[-0.1, 0.2], [-0.29, 0.58], [-0.561, 1.122]], atol=1e-14)


def test_sgd_nesterov_by_hand():
    # b1 = g = [1, -2];    step = g + 0.9 * b1 = [1.9, -3.8];   p1 = [-0.19, 0.38]
    # b2 = [1.9, -3.8];    step = g + 0.9 * b2 = [2.71, -5.42]; p2 = [-0.461, 0.922]
    path = run(SGD(lr=0.1, momentum=0.9, nesterov=True), [G, G])
    np.testing.assert_allclose(path, [[-0.19, 0.38], [-0.461, 0.922]], atol=1e-14)


def test_sgd_dampening_by_hand():
    # the first step ignores dampening: b1 = g; then b2 = 0.9 * b1 + (1 - 0.5) * g = 1.4 * g
    path = run(SGD(lr=0.1, momentum=0.9, dampening=0.5), [G, G])
    np.testing.assert_allclose(path, [[-0.1, 0.2], [-0.24, 0.48]], atol=1e-14)


def test_sgd_weight_decay_by_hand():
    # zero gradient, so the step is lr * wd * p: p shrinks by (1 - 0.1 * 0.5) = 0.95 per step
    path = run(SGD(lr=0.1, weight_decay=0.5), [[0, 0], [0, 0]], p0=(1.0, -2.0))
    np.testing.assert_allclose(path, [[0.95, -1.9], [0.9025, -1.805]], atol=1e-15)


def test_momentum_seed_form_equals_torch_form_for_constant_lr():
    # The text's form: v = mu * v - lr * grad; theta = theta + v. Ours: b = mu * b + grad;
    # theta = theta - lr * b. Same trajectory on f(x, y) = 0.5 * (x^2 + 10 y^2).
    A = np.array([1.0, 10.0])
    lr, mu = 0.05, 0.9
    theta, v = np.array([3.0, 1.0]), np.zeros(2)
    p = theta.copy()
    opt = SGD(lr=lr, momentum=mu)
    for _ in range(50):
        v = mu * v - lr * (A * theta)
        theta = theta + v
        opt.step([p], [A * p])
        np.testing.assert_allclose(p, theta, rtol=1e-12, atol=1e-14)


def test_momentum_forms_differ_when_lr_changes():
    # Halve lr after 5 steps. Our b-form must match the torch form written out here, and
    # differ from the text's v-form, whose velocity still carries the old lr.
    A = np.array([1.0, 10.0])
    mu = 0.9
    lrs = [0.05] * 5 + [0.025] * 5
    theta, v = np.array([3.0, 1.0]), np.zeros(2)
    q, b = theta.copy(), None
    p = theta.copy()
    opt = SGD(lr=lrs[0], momentum=mu)
    for lr in lrs:
        v = mu * v - lr * (A * theta)
        theta = theta + v
        g = A * q
        b = g if b is None else mu * b + g
        q = q - lr * b
        opt.lr = lr
        opt.step([p], [A * p])
    np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    assert np.max(np.abs(p - theta)) > 1e-3


# ---------------------------------------------------------------- RMSProp, by hand

def test_rmsprop_by_hand():
    # alpha = 0.5, g = [1, -2] twice.
    # v1 = 0.5 * g^2 = [0.5, 2]        step = g / sqrt(v1) = [1/sqrt(0.5), -2/sqrt(2)]
    # v2 = 0.5 * v1 + 0.5 * g^2 = [0.75, 3]   step = [1/sqrt(0.75), -2/sqrt(3)]
    eps = 1e-8
    step1 = np.array([1 / (math.sqrt(0.5) + eps), -2 / (math.sqrt(2) + eps)])
    step2 = np.array([1 / (math.sqrt(0.75) + eps), -2 / (math.sqrt(3) + eps)])
    path = run(RMSProp(lr=0.1, alpha=0.5, eps=eps), [G, G])
    np.testing.assert_allclose(path[0], -0.1 * step1, atol=1e-14)
    np.testing.assert_allclose(path[1], -0.1 * step1 - 0.1 * step2, atol=1e-14)


def test_rmsprop_centered_by_hand():
    # gbar1 = 0.5 * g = [0.5, -1];  v1 - gbar1^2 = [0.5 - 0.25, 2 - 1] = [0.25, 1] -> step [2, -2]
    # gbar2 = [0.75, -1.5];  v2 - gbar2^2 = [0.75 - 0.5625, 3 - 2.25] = [0.1875, 0.75]
    eps = 1e-8
    step1 = np.array([1 / (0.5 + eps), -2 / (1 + eps)])
    step2 = np.array([1 / (math.sqrt(0.1875) + eps), -2 / (math.sqrt(0.75) + eps)])
    path = run(RMSProp(lr=0.1, alpha=0.5, eps=eps, centered=True), [G, G])
    np.testing.assert_allclose(path[0], -0.1 * step1, atol=1e-14)
    np.testing.assert_allclose(path[1], -0.1 * (step1 + step2), atol=1e-14)


def test_rmsprop_momentum_by_hand():
    # b1 = step1;  b2 = 0.5 * b1 + step2  (steps as in test_rmsprop_by_hand, eps tiny)
    eps = 1e-12
    step1 = np.array([1 / math.sqrt(0.5), -2 / math.sqrt(2)])
    step2 = np.array([1 / math.sqrt(0.75), -2 / math.sqrt(3)])
    b2 = 0.5 * step1 + step2
    path = run(RMSProp(lr=0.1, alpha=0.5, eps=eps, momentum=0.5), [G, G])
    np.testing.assert_allclose(path[1], -0.1 * step1 - 0.1 * b2, atol=1e-10)


def test_rmsprop_weight_decay_by_hand():
    # g = 0 + 0.5 * p = [0.5, -1]; v = 0.5 * g^2; step = g / sqrt(v) = sqrt(2) * sign(p)
    path = run(RMSProp(lr=0.1, alpha=0.5, eps=1e-12, weight_decay=0.5), [[0, 0]], p0=(1, -2))
    np.testing.assert_allclose(path[0], [1 - 0.1 * math.sqrt(2), -2 + 0.1 * math.sqrt(2)],
                               atol=1e-10)


# ---------------------------------------------------------------- Adam and AdamW, by hand

def test_adam_by_hand():
    # betas = (0.5, 0.75), g1 = [1, -2], g2 = [3, 0]
    # m1 = 0.5 * g1 = [0.5, -1], v1 = 0.25 * g1^2 = [0.25, 1]
    # m_hat = m1 / 0.5 = g1, v_hat = v1 / 0.25 = g1^2, so the first step is lr * sign(g1)
    # m2 = 0.5 * m1 + 0.5 * g2 = [1.75, -0.5];  v2 = 0.75 * v1 + 0.25 * g2^2 = [2.4375, 0.75]
    # m_hat = m2 / (1 - 0.25);  v_hat = v2 / (1 - 0.5625)
    eps = 1e-8
    step1 = np.array([1 / (1 + eps), -1 / (1 + eps)])
    m_hat = np.array([1.75, -0.5]) / 0.75
    v_hat = np.array([2.4375, 0.75]) / 0.4375
    step2 = m_hat / (np.sqrt(v_hat) + eps)
    path = run(Adam(lr=0.1, betas=(0.5, 0.75), eps=eps), [G, [3.0, 0.0]])
    np.testing.assert_allclose(path[0], -0.1 * step1, atol=1e-14)
    np.testing.assert_allclose(path[1], -0.1 * (step1 + step2), atol=1e-14)
    # and by hand to 4 digits: step2 = [2.3333 / 2.3604, -0.6667 / 1.3093]
    np.testing.assert_allclose(step2, [0.98854, -0.50918], atol=1e-5)


def test_adam_bias_correction_on_and_off():
    # Default betas, first step with g = [1, -2]: m = 0.1 g, v = 0.001 g^2.
    # Corrected: m_hat / sqrt(v_hat) = sign(g), so the step is lr.
    # Uncorrected: 0.1 g / sqrt(0.001 g^2) = sqrt(10) * sign(g), a step of about 3.16 lr.
    on = run(Adam(lr=0.1, eps=1e-12), [G])[0]
    off = run(Adam(lr=0.1, eps=1e-12, bias_correction=False), [G])[0]
    np.testing.assert_allclose(on, [-0.1, 0.1], atol=1e-10)
    np.testing.assert_allclose(off, [-0.1 * math.sqrt(10), 0.1 * math.sqrt(10)], atol=1e-10)


def test_adam_weight_decay_is_l2_in_the_gradient():
    # zero loss gradient; g = 0.5 * p = [0.5, -1]; first Adam step is lr * sign(g) whatever |g|
    path = run(Adam(lr=0.1, betas=(0.5, 0.75), eps=1e-12, weight_decay=0.5), [[0, 0]],
               p0=(1.0, -2.0))
    np.testing.assert_allclose(path[0], [0.9, -1.9], atol=1e-10)


def test_adamw_decouples_weight_decay():
    # zero loss gradient: Adam's step is 0/(0 + eps) = 0, so only p = p * (1 - lr * wd) acts,
    # shrinking every entry by the same factor 0.95 (unlike Adam + L2 above: a fixed step lr).
    path = run(AdamW(lr=0.1, weight_decay=0.5), [[0, 0], [0, 0]], p0=(1.0, -2.0))
    np.testing.assert_allclose(path, [[0.95, -1.9], [0.9025, -1.805]], atol=1e-15)
    adam_l2 = run(Adam(lr=0.1, weight_decay=0.5), [[0, 0]], p0=(1.0, -2.0))[0]
    assert np.max(np.abs(adam_l2 - path[0])) > 0.01


def test_adamw_with_gradient_by_hand():
    # p * (1 - 0.1 * 0.5) = [0.95, -1.9], then the first Adam step lr * sign(g) = [0.1, -0.1]
    path = run(AdamW(lr=0.1, weight_decay=0.5, eps=1e-12), [G], p0=(1.0, -2.0))
    np.testing.assert_allclose(path[0], [0.85, -1.8], atol=1e-10)


def test_adamw_default_weight_decay():
    assert AdamW().weight_decay == 0.01 and Adam().weight_decay == 0.0


# ---------------------------------------------------------------- state, shapes, in place

def test_step_updates_in_place_and_leaves_grads_alone():
    W, b = np.ones((2, 3)), np.zeros(3)
    gW, gb = np.full((2, 3), 2.0), np.array([1.0, 0.0, -1.0])
    params, grads = [W, b], [gW.copy(), gb.copy()]
    for opt in [SGD(lr=0.1, momentum=0.9, weight_decay=0.1), RMSProp(weight_decay=0.1),
                Adam(weight_decay=0.1), AdamW()]:
        opt.step(params, grads)
        assert params[0] is W and params[1] is b
        np.testing.assert_array_equal(grads[0], gW)
        np.testing.assert_array_equal(grads[1], gb)
    assert np.all(W < 1) and b[0] < 0 < b[2]


def test_tuples_and_list_grads_are_accepted():
    p = np.array([1.0, 2.0])
    SGD(lr=0.5).step((p,), ([1.0, 2.0],))
    np.testing.assert_allclose(p, [0.5, 1.0])


def test_single_point_on_a_loss_surface():
    # f(x, y) = x^2 + 10 y^2, gradient [2x, 20y]; every optimizer should get close to (0, 0)
    for opt in [SGD(lr=0.04), SGD(lr=0.02, momentum=0.9, nesterov=True), RMSProp(lr=0.01),
                Adam(lr=0.05), AdamW(lr=0.05)]:
        point = np.array([2.0, 1.0])
        for _ in range(400):
            opt.step([point], [np.array([2 * point[0], 20 * point[1]])])
        assert np.linalg.norm(point) < 0.05, opt


def test_reset_clears_state():
    opt = SGD(lr=0.1, momentum=0.9)
    run(opt, [G, G])
    assert opt.t == 2 and opt.state is not None
    opt.reset()
    assert opt.t == 0 and opt.state is None
    # after reset, the first step has no memory of b: same as a fresh optimizer
    np.testing.assert_allclose(run(opt, [G])[0], [-0.1, 0.2], atol=1e-15)
    adam = Adam(lr=0.1)
    run(adam, [G, [5.0, 5.0]])
    adam.reset()
    np.testing.assert_allclose(run(adam, [G])[0], [-0.1, 0.1], atol=1e-7)


def test_state_is_per_array():
    # two arrays with their own momentum: the same as two separate optimizers
    a, b = np.zeros(2), np.zeros(3)
    a2, b2 = np.zeros(2), np.zeros(3)
    opt, opt_a, opt_b = SGD(lr=0.1, momentum=0.9), SGD(lr=0.1, momentum=0.9), SGD(lr=0.1, momentum=0.9)
    for k in range(3):
        ga, gb = np.array([1.0, k]), np.array([k, -1.0, 2.0])
        opt.step([a, b], [ga, gb])
        opt_a.step([a2], [ga])
        opt_b.step([b2], [gb])
    np.testing.assert_array_equal(a, a2)
    np.testing.assert_array_equal(b, b2)


def test_changed_shapes_or_count_raise_and_suggest_reset():
    opt = Adam()
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(2), np.zeros(2)], [np.ones(2), np.ones(2)])
    opt.reset()
    opt.step([np.zeros(3)], [np.ones(3)])


def test_bad_params_and_grads():
    p = np.zeros(2)
    with pytest.raises(ValueError, match=r"grads\[0\].*shape"):
        SGD().step([p], [np.ones(3)])
    with pytest.raises(ValueError, match="aligned"):
        SGD().step([p, p], [np.ones(2)])
    with pytest.raises(TypeError, match=r"wrap a single array in a list"):
        SGD().step(p, [np.ones(2)])
    with pytest.raises(TypeError, match=r"list\(params\)"):
        SGD().step(iter([p]), [np.ones(2)])
    with pytest.raises(TypeError, match=r"params\[0\].*float.*np.asarray"):
        SGD().step([np.zeros(2, dtype=int)], [np.ones(2)])
    with pytest.raises(TypeError, match=r"params\[0\]"):
        SGD().step([[0.0, 0.0]], [np.ones(2)])
    with pytest.raises(TypeError, match=r"grads\[0\]"):
        SGD().step([p], ["ab"])


def test_nonfinite_grads_are_passed_through():
    # divergence is the training loop's job to report; the optimizer just does the arithmetic
    p = np.zeros(2)
    SGD(lr=0.1).step([p], [np.array([np.nan, 1.0])])
    assert np.isnan(p[0]) and p[1] == -0.1


# ---------------------------------------------------------------- names, repr, hyperparameters

def test_get_optimizer_names():
    assert isinstance(get_optimizer("sgd", lr=0.1), SGD)
    m = get_optimizer("momentum", lr=0.1)
    assert m.momentum == 0.9 and not m.nesterov
    n = get_optimizer("nesterov", lr=0.1)
    assert n.momentum == 0.9 and n.nesterov
    assert type(get_optimizer("RMSprop")) is RMSProp
    assert type(get_optimizer("adam", lr=0.01)) is Adam
    assert type(get_optimizer("adamw")) is AdamW
    assert get_optimizer("adam", lr=0.01).lr == 0.01
    assert set(OPTIMIZERS) == {"sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"}


def test_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError) as err:
        get_optimizer("adagrad")
    for name in ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"]:
        assert repr(name) in str(err.value)


def test_defaults_match_torch_docs():
    assert (SGD().lr, SGD().momentum, SGD().dampening, SGD().nesterov) == (0.001, 0, 0, False)
    r = RMSProp()
    assert (r.lr, r.alpha, r.eps, r.momentum, r.centered) == (0.01, 0.99, 1e-8, 0, False)
    a = Adam()
    assert (a.lr, a.betas, a.eps, a.bias_correction) == (0.001, (0.9, 0.999), 1e-8, True)


def test_repr():
    assert repr(Adam(lr=0.01)) == (
        "Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, bias_correction=True)")
    assert repr(SGD(lr=0.1, momentum=0.9)) == (
        "SGD(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0)")
    assert repr(RMSProp()).startswith("RMSProp(lr=0.01, alpha=0.99, eps=1e-08")
    assert repr(AdamW()).startswith("AdamW(lr=0.001, betas=(0.9, 0.999)")


@pytest.mark.parametrize("make", [SGD, RMSProp, Adam, AdamW])
@pytest.mark.parametrize("lr, error", [(0, ValueError), (-1, ValueError),
                                       (float("nan"), ValueError), (float("inf"), ValueError),
                                       ("a", TypeError), (None, TypeError), (True, TypeError)])
def test_bad_lr_names_lr(make, lr, error):
    with pytest.raises(error, match=r"\blr\b"):
        make(lr=lr)


def test_lr_changed_later_is_checked_at_step():
    opt = SGD(lr=0.1)
    opt.lr = "0.1"
    with pytest.raises(TypeError, match=r"\blr\b"):
        opt.step([np.zeros(2)], [np.ones(2)])
    opt.lr = -0.1
    with pytest.raises(ValueError, match=r"\blr\b"):
        opt.step([np.zeros(2)], [np.ones(2)])


@pytest.mark.parametrize("betas, error, name", [
    ((1.0, 0.999), ValueError, r"betas\[0\]"), ((0.9, 1.0), ValueError, r"betas\[1\]"),
    ((-0.1, 0.999), ValueError, r"betas\[0\]"), ((0.9, float("nan")), ValueError, r"betas\[1\]"),
    ((0.9,), TypeError, "betas"), (0.9, TypeError, "betas"), (("a", 0.9), TypeError, r"betas\[0\]"),
])
def test_bad_betas(betas, error, name):
    for make in (Adam, AdamW):
        with pytest.raises(error, match=name):
            make(betas=betas)


@pytest.mark.parametrize("make, kwargs, name", [
    (SGD, dict(momentum=1.0), "momentum"), (SGD, dict(momentum=-0.5), "momentum"),
    (SGD, dict(weight_decay=-1.0), "weight_decay"), (SGD, dict(dampening=2.0), "dampening"),
    (SGD, dict(nesterov=True), "nesterov"),
    (SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), "dampening"),
    (SGD, dict(nesterov="yes"), "nesterov"),
    (RMSProp, dict(alpha=1.0), "alpha"), (RMSProp, dict(alpha=-0.1), "alpha"),
    (RMSProp, dict(eps=0.0), "eps"), (RMSProp, dict(momentum=1.0), "momentum"),
    (RMSProp, dict(weight_decay=-0.1), "weight_decay"), (RMSProp, dict(centered=1), "centered"),
    (Adam, dict(eps=0.0), "eps"), (Adam, dict(eps=-1e-8), "eps"),
    (Adam, dict(weight_decay=-0.01), "weight_decay"), (Adam, dict(bias_correction=0), "bias"),
    (AdamW, dict(weight_decay=-0.01), "weight_decay"),
])
def test_bad_hyperparameters_name_the_argument(make, kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        make(**kwargs)


def test_error_messages_say_how_to_fix():
    with pytest.raises(ValueError, match=r"lr must be in.*got 0.*for example lr=0.01"):
        SGD(lr=0)
    with pytest.raises(ValueError, match=r"\[0, 1\).*got 1.0.*0.9"):
        SGD(momentum=1.0)


# ---------------------------------------------------------------- PyTorch as an oracle

TORCH_CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3)),
    ("SGD", dict(lr=0.05, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.1)),
    ("RMSProp", dict()),
    ("RMSProp", dict(lr=0.02, alpha=0.9, weight_decay=0.1)),
    ("RMSProp", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1)),
]


@pytest.mark.parametrize("name, kwargs", TORCH_CASES)
def test_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch", reason="PyTorch is only needed for the oracle tests")
    As, cs, starts, grad = random_quadratic()
    torch_class = {"SGD": torch.optim.SGD, "RMSProp": torch.optim.RMSprop,
                   "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}[name]
    ours = [s.copy() for s in starts]
    theirs = [torch.tensor(s, dtype=torch.float64, requires_grad=True) for s in starts]
    opt, torch_opt = getattr(optim, name)(**kwargs), torch_class(theirs, **kwargs)
    for _ in range(20):
        opt.step(ours, [grad(A, c, p) for A, c, p in zip(As, cs, ours)])
        for A, c, t in zip(As, cs, theirs):
            t.grad = torch.from_numpy(grad(A, c, t.detach().numpy()))
        torch_opt.step()
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p, t.detach().numpy(), rtol=0, atol=1e-10)
    assert not np.allclose(ours[0], starts[0])  # the parameters really moved


def test_a_list_that_grows_between_steps_is_still_checked():
    """A list that changed length between steps is refused, not silently zipped short."""
    params, grads = [np.zeros(2)], [np.ones(2)]
    opt = optim.SGD(lr=0.1)
    opt.step(params, grads)
    params.append(np.zeros(3))
    grads.append(np.ones(3))
    with pytest.raises(ValueError, match="reset"):
        opt.step(params, grads)
