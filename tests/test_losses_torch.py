"""PyTorch as an oracle (optional extra): softmax cross-entropy from logits, its value and its
gradient, against ``torch.nn.functional.cross_entropy`` and autograd. Skipped without PyTorch."""
import numpy as np
import pytest

from nbtools.losses import SoftmaxCrossEntropy

torch = pytest.importorskip("torch", reason="PyTorch is only needed for the oracle tests")


@pytest.mark.parametrize("scale", [1.0, 30.0, 500.0], ids=["small", "large", "huge"])
def test_softmax_cross_entropy_from_logits_matches_torch(scale):
    rng = np.random.default_rng(7)
    Z = scale * rng.normal(size=(6, 10))
    y = rng.integers(0, 10, 6)
    loss = SoftmaxCrossEntropy()
    value = loss(Z, y, logits=True)
    grad = loss.backward()
    z_t = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    value_t = torch.nn.functional.cross_entropy(z_t, torch.tensor(y))   # mean over the rows
    value_t.backward()
    assert np.isfinite(value)
    np.testing.assert_allclose(value, value_t.item(), rtol=1e-12)
    np.testing.assert_allclose(grad, z_t.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_soft_targets_match_torch_probabilities_as_targets():
    rng = np.random.default_rng(8)
    Z = rng.normal(size=(4, 5))
    T = rng.random((4, 5))
    T /= T.sum(axis=1, keepdims=True)
    loss = SoftmaxCrossEntropy()
    value = loss(Z, T, logits=True)
    z_t = torch.tensor(Z, requires_grad=True)
    value_t = torch.nn.functional.cross_entropy(z_t, torch.tensor(T))
    value_t.backward()
    np.testing.assert_allclose(value, value_t.item(), rtol=1e-12)
    np.testing.assert_allclose(loss.backward(), z_t.grad.numpy(), rtol=1e-10, atol=1e-15)
