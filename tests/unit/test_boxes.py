"""Box conventions and IoU: conversions round-trip and agree with Keras; IoU against hand-computed values."""

import numpy as np
import pytest

from anndl.data import boxes
from anndl.metrics import box_iou, class_iou, mask_iou, mean_iou

XYXY = np.array([[10, 20, 30, 60], [0, 0, 5, 5], [3.5, 1, 4, 9]], "float32")


@pytest.mark.parametrize("fmt", boxes.ALL_FORMATS)
def test_every_format_round_trips(fmt):
    there = boxes.convert(XYXY, "xyxy", fmt, height=100, width=200)
    np.testing.assert_allclose(boxes.convert(there, fmt, "xyxy", height=100, width=200), XYXY, atol=1e-4)


def test_formats_agree_with_keras_bounding_boxes():
    from keras.utils import bounding_boxes as kb

    for fmt in boxes.ALL_FORMATS:
        ours = boxes.convert(XYXY, "xyxy", fmt, height=100, width=200)
        theirs = np.asarray(kb.convert_format(XYXY, "xyxy", fmt, height=100, width=200))
        np.testing.assert_allclose(ours, theirs, atol=1e-5, err_msg=fmt)


def test_hand_values_and_errors():
    np.testing.assert_allclose(boxes.convert([[10, 20, 30, 60]], "xyxy", "xywh"), [[10, 20, 20, 40]])
    np.testing.assert_allclose(boxes.convert([[20, 40, 20, 40]], "center_xywh", "xyxy"), [[10, 20, 30, 60]])
    with pytest.raises(ValueError, match="height and width"):
        boxes.convert(XYXY, "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match="Unknown box format"):
        boxes.convert(XYXY, "xyxy", "ltrb")


def test_mask_to_box_uses_edges_between_pixels():
    m = np.zeros((10, 12), bool)
    m[2:5, 3:8] = True
    np.testing.assert_array_equal(boxes.mask_to_box(m), [3, 2, 8, 5])
    assert boxes.area(boxes.mask_to_box(m)) == m.sum()
    np.testing.assert_array_equal(boxes.mask_to_box(np.zeros((4, 4))), [0, 0, 0, 0])


def test_dense_targets_pad_with_minus_one():
    out = boxes.dense_targets([np.array([[1, 2, 3, 4]]), np.zeros((0, 4))], [[7], []], label_key="labels")
    assert out["boxes"].shape == (2, 1, 4) and out["labels"].tolist() == [[7], [-1]]
    assert (out["boxes"][1] == -1).all()


def test_box_iou_hand_values():
    a = [[0, 0, 2, 2]]
    b = [[1, 1, 3, 3], [0, 0, 2, 2], [5, 5, 6, 6], [0, 0, 0, 0]]
    np.testing.assert_allclose(box_iou(a, b), [[1 / 7, 1, 0, 0]])


def test_mask_iou_and_mean_iou_hand_values():
    a = np.zeros((4, 4), bool)
    b = np.zeros((4, 4), bool)
    a[:2, :2] = True
    b[:2, :] = True
    assert mask_iou(a, b) == pytest.approx(0.5)
    assert mask_iou(np.zeros((2, 2)), np.zeros((2, 2))) == 1.0
    t = np.array([0, 1, 1, 2, 2])
    p = np.array([0, 1, 2, 2, 0])
    np.testing.assert_allclose(class_iou(t, p, 3), [1 / 2, 1 / 2, 1 / 3])
    assert mean_iou(t, p, 3) == pytest.approx((1 / 2 + 1 / 3) / 2)
    assert mean_iou(t, p, 3, ignore_background=False) == pytest.approx(4 / 9)


def test_box_iou_aligned_broadcasts():
    a = np.array([[0, 0, 2, 2], [0, 0, 1, 1]])
    b = np.array([[[1, 1, 3, 3]], [[0, 0, 1, 1]]])  # (2, 1, 4)
    np.testing.assert_allclose(box_iou(a[:, None], b, pairwise=False), [[1 / 7], [1]])
