"""A pretrained detector for real photos: MTCNN faces (its P/R/O-net weights ship inside the `mtcnn` wheel, so it
works offline; keras-hub's COCO presets are downloads and are not offered)."""

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
