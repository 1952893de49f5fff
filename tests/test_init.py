"""Initializers: shapes, the variances their formulas promise, names and errors."""
import numpy as np
import pytest

from nbtools import init


@pytest.mark.parametrize("name, variance", [
    ("xavier_normal", 2 / (300 + 200)), ("xavier_uniform", 2 / (300 + 200)),
    ("he_normal", 2 / 300), ("he_uniform", 2 / 300), ("zeros", 0.0),
])
def test_variance_matches_the_rule(name, variance):
    W = init.get_init(name)(300, 200, np.random.default_rng(0))
    assert W.shape == (200, 300)
    assert W.var() == pytest.approx(variance, rel=0.02, abs=1e-12)
    assert abs(W.mean()) < 0.01


def test_normal_uses_the_given_std_whatever_the_size():
    W = init.normal(0.5)(400, 100, np.random.default_rng(0))
    assert W.std() == pytest.approx(0.5, rel=0.02)


def test_same_rng_seed_gives_same_weights():
    a = init.he_normal(3, 4, np.random.default_rng(7))
    b = init.he_normal(3, 4, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown init 'kaiming'; choose one of \[.*'he'"):
        init.get_init("kaiming")


def test_a_callable_is_used_as_is():
    f = lambda n_in, n_out, rng: np.ones((n_out, n_in))  # noqa: E731
    assert init.get_init(f) is f
