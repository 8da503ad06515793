"""U-Net: builder shapes and skip joins, parameter count by the course formula, refusals, .keras round trip,
the loss's class weights, mean IoU / Dice / borders by hand, the upsampling lesson's numbers, the mask-zip
reader on bad pairs, a tiny job and the generated code (its bench: tests/unit/test_benches_run.py)."""

import io
import zipfile

import keras
import numpy as np
import pytest
from PIL import Image

from anndl.data.maskzip import mask_zip_dataset
from anndl.data.uploads import UploadError
from anndl.errors import SettingsError
from anndl.metrics import border_band, class_dice, class_iou, mean_iou
from anndl.nets import upsampling as up
from anndl.nets.unet import PixelCrossEntropy, UNetConfig, build_unet, skip_shapes
from anndl.topics.unet import job as topic


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("skip", ["concat", "add", "none"])
def test_output_keeps_the_input_size_and_skips_join_equal_maps(depth, skip):
    model = build_unet(UNetConfig(input_shape=(16, 24, 1), n_classes=3, depth=depth, filters=4, skip=skip))
    assert model.output.shape[1:] == (16, 24, 3)
    joins = skip_shapes(model)
    assert len(joins) == (0 if skip == "none" else depth)
    for level, (name, (dec, enc), out) in zip(range(depth, 0, -1), joins):
        f = 4 * 2 ** (level - 1)
        assert dec == enc == (16 // 2 ** (level - 1), 24 // 2 ** (level - 1), f), name
        assert out == (*enc[:2], 2 * f if skip == "concat" else f)


def test_parameter_count_by_the_course_formula():
    """(k·k·C_in + 1)·C_out a convolution (no bias before BN: k·k·C_in·C_out), 4·C a BN layer."""
    def block(c_in, f):
        return 9 * c_in * f + 4 * f + 9 * f * f + 4 * f

    f, c, k = 4, 1, 3  # depth 1, transposed conv 2×2
    expected = block(c, f) + block(f, 2 * f) + (2 * 2 * 2 * f + 1) * f + block(2 * f, f) + (f + 1) * k
    model = build_unet(UNetConfig(input_shape=(8, 8, c), n_classes=k, depth=1, filters=f))
    assert model.count_params() == expected
    fcn = build_unet(UNetConfig(input_shape=(8, 8, c), n_classes=k, depth=1, filters=f, skip="none"))
    assert model.count_params() - fcn.count_params() == 9 * f * f  # the concatenated f channels into dec1_conv1


@pytest.mark.parametrize("up_how", ["nearest", "bilinear"])
def test_resize_then_convolve_decoder(up_how):
    model = build_unet(UNetConfig(input_shape=(16, 16, 3), depth=2, filters=4, upsampling=up_how, skip="add"))
    assert model.output.shape[1:] == (16, 16, 4) and model.get_layer(f"up1_{up_how}") is not None


@pytest.mark.parametrize("settings, message", [
    (dict(input_shape=(30, 30, 1), depth=3), r"multiples of 2\^3 = 8 \(e.g. 24×24\)"),
    (dict(skip="sideways"), "Skip must be one of"), (dict(upsampling="magic"), "Upsampling must be one of"),
    (dict(depth=9), "Depth must be 1–5"), (dict(class_weights=(1.0, 2.0)), "one class weight per class"),
])
def test_odd_sizes_and_nonsense_settings_are_refused_with_a_sentence(settings, message):
    with pytest.raises(SettingsError, match=message):
        build_unet(UNetConfig(**settings))


def test_round_trip_through_keras_file_with_the_weighted_loss(tmp_path):
    model = build_unet(UNetConfig(input_shape=(8, 8, 1), n_classes=3, depth=1, filters=4,
                                  class_weights=(0.5, 1.0, 2.0)))
    x = np.random.default_rng(0).random((2, 8, 8, 1), dtype=np.float32)
    model.save(tmp_path / "u.keras")
    again = keras.saving.load_model(tmp_path / "u.keras")
    np.testing.assert_allclose(model.predict(x, verbose=0), again.predict(x, verbose=0), atol=1e-5)
    assert again.loss.class_weights == [0.5, 1.0, 2.0]


def test_pixel_loss_weights_each_pixel_by_its_true_class():
    y = np.array([[[0], [1]]])  # (1, 1, 2, 1): one background pixel, one class-1 pixel
    p = np.array([[[[0.5, 0.5], [0.25, 0.75]]]], "float32")
    plain = keras.ops.convert_to_numpy(PixelCrossEntropy()(y, p))
    weighted = keras.ops.convert_to_numpy(PixelCrossEntropy([1.0, 3.0])(y, p))
    assert plain == pytest.approx((-np.log(0.5) - np.log(0.75)) / 2, rel=1e-5)
    assert weighted == pytest.approx((-np.log(0.5) - 3 * np.log(0.75)) / 2, rel=1e-5)


def test_mean_iou_without_background_dice_and_borders_by_hand():
    y = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 0, 0], [2, 2, 0, 0]])
    p = np.array([[0, 1, 1, 1], [0, 0, 1, 1], [2, 0, 0, 0], [2, 2, 0, 0]])
    # class 1: 4 true, 5 predicted, 4 shared -> 4/5; class 2: 4 true, 3 predicted, 3 shared -> 3/4
    # background: 8 true, 8 predicted, 7 shared -> 7/9
    np.testing.assert_allclose(class_iou(y, p, 3), [7 / 9, 4 / 5, 3 / 4])
    assert mean_iou(y, p, 3) == pytest.approx((4 / 5 + 3 / 4) / 2)
    assert mean_iou(y, p, 3, ignore_background=False) == pytest.approx((7 / 9 + 4 / 5 + 3 / 4) / 3)
    np.testing.assert_allclose(class_dice(y, p, 3)[1:], [2 * 4 / 9, 2 * 3 / 7])
    band = border_band(np.array([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1]]), width=1)
    assert band.tolist() == [[False] * 4 + [True] * 2, [False] * 4 + [True] * 2]


