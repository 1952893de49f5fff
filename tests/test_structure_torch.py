"""PyTorch as an oracle (optional extra): our Conv1D, Conv2D and attention, forward and backward,
against torch.nn.functional on the same numbers, in float64."""
import numpy as np
import pytest

from nbtools.attention import SelfAttention, attention, attention_backward, causal_mask
from nbtools.conv import Conv1D, Conv2D

torch = pytest.importorskip("torch", reason="PyTorch is only needed for the oracle tests")
F = torch.nn.functional
rng = np.random.default_rng(0)


def tensor(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("layer, torch_conv, shape", [
    (Conv1D(2, 3, 4, seed=1), F.conv1d, (5, 2, 11)),
    (Conv2D(2, 3, 3, seed=1), F.conv2d, (4, 2, 7, 6)),
])
def test_convolution_matches_torch(layer, torch_conv, shape):
    layer.params["b"][:] = rng.normal(size=layer.params["b"].shape)
    x = rng.normal(size=shape)
    z = layer.forward(x)
    g = rng.normal(size=z.shape)
    layer.zero_grad()
    grad_x = layer.backward(g)
    tx, tW, tb = tensor(x), tensor(layer.params["W"]), tensor(layer.params["b"])
    tz = torch_conv(tx, tW, tb)
    (tz * torch.from_numpy(g)).sum().backward()
    np.testing.assert_allclose(z, tz.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(grad_x, tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], tW.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], tb.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("masked", [False, True])
def test_attention_matches_torch(masked):
    Q, K, V = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 3))
    mask = causal_mask(5) if masked else None
    out, A = attention(Q, K, V, mask)
    g = rng.normal(size=out.shape)
    grads = attention_backward(g, Q, K, V, A)
    tQ, tK, tV = tensor(Q), tensor(K), tensor(V)
    torch_mask = None if mask is None else torch.from_numpy(mask)    # True: may attend, as ours
    tout = F.scaled_dot_product_attention(tQ, tK, tV, attn_mask=torch_mask)
    (tout * torch.from_numpy(g)).sum().backward()
    np.testing.assert_allclose(out, tout.detach().numpy(), atol=1e-12)
    for ours, theirs in zip(grads, (tQ, tK, tV)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), atol=1e-12)


def test_self_attention_layer_matches_torch():
    layer = SelfAttention(4, 3, 2, seed=2)
    x = rng.normal(size=(3, 6, 4))
    out = layer.forward(x)
    g = rng.normal(size=out.shape)
    layer.zero_grad()
    grad_x = layer.backward(g)
    tx = tensor(x)
    tW = {k: tensor(v) for k, v in layer.params.items()}
    tout = F.scaled_dot_product_attention(tx @ tW["Wq"].T, tx @ tW["Wk"].T, tx @ tW["Wv"].T)
    (tout * torch.from_numpy(g)).sum().backward()
    np.testing.assert_allclose(out, tout.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(grad_x, tx.grad.numpy(), atol=1e-12)
    for k in layer.params:
        np.testing.assert_allclose(layer.grads[k], tW[k].grad.numpy(), atol=1e-12)
