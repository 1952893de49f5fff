"""Tests of nbtools.imageplots: every picture shows the pixels it is given, as 8 x 8 blocks."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import imageplots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_image_grid_draws_each_row_as_its_image_with_nearest_pixels():
    X = np.random.default_rng(0).random((7, 64))
    art = imageplots.image_grid(X, titles=[f"t{i}" for i in range(7)], columns=4)
    assert len(art["images"]) == 7
    for image, x in zip(art["images"], X):
        np.testing.assert_array_equal(image.get_array(), x.reshape(8, 8))   # row by row
        assert image.get_interpolation() == "nearest"
        assert image.get_cmap().name == imageplots.IMAGE_CMAP
    assert [t.get_text() for t in art["titles"]] == [f"t{i}" for i in range(7)]
    fig = art["axes"][0].figure
    assert sum(ax.get_visible() for ax in fig.axes) == 7        # 2 rows of 4, the 8th hidden


def test_update_image_grid_changes_pictures_and_titles_in_place():
    X = np.zeros((3, 64))
    art = imageplots.image_grid(X, titles=["a", "b", "c"])
    first = art["images"][0]
    new = np.arange(3 * 64, dtype=float).reshape(3, 64) / 200
    imageplots.update_image_grid(art, new, titles=["x", "y", "z"])
    assert art["images"][0] is first
    np.testing.assert_array_equal(art["images"][2].get_array(), new[2].reshape(8, 8))
    assert art["titles"][1].get_text() == "y"
    with pytest.raises(ValueError, match="3 images of 8 x 8"):
        imageplots.update_image_grid(art, np.zeros((2, 64)))


def test_weight_images_use_a_symmetric_range_per_unit():
    W = np.array([np.linspace(-1, 2, 64), np.linspace(-0.5, 0.1, 64)])
    art = imageplots.weight_images(W)
    assert art["images"][0].get_clim() == (-2.0, 2.0)
    assert art["images"][1].get_clim() == (-0.5, 0.5)
    np.testing.assert_array_equal(art["images"][1].get_array(), W[1].reshape(8, 8))
    assert [t.get_text() for t in art["titles"]] == ["unit 0", "unit 1"]


def test_saliency_maps_put_each_map_under_its_image_with_an_outline():
    rng = np.random.default_rng(1)
    X, S = rng.random((3, 64)), rng.normal(size=(3, 64))
    art = imageplots.saliency_maps(X, S, titles=["a", "b", "c"])
    assert art["axes"].shape == (2, 3)
    for k in range(3):
        np.testing.assert_array_equal(art["images"][k].get_array(), X[k].reshape(8, 8))
        np.testing.assert_array_equal(art["maps"][k].get_array(), S[k].reshape(8, 8))
        m = np.abs(S[k]).max()
        assert art["maps"][k].get_clim() == (-m, m)
        assert art["images"][k].axes is art["axes"][0, k] and art["maps"][k].axes is art["axes"][1, k]
    assert len(art["outlines"]) == 3


@pytest.mark.parametrize("call, error, match", [
    (lambda: imageplots.image_grid(np.zeros((2, 63))), ValueError, "side x side"),
    (lambda: imageplots.image_grid(np.zeros((0, 64))), ValueError, "at least one image"),
    (lambda: imageplots.image_grid("digits"), TypeError, "array of numbers"),
    (lambda: imageplots.image_grid(np.zeros((2, 64)), titles=["a"]), ValueError, "2 strings"),
    (lambda: imageplots.image_grid(np.zeros((2, 64)), titles="ab"), ValueError, "list of 2"),
    (lambda: imageplots.image_grid(np.zeros((2, 64)), columns=0), ValueError, "columns"),
    (lambda: imageplots.image_grid(np.zeros((2, 64)), axes=[1, 2]), TypeError, "matplotlib Axes"),
    (lambda: imageplots.image_grid(np.full((1, 64), np.nan)), ValueError, "NaN"),
    (lambda: imageplots.saliency_maps(np.zeros((2, 64)), np.zeros((3, 64))), ValueError, "shape of X"),
])
def test_bad_input_raises_with_a_message(call, error, match):
    with pytest.raises(error, match=match):
        call()
