"""Saliency: which pixels would change the network's answer most, d output / d input.

For an image x and a class c, the saliency map is the gradient of the network's score for c with
respect to the input, s = d z_c / d x (Simonyan, Vedaldi and Zisserman, "Deep inside convolutional
networks", 2014). It has the shape of the image: s_j > 0 where more ink at pixel j would raise the
score of c, s_j < 0 where it would lower it. It is backpropagation with one change: the gradient
that starts the backward pass is not dL/dz but the one-hot row e_c, and we keep dX instead of
the weight gradients.

``of="score"`` (default) differentiates the logit z_c (the output layer's pre-activation);
``of="probability"`` the softmax probability p_c, which is also pushed down by the other
classes' scores: dp_c/dx = p_c (dz_c/dx - sum_k p_k dz_k/dx).

``saliency_by_differences`` computes the same gradient by central differences (slow, pixel by
pixel), to check it.

Example
-------
>>> import numpy as np
>>> from nbtools import nn
>>> net = nn.MLP([4, 3, 2], output="softmax", seed=0)
>>> X = np.random.default_rng(0).random((2, 4))
>>> S = saliency(net, X, classes=[0, 1])
>>> S.shape
(2, 4)
>>> bool(np.allclose(S, saliency_by_differences(net, X, classes=[0, 1]), atol=1e-8))
True
"""
import numpy as np

from ._checks import as_float_array, as_labels, check_choice
from .gradcheck import numerical_gradient

OF = ("score", "probability")


def _checked(net, X, classes, of):
    """(X, classes, of) checked against ``net``: a softmax network, X (n, inputs), n labels."""
    if getattr(net, "output", None) != "softmax" or not hasattr(net, "backward"):
        raise TypeError(f"net must be a network with a softmax output, such as "
                        f"nn.MLP([64, 32, 10], output='softmax'); got {net!r}.")
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != net.sizes[0] or len(X) == 0:
        raise ValueError(f"X must have shape (n, {net.sizes[0]}) with n >= 1, one image per row; "
                         f"got {X.shape}. For one image x, use x.reshape(1, -1).")
    of = check_choice(of, "of", OF)
    if classes is None:
        classes = net.forward(X).argmax(axis=1)   # the class the network predicts
    classes = as_labels(classes, "classes", n=len(X), n_classes=net.sizes[-1])
    return X, classes, of


def saliency(net, X, classes=None, of="score"):
    """d (score or probability of class c_i) / d x_i for every row x_i of X: shape (n, inputs).

    ``classes``: one class per row (default: the class the network predicts). Uses the network's
    own backward pass, so it is one forward and one backward for all rows. The network's
    parameter gradients are left at zero. Put a network with dropout in eval mode first.
    """
    X, classes, of = _checked(net, X, classes, of)
    onehot = np.eye(net.sizes[-1])[classes]
    net.forward(X)
    net.zero_grad()
    # the backward pass, started from e_c at z (the score) or at a = softmax(z) (the probability)
    S = net.backward(onehot, wrt="z" if of == "score" else "a")
    net.zero_grad()
    return S


def saliency_by_differences(net, X, classes=None, of="score", h=1e-6):
    """The same gradients as ``saliency``, by central differences, one pixel at a time."""
    X, classes, of = _checked(net, X, classes, of)
    S = np.zeros_like(X)
    for i, (x, c) in enumerate(zip(X, classes)):
        x = x.reshape(1, -1).copy()

        def output(x=x, c=c):
            a = net.forward(x)
            return (net.z[-1] if of == "score" else a)[0, c]

        S[i] = numerical_gradient(output, x, h)[0]
    return S
