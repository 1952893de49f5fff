"""blocks.Dropout: inverted dropout, its two modes, its gradient with a fixed mask, bad input."""
import numpy as np
import pytest

from nbtools import blocks, nn, regularization
from nbtools.gradcheck import check_layer, check_network
from nbtools.losses import BinaryCrossEntropy
from nbtools.training import evaluate, fit


def test_training_mode_zeroes_with_probability_rate_and_scales_the_rest():
    drop = blocks.Dropout(0.25, seed=0)
    out = drop.forward(np.ones((400, 500)))
    assert set(np.unique(out)) == {0.0, 1 / 0.75}                  # dropped, or kept and scaled
    assert np.mean(out == 0) == pytest.approx(0.25, abs=0.005)      # 200,000 draws: sd ~ 0.001
    assert out.mean() == pytest.approx(1.0, abs=0.01)               # the mean is kept


def test_the_mask_is_drawn_from_uniform_numbers_of_the_seeded_generator():
    x = np.arange(12.0).reshape(3, 4)
    u = np.random.default_rng(7).random((3, 4))
    expected = np.where(u >= 0.4, x / 0.6, 0.0)                     # the rule, written out
    np.testing.assert_allclose(blocks.Dropout(0.4, seed=7).forward(x), expected)


def test_same_seed_same_masks_and_a_new_mask_at_every_forward():
    a, b = blocks.Dropout(0.5, seed=3), blocks.Dropout(0.5, seed=3)
    x = np.ones((10, 10))
    first = a.forward(x)
    np.testing.assert_array_equal(first, b.forward(x))
    assert not np.array_equal(first, a.forward(x))


def test_eval_mode_is_the_identity_forward_and_backward():
    drop = blocks.Dropout(0.5).eval()
    x = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_array_equal(drop.forward(x), x)
    np.testing.assert_array_equal(drop.backward(2 * x), 2 * x)


def test_rate_zero_keeps_everything():
    x = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_array_equal(blocks.Dropout(0.0).forward(x), x)


def test_backward_multiplies_by_the_same_mask():
    drop = blocks.Dropout(0.5, seed=1)
    x = np.ones((6, 4))
    out = drop.forward(x)
    g = np.arange(24.0).reshape(6, 4)
    np.testing.assert_array_equal(drop.backward(g), g * out)        # out = mask here, since x = 1


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9])
def test_gradient_check_with_a_fixed_mask(rate):
    drop = blocks.Dropout(rate, seed=2)
    x = np.random.default_rng(0).normal(size=(7, 6))
    drop.forward(x)
    assert check_layer(drop.fix_mask(), x)["x"] < 1e-8


def test_without_a_fixed_mask_the_gradient_check_fails():
    # the check must be able to fail: a new mask at every evaluation is another function each time
    drop = blocks.Dropout(0.5, seed=2)
    x = np.random.default_rng(0).normal(size=(7, 6))
    assert check_layer(drop, x)["x"] > 1e-2


def test_whole_network_with_dropout_gradient_checked_with_fixed_masks():
    net = regularization.dropout_mlp([2, 5, 4, 1], rate=0.3, hidden="tanh", seed=0)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(9, 2)), rng.integers(0, 2, 9)
    net.forward(X)
    for layer in nn.walk(net.layers):
        if isinstance(layer, blocks.Dropout):
            layer.fix_mask()
    errors = check_network(net, X, y, BinaryCrossEntropy(), logits=True)
    assert max(errors.values()) < 1e-6


def test_fix_mask_can_be_released():
    drop = blocks.Dropout(0.5, seed=0)
    x = np.ones((20, 20))
    first = drop.forward(x)
    drop.fix_mask()
    np.testing.assert_array_equal(drop.forward(x), first)
    drop.fix_mask(False)
    assert not np.array_equal(drop.forward(x), first)


def test_fit_measures_losses_with_dropout_off_and_leaves_training_mode_on():
    net = regularization.dropout_mlp([2, 16, 1], rate=0.5, seed=0)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    history = fit(net, X, y, epochs=3, batch_size=None, progress=False, validation=(X, y))
    assert all(layer.training for layer in net.layers)
    loss_eval = evaluate(net.eval(), X, y)[0]                        # every unit on
    assert history.train_loss[-1] == pytest.approx(loss_eval, rel=1e-12)
    assert history.val_loss[-1] == pytest.approx(loss_eval, rel=1e-12)


def test_repr():
    assert repr(blocks.Dropout(0.25)) == "Dropout(0.25)"


# ---- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("rate", [1.0, 1.5, -0.1, float("nan")])
def test_rate_outside_zero_one_is_a_value_error(rate):
    with pytest.raises(ValueError, match="rate"):
        blocks.Dropout(rate)


@pytest.mark.parametrize("rate", ["0.5", None, True])
def test_rate_not_a_number_is_a_type_error(rate):
    with pytest.raises(TypeError, match="rate"):
        blocks.Dropout(rate)


def test_seed_none_is_a_type_error():
    with pytest.raises(TypeError, match="seed"):
        blocks.Dropout(0.5, seed=None)


def test_fix_mask_before_forward_says_what_to_do():
    with pytest.raises(RuntimeError, match="forward"):
        blocks.Dropout(0.5).fix_mask()


def test_fixed_mask_of_another_shape_is_a_value_error():
    drop = blocks.Dropout(0.5)
    drop.forward(np.ones((3, 2)))
    drop.fix_mask()
    with pytest.raises(ValueError, match="fix_mask"):
        drop.forward(np.ones((4, 2)))


def test_backward_before_forward_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="forward"):
        blocks.Dropout(0.5).backward(np.ones((2, 2)))


@pytest.mark.parametrize("x", [np.ones(3), "abc", np.ones((2, 2), dtype=complex)])
def test_bad_input_array(x):
    with pytest.raises((TypeError, ValueError)):
        blocks.Dropout(0.5).forward(x)


def test_gradient_of_wrong_shape():
    drop = blocks.Dropout(0.5)
    drop.forward(np.ones((3, 2)))
    with pytest.raises(ValueError, match="shape"):
        drop.backward(np.ones((2, 3)))
