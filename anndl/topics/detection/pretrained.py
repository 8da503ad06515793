"""Pretrained detectors for real photos: MTCNN faces (its P/R/O-net weights ship inside the `mtcnn` wheel, so it
works offline) and keras-hub's COCO RetinaNet preset (a download: online only; offline the page says why not)."""

from __future__ import annotations

import numpy as np


def face_detector():
    """MTCNN (Zhang et al. 2016): a cascade of three small CNNs, boxes + five landmarks; None if not installed."""
    try:
        from mtcnn import MTCNN
    except ImportError:
        return None
    return MTCNN(device="CPU:0")


def detect_faces(detector, rgb: np.ndarray) -> list[dict]:
    """Faces of a (h, w, 3) uint8 photo: xyxy box, confidence and landmarks {name: (x, y)}."""
    out = []
    for face in detector.detect_faces(np.ascontiguousarray(rgb[..., :3]).astype("uint8")):
        x, y, w, h = face["box"]
        out.append({"box": np.array([x, y, x + w, y + h], "float32"), "score": float(face["confidence"]),
                    "keypoints": {k: (float(v[0]), float(v[1])) for k, v in face["keypoints"].items()}})
    return out


COCO_PRESET = "retinanet_resnet50_fpn_coco"  # keras-hub: RetinaNet, ResNet-50 + FPN, fine-tuned on COCO at 800 px
COCO_SIDE = 800
COCO_NAMES = ("person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
              "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
              "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
              "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
              "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
              "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
              "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
              "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase",
              "scissors", "teddy bear", "hair drier", "toothbrush")  # COCO's 80 detection classes, in id order


def coco_detector():
    """keras-hub's COCO-pretrained RetinaNet: (model, "") online, (None, the reason) when the download fails."""
    try:
        import keras_hub

        return keras_hub.models.ObjectDetector.from_preset(COCO_PRESET), ""
    except Exception as exc:  # offline, the hub unreachable, a changed preset: the page says which and why
        detail = (str(exc).splitlines() or ["no detail"])[0][:200]
        return None, f"{type(exc).__name__}: {detail}"


def detect_coco(model, rgb: np.ndarray, min_score: float = 0.5) -> list[dict]:
    """COCO objects of a (h, w, 3) uint8 photo: xyxy pixel box, score and class name.

    The photo is resized to the preset's 800 × 800 (as it was fine-tuned); its boxes, in the model's own format
    (yxyx by default), are scaled back to the photo's pixels."""
    import keras

    from anndl.data.boxes import convert

    h, w = rgb.shape[:2]
    x = keras.ops.image.resize(np.asarray(rgb[..., :3], "float32")[None], (COCO_SIDE, COCO_SIDE))
    out = model.predict(x, verbose=0)
    n = int(np.asarray(out["num_detections"]).reshape(-1)[0])
    boxes = convert(np.asarray(out["boxes"], "float32")[0][:n], getattr(model, "bounding_box_format", "yxyx"), "xyxy",
                    height=COCO_SIDE, width=COCO_SIDE) * np.array([w, h, w, h], "float32") / COCO_SIDE
    found = []
    for box, label, score in zip(boxes, np.asarray(out["labels"])[0][:n], np.asarray(out["confidence"])[0][:n]):
        if score >= min_score and 0 <= int(label) < len(COCO_NAMES):
            found.append({"box": box, "score": float(score), "name": COCO_NAMES[int(label)]})
    return found
