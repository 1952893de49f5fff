"""Bad input at the losses: a clear error instead of a quietly clipped, NaN or misread value.

And the edges that must give the exact value: a masked logit of -inf, a logit of +-inf in BCE.
"""
import numpy as np
import pytest

from nbtools import autograd, autograd_nn, blocks, data, gradstats, nn, training
from nbtools.gradcheck import check_loss
from nbtools.losses import BinaryCrossEntropy, MeanSquaredError, SoftmaxCrossEntropy


@pytest.mark.parametrize("loss, a, y", [
    (BinaryCrossEntropy(), np.array([[3.0], [-1.0]]), [1, 0]),
    (SoftmaxCrossEntropy(), np.array([[2.0, -1.0], [0.5, 0.5]]), [0, 1]),
], ids=["bce", "cross_entropy"])
def test_probabilities_outside_0_1_raise_with_a_hint_about_logits(loss, a, y):
    # before: clipped quietly, e.g. BCE of logits read as probabilities gave 27.6 instead of 4.0
    with pytest.raises(ValueError, match=r"from -1 to \d.*Did you mean logits=True\?"):
        loss(a, y)
    assert np.isfinite(loss(a, y, logits=True))


def test_exact_0_and_1_are_valid_probabilities_with_finite_losses():
    bce = BinaryCrossEntropy()
    assert bce(np.array([[0.0], [1.0]]), [0, 1]) == pytest.approx(1e-12, rel=1e-3)  # log(1 - 1e-12)
    assert bce(np.array([[0.0], [1.0]]), [1, 0]) == pytest.approx(-np.log(1e-12), rel=1e-5)  # 1 - (1 - eps) rounds
    ce = SoftmaxCrossEntropy()
    assert ce(np.array([[1.0, 0.0]]), [0]) == 0.0
    assert ce(np.array([[1.0, 0.0]]), [1]) == pytest.approx(-np.log(1e-12))


@pytest.mark.parametrize("loss, shape", [(BinaryCrossEntropy(), (0, 1)), (MeanSquaredError(), (0,)),
                                         (SoftmaxCrossEntropy(), (0, 3))], ids=["bce", "mse", "ce"])
def test_an_empty_output_raises_instead_of_nan(loss, shape):
    with pytest.raises(ValueError, match=r"empty|n >= 1"):
        loss(np.zeros(shape), np.zeros(shape[0], dtype=int))


@pytest.mark.parametrize("a", [[0.2, 0.8], np.array([[1.0]])], ids=["1-D", "one class"])
def test_cross_entropy_needs_one_column_per_class(a):
    # before: a 1-D [0.2, 0.8] was read as two samples of one class each
    with pytest.raises(ValueError, match=r"shape \(n, k\).*k >= 2 classes"):
        SoftmaxCrossEntropy()(a, [1])


def test_cross_entropy_with_a_masked_logit_is_exact():
    z = np.array([[0.0, -np.inf, 1.0], [2.0, 0.5, -np.inf]])
    want = (np.logaddexp(0.0, 1.0) - 0.0 + np.logaddexp(2.0, 0.5) - 0.5) / 2  # -log softmax, by hand
    ce = SoftmaxCrossEntropy()
    with np.errstate(all="raise"):
        assert ce(z, [0, 1], logits=True) == pytest.approx(want, rel=1e-14)
    grad = ce.backward()
    assert grad[0, 1] == 0.0 and grad[1, 2] == 0.0 and np.all(np.isfinite(grad))
    assert check_loss("cross_entropy", z, [0, 1], logits=True) < 1e-7  # finite differences


def test_cross_entropy_on_a_masked_target_class_is_infinite():
    assert SoftmaxCrossEntropy()(np.array([[0.0, -np.inf]]), [1], logits=True) == np.inf


@pytest.mark.parametrize("z, y, value, grad", [
    (-np.inf, 0, 0.0, 0.0), (np.inf, 1, 0.0, 0.0), (-np.inf, 1, np.inf, -1.0), (np.inf, 0, np.inf, 1.0),
])
def test_bce_from_infinite_logits_is_exact(z, y, value, grad):
    bce = BinaryCrossEntropy()
    assert bce(np.array([[z]]), [y], logits=True) == value
    assert bce.backward().item() == grad


def test_bce_from_logits_still_matches_finite_differences():
    z = np.array([[-3.0], [0.2], [4.0]])
    assert check_loss("bce", z, [0, 1, 1], logits=True) < 1e-7
    assert check_loss("bce", 1 / (1 + np.exp(-z)), [0, 1, 1]) < 1e-7


def test_logits_must_be_a_bool():
    with pytest.raises(TypeError, match="logits must be True or False"):
        BinaryCrossEntropy()(np.array([[0.5]]), [1], logits="yes")


@pytest.mark.parametrize("loss", ["bce", "cross_entropy"])
def test_fit_refuses_a_cross_entropy_on_an_identity_output(loss):
    # before: fit(loss="bce") trained a regression network on quietly clipped outputs
    X, y = data.moons(n=20, seed=0)
    with pytest.raises(ValueError, match=r"needs a network with a .*softmax output.*output='identity'"):
        training.fit(nn.MLP([2, 3, 1], output="identity"), X, y, loss=loss, epochs=1)
    with pytest.raises(ValueError, match="output='identity'"):
        training.evaluate(nn.MLP([2, 3, 1], output="identity"), X, y, loss=loss)
    with pytest.raises(ValueError, match="output='identity'"):
        gradstats.layer_stats(blocks.deep_net(2, 4, output="identity"), X, y, loss=loss)


def test_autograd_bce_loss_checks_labels_and_predictions():
    # before: a label of 2 gave a negative loss
    with pytest.raises(ValueError, match=r"ys must hold labels in 0..1, found \[2\]"):
        autograd_nn.bce_loss([autograd.Value(0.9)], [2])
    with pytest.raises(TypeError, match=r"yhats\[0\] must be a Value"):
        autograd_nn.bce_loss([0.9], [1])
    assert autograd_nn.bce_loss([autograd.Value(0.5)], [1.0]).data == pytest.approx(np.log(2), rel=1e-7)
