"""Canvases: boxes hold their objects, masks agree with boxes, overlap control holds, same seed same canvases."""

import numpy as np
import pytest

from anndl.data import canvas
from anndl.data.boxes import mask_to_box
from anndl.data.canvas import CanvasConfig, generate
from anndl.metrics import box_iou

SMALL = CanvasConfig(size=48, max_objects=4, min_scale=0.2, max_scale=0.5)


@pytest.fixture(scope="module", params=["shapes", "digits"])
def canvases(request):
    return generate(40, CanvasConfig(**{**SMALL.to_dict(), "objects": request.param}), seed=3)


def test_shapes_and_padding(canvases):
    n, k = 40, SMALL.max_objects
    assert canvases.images.shape == (n, 48, 48, 1) and canvases.images.dtype == np.float32
    assert canvases.boxes.shape == (n, k, 4) and canvases.classes.shape == (n, k)
    assert 0 <= canvases.images.min() and canvases.images.max() <= 1
    assert ((canvases.classes >= 0) == (canvases.boxes[..., 2] > 0)).all()
    assert (canvases.counts >= 1).all() and canvases.counts.max() > 1
    assert set(np.unique(canvases.semantic)) <= set(range(len(canvases.class_names) + 1))


def test_boxes_contain_their_objects_and_masks_agree(canvases):
    for i in range(len(canvases.images)):
        for slot in np.flatnonzero(canvases.classes[i] >= 0):
            obj = canvases.instance[i] == slot + 1
            if not obj.any():
                continue  # hidden completely by a later object
            x0, y0, x1, y1 = canvases.boxes[i, slot]
            mx0, my0, mx1, my1 = mask_to_box(obj)
            assert x0 <= mx0 and y0 <= my0 and mx1 <= x1 and my1 <= y1  # visible pixels lie inside the box
            assert (canvases.semantic[i][obj] == canvases.classes[i, slot] + 1).all()
        # where no object is, the image is background (black here) and both masks say 0
        assert (canvases.images[i][canvases.instance[i] == 0] == 0).all()
        assert ((canvases.instance[i] == 0) == (canvases.semantic[i] == 0)).all()


def test_an_unoccluded_object_has_exactly_its_mask_box():
    c = generate(30, CanvasConfig(size=64, max_objects=3, max_iou=0.0), seed=1)
    for i in range(30):
        for slot in np.flatnonzero(c.classes[i] >= 0):
            np.testing.assert_array_equal(mask_to_box(c.instance[i] == slot + 1), c.boxes[i, slot])


@pytest.mark.parametrize("max_iou", [0.0, 0.2])
def test_overlap_control_holds(max_iou):
    c = generate(60, CanvasConfig(size=48, min_objects=4, max_objects=4, max_scale=0.5, max_iou=max_iou), seed=0)
    for i in range(60):
        b, _ = c.objects(i)
        iou = box_iou(b, b)
        np.fill_diagonal(iou, 0)
        assert iou.max() <= max_iou + 1e-6
    assert c.counts.mean() > 2  # most objects still found a place


def test_same_seed_same_canvases_other_seed_others():
    cfg = CanvasConfig(channels=3, clutter=2, noise=0.05, background=0.2)
    a, b, c = generate(16, cfg, seed=7), generate(16, cfg, seed=7), generate(16, cfg, seed=8)
    for field in ("images", "boxes", "classes", "instance", "semantic"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.images, c.images)
    assert a.images.shape == (16, 64, 64, 3)


def test_task_views():
    x, y, box = canvas.view("localization", 10, seed=0)
    assert x.shape == (10, 64, 64, 1) and y.shape == (10,) and box.shape == (10, 4) and (y >= 0).all()
    x, boxes, classes = canvas.view("detection", 10, seed=0, max_objects=5)
    assert len(boxes) == len(classes) == 10 and all(len(b) == len(c) for b, c in zip(boxes, classes))
    x, masks = canvas.view("segmentation", 10, seed=0)
    assert masks.shape == (10, 64, 64) and masks.max() <= 3


def test_class_subset_and_parts_are_disjoint():
    from anndl.data.sprites import bank

    sub = generate(20, CanvasConfig(objects="digits", classes=(5, 6, 7, 8, 9)), seed=0)
    assert sub.class_names == ["5", "6", "7", "8", "9"] and sub.classes.max() <= 4
    train, test = bank("digits", None, "train"), bank("digits", None, "test")
    assert len(train.sprites) == 4 * len(test.sprites)
    seen = {s.tobytes() for s in train.sprites}
    assert not any(s.tobytes() in seen for s in test.sprites)


def test_bad_settings_get_a_sentence():
    with pytest.raises(ValueError, match="Canvas size"):
        generate(1, CanvasConfig(size=8))
    with pytest.raises(ValueError, match="min ≤ max"):
        generate(1, CanvasConfig(min_objects=3, max_objects=2))
    with pytest.raises(ValueError, match="Unknown objects"):
        generate(1, CanvasConfig(objects="cats"))
    with pytest.raises(ValueError, match="Class ids"):
        generate(1, CanvasConfig(objects="digits", classes=(12,)))


def test_missing_fashion_falls_back_to_shapes_and_says_so(monkeypatch):
    from anndl.data import images, sprites

    sprites.bank.cache_clear()
    def missing(directory=None):
        raise images.DataMissing("Fashion-MNIST is not installed.")

    monkeypatch.setattr(images, "fashion_arrays", missing)
    try:
        c = generate(4, CanvasConfig(objects="fashion"), seed=0)
    finally:
        sprites.bank.cache_clear()
    assert c.class_names == sprites.SHAPES and "Drawn shapes are used instead" in c.source


def test_preview_draws_boxes_in_class_colours():
    from anndl.data.preview import canvas_preview, colour, draw_boxes

    c = generate(4, CanvasConfig(max_objects=1), seed=2)
    img = np.asarray(draw_boxes(c.images[0], *c.objects(0), c.class_names, scale=2))
    x0, y0, x1, y1 = (c.boxes[0, 0] * 2).astype(int)
    assert tuple(img[(y0 + y1) // 2, x0]) == colour(c.classes[0, 0])  # the left edge of the box
    sheet = canvas_preview(c, count=4, columns=2, scale=2)
    assert sheet.size == (2 * 128 + 4, 2 * 128 + 4)


def test_bench_baseline_loop_makes_the_same_kind_of_canvas():
    from anndl.topics.canvas_bench import DETECTION, loop_canvases

    for image, semantic, b, c in loop_canvases(5, CanvasConfig(**DETECTION), seed=0):
        assert len(b) == len(c) >= 1 and image.shape == semantic.shape == (64, 64)
        covered = np.zeros_like(semantic, bool)
        for x0, y0, x1, y1 in b:
            covered[y0:y1, x0:x1] = True
        assert covered[semantic > 0].all() and (image[~covered] == 0).all()


def test_a_request_too_large_for_memory_is_refused_before_allocating():
    from anndl.errors import SettingsError

    with pytest.raises(SettingsError, match="GB; ask for fewer"):
        generate(100_000, CanvasConfig(size=256, channels=3))