def test_upsampling_lesson_numbers_and_keras_agree():
    np.testing.assert_allclose(up.transposed_convolution(up.EXAMPLE_INPUT, up.EXAMPLE_KERNEL),
                               up.EXAMPLE_OUTPUT)
    np.testing.assert_allclose(up.keras_transposed_convolution(up.EXAMPLE_INPUT, up.EXAMPLE_KERNEL),
                               up.EXAMPLE_OUTPUT, atol=1e-5)
    x, k = np.array([[1.0, -2.0], [3.0, 0.5]]), np.arange(9.0).reshape(3, 3)
    np.testing.assert_allclose(up.keras_transposed_convolution(x, k, 2), up.transposed_convolution(x, k, 2),
                               atol=1e-4)
    assert up.transposed_convolution(x, k, 2).shape == (5, 5)
    assert up.nearest_neighbour([[1, 2]]).tolist() == [[1, 1, 2, 2], [1, 1, 2, 2]]
    assert up.bed_of_nails([[1, 2]]).tolist() == [[1, 0, 2, 0], [0, 0, 0, 0]]
    pooled, switches = up.max_pool_switches(np.array([[1, 5, 0, 0], [2, 3, 0, 7], [9, 0, 1, 1], [0, 0, 1, 4]]))
    assert pooled.tolist() == [[5, 7], [9, 4]]
    assert up.max_unpooling(np.array([[10, 20], [30, 40]]), switches).tolist() == [
        [0, 10, 0, 0], [0, 0, 0, 20], [30, 0, 0, 0], [0, 0, 0, 40]]
    counts = up.stamp_counts(4, 3, 2)
    assert set(np.unique(counts[2:-2, 2:-2])) == {1.0, 2.0, 4.0}  # uneven: the checkerboard
    assert np.unique(up.resize_then_convolve(4, 3)[1:-1, 1:-1]).tolist() == [9.0]  # even


def _png(a: np.ndarray, mode: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a.astype("uint8"), mode).save(buf, format="PNG")
    return buf.getvalue()


def test_mask_zip_names_each_bad_pair():
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(5):
            mask = np.zeros((20, 20), "uint8")
            mask[5:15, 5:15] = 1
            z.writestr(f"images/p{i}.png", _png(rng.integers(0, 255, (20, 20, 3))))
            z.writestr(f"masks/p{i}.png", _png(mask))
        z.writestr("images/lonely.png", _png(np.zeros((20, 20))))
        z.writestr("images/wrong.png", _png(np.zeros((20, 20))))
        z.writestr("masks/wrong.png", _png(np.zeros((10, 10))))
        z.writestr("images/void.png", _png(np.zeros((20, 20))))
        z.writestr("masks/void.png", _png(np.full((20, 20), 255)))
    pairs = mask_zip_dataset(buf.getvalue(), size=(16, 16))
    assert pairs.images.shape == (5, 16, 16, 3) and pairs.class_ids == [0, 1]
    text = " ".join(pairs.warnings())
    assert "lonely" in text and "wrong" in text and "void" in text
    with pytest.raises(UploadError, match="no masks"):
        only = io.BytesIO()
        with zipfile.ZipFile(only, "w") as z:
            z.writestr("a.png", _png(np.zeros((4, 4))))
        mask_zip_dataset(only.getvalue())


def test_tiny_job_trains_reports_live_masks_and_scores(tmp_path):
    from anndl.jobs import run_inline

    events = []
    result = run_inline("anndl.topics.unet.job:train_job",
                        dict(dataset="shapes", n_train=64, depth=1, filters=4, epochs=2, batch=32, balanced=True),
                        workdir=str(tmp_path), report=events.append)
    epochs = [e for e in events if e["kind"] == "epoch"]
    assert len(epochs) == 2
    masks = topic.unpack_masks(epochs[-1]["extra"]["masks"])
    assert masks.shape == (topic.THUMBS, topic.SIZE, topic.SIZE) and masks.max() < 4
    assert 0 <= result["mean_iou"] <= 1 and len(result["class_iou"]) == 4
    assert len(result["history"]["val_mean_iou"]) == 2 and 0 <= epochs[-1]["logs"]["val_mean_iou"] <= 1
    assert np.array(result["confusion"]).sum() == max(50, 64 // 4) * topic.SIZE ** 2  # every test pixel
    assert result["class_weights"][0] < 1 < result["class_weights"][1]  # background is the common class
    assert keras.saving.load_model(result["model_path"], compile=False).output.shape[1:] == (48, 48, 4)


def test_generated_keras_code_runs_and_matches_the_builder():
    from anndl.topics.unet.code import keras_code

    code = keras_code({"dataset": "shapes", "n_train": 50, "depth": 2, "filters": 4, "skip": "add",
                       "upsampling": "bilinear", "epochs": 1, "batch": 25})
    assert "layers.Add()" in code and "interpolation='bilinear'" in code
    scope: dict = {}
    exec(compile(code, "unet.py", "exec"), scope)
    assert scope["model"].output.shape[1:] == (48, 48, 4)

