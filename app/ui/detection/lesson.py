"""Detection page lessons: IoU of two boxes the student moves (§14.3), the R-CNN family and Mask R-CNN explained
next to the running one-stage model (§14.5–§14.7, §16), and the canvas detector on a photo."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anndl.data.boxes import area
from anndl.metrics import box_iou
from app.ui.detection.views import FN, TP, draw

SIDE = 64


def iou_lesson() -> None:
    """Two boxes on a 64 px canvas from four range sliders; their intersection, union and IoU."""
    c = st.columns(2)
    ax = c[0].slider("Box A: x range", 0, SIDE, (8, 36), key="det_iou_ax", persist_state="page")
    ay = c[0].slider("Box A: y range", 0, SIDE, (10, 40), key="det_iou_ay", persist_state="page")
    bx = c[1].slider("Box B: x range", 0, SIDE, (20, 52), key="det_iou_bx", persist_state="page")
    by = c[1].slider("Box B: y range", 0, SIDE, (22, 54), key="det_iou_by", persist_state="page")
    a = np.array([ax[0], ay[0], ax[1], ay[1]], "float32")
    b = np.array([bx[0], by[0], bx[1], by[1]], "float32")
    iou = float(box_iou(a, b, pairwise=False))
    inter = np.array([max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])], "float32")
    i_area = float(area(inter))
    union = float(area(a) + area(b) - i_area)
    picture = draw(np.zeros((SIDE, SIDE)), [(a, TP, "A"), (b, FN, "B"), (inter, (255, 255, 255), None)], 5)
    k = st.columns([1, 1])
    k[0].image(picture, caption="A (green), B (yellow), their intersection (white)")
    k[1].metric("IoU = |A ∩ B| / |A ∪ B|", f"{iou:.3f}")
    k[1].markdown(f"|A ∩ B| = {i_area:.0f} px², |A ∪ B| = {area(a):.0f} + {area(b):.0f} − {i_area:.0f} = "
                  f"{union:.0f} px².\n\nA detection counts as a true positive when its IoU with a true box of its "
                  "class reaches the threshold (0.5 for mAP@0.5; COCO's mAP averages 0.5, 0.55, …, 0.95). NMS uses "
                  "the same number between two predicted boxes.")


RCNN = """digraph {
  rankdir=LR; node [shape=box, style="rounded,filled", fillcolor="#eef3ff", fontsize=11];
  img [label="image"]; ss [label="selective search\\n~2k regions"]; warp [label="warp each region\\n227×227"];
  cnn [label="CNN per region"]; svm [label="SVM per class\\n+ box regression"];
  img -> ss -> warp -> cnn -> svm [color="#888"];
  fimg [label="image"]; fcnn [label="CNN once\\n(feature map)"]; roi [label="RoI pooling\\nof each region"];
  fc [label="FC → softmax\\n+ box regression"];
  fimg -> fcnn -> roi -> fc [color="#1f77b4"];
  rimg [label="image"]; rcnn [label="CNN (+ FPN)"]; rpn [label="RPN: anchors →\\nobjectness + offsets"];
  rroi [label="RoI pooling / RoIAlign"]; rhead [label="class + box"]; mask [label="mask head\\n(Mask R-CNN, §16)"];
  rimg -> rcnn -> rpn -> rroi -> rhead [color="#d62728"]; rroi -> mask [color="#d62728"];
  yimg [label="image"]; ycnn [label="CNN once"];
  ygrid [label="grid of boxes + classes\\n(this page's YOLOv8\\nand grid detector)"];
  ynms [label="threshold + NMS"]; yimg -> ycnn -> ygrid -> ynms [color="#2ca02c"];
}"""


def rcnn_explainer() -> None:
    st.markdown(
        "**Two stages, then one** (§14.5–§14.8). **R-CNN** crops ~2,000 region proposals from selective search, "
        "warps each and runs the CNN on every crop, then an SVM per class and a box regression: slow (one CNN "
        "pass per region). **Fast R-CNN** runs the CNN once and pools each region's features from the map (RoI "
        "pooling). **Faster R-CNN** replaces selective search with a Region Proposal Network sliding anchors of "
        "several sizes and ratios over the map. **Mask R-CNN** (§16) adds RoIAlign and a small FCN per region "
        "that predicts the instance mask, on a Feature Pyramid Network (FPN) that detects at several scales. "
        "**YOLO / SSD / RetinaNet** skip proposals: one pass gives a grid of boxes, (objectness) and classes — the "
        "kind of model running on this page (green row): YOLOv8 predicts at three pyramid levels, like FPN.")
    st.graphviz_chart(RCNN)
    st.caption("R-CNN (gray arrows), Fast R-CNN (blue), Faster / Mask R-CNN (red), the one-stage detectors of "
               "this page (green).")


PHOTO_UPLOAD = ("Your photo (PNG/JPEG)", "det_ph_up")


def keep_photo() -> None:
    """The photo uploader alone (not read), drawn while the Photos tab is closed, so an uploaded photo stays."""
    from app.ui.uploads import IMAGE_TYPES

    if st.session_state.get("det_ph_src") == "Your photo":
        st.file_uploader(PHOTO_UPLOAD[0], type=IMAGE_TYPES, key=PHOTO_UPLOAD[1])


def photo_input():
    """(gray (h, w, 1) array in [0, 1] with sides a multiple of 64, source, RGB uint8 photo) from a bundled photo or
    an upload."""
    from anndl.data.photos import describe, names, photo_image
    from app.ui.uploads import image_uploader

    src = st.radio("Photo", ["A bundled photo", "Your photo"], horizontal=True, key="det_ph_src",
                   persist_state="page")  # the tab's pickers keep their values while it is closed
    if src == "A bundled photo":
        name = st.selectbox("Photo", names(), key="det_ph_name", persist_state="page")
        img, source = photo_image(name), describe(name).source
    else:
        img = image_uploader(*PHOTO_UPLOAD)
        if img is None:
            st.info("Upload a photo to run the detector on it.", icon=":material/upload:")
            return None, "", None
        source = "your photo"
    img.thumbnail((512, 512))
    gray = img.convert("L")
    scale = 256 / max(img.size)
    w, h = (max(64, round(v * scale / 64) * 64) for v in img.size)
    return np.asarray(gray.resize((w, h)), "float32")[..., None] / 255.0, source, np.asarray(img.convert("RGB"))


@st.cache_resource(show_spinner="Loading MTCNN…")
def _faces_model():
    from anndl.topics.detection.pretrained import face_detector

    return face_detector()


@st.cache_data(show_spinner="MTCNN looks for faces…", max_entries=16)
def _faces(rgb: np.ndarray) -> list[dict]:
    from anndl.topics.detection.pretrained import detect_faces

    return detect_faces(_faces_model(), rgb)


def faces(rgb: np.ndarray, source: str) -> None:
    """A real pretrained detector on the same photo, on request: MTCNN's face boxes and five landmarks."""
    if not st.toggle("Also run a pretrained face detector (MTCNN)", key="det_faces", persist_state="page",
                     help="Zhang et al. 2016: three small CNNs in cascade (P-, R-, O-net); its weights ship inside "
                          "the mtcnn package, so it runs offline."):
        return
    if _faces_model() is None:
        st.info("The mtcnn package is not installed here: `pip install mtcnn==1.0.0`.", icon=":material/info:")
        return
    found = _faces(rgb)
    side = max(rgb.shape[:2])
    pic = draw(rgb.astype("float32") / 255, [(f["box"], TP, f"face {f['score']:.2f}") for f in found],
               max(1, 600 // side))
    from PIL import Image, ImageDraw

    img = Image.fromarray(pic)
    d, k = ImageDraw.Draw(img), max(1, 600 // side)
    for f in found:
        for x, y in f["keypoints"].values():
            d.ellipse([x * k - 3, y * k - 3, x * k + 3, y * k + 3], fill=FN)
    st.image(np.asarray(img))
    st.caption(f"{source}: MTCNN, pretrained on WIDER FACE / CelebA (weights from the mtcnn wheel): "
               f"{len(found)} face(s), with eyes, nose and mouth corners (yellow).")


@st.cache_resource(show_spinner="Downloading keras-hub's COCO RetinaNet (needs internet, 34 M weights)…")
def _coco_model():
    from anndl.topics.detection.pretrained import coco_detector

    return coco_detector()  # (model, "") or (None, why): a failed download is tried once per server


def coco(rgb: np.ndarray, source: str) -> None:
    """A real COCO-pretrained detector on the same photo, on request and only when the preset can be downloaded."""
    from anndl.topics.detection.pretrained import COCO_PRESET, detect_coco

    if not st.toggle("Also run a COCO-pretrained detector (RetinaNet, needs internet)", key="det_coco",
                     persist_state="page",
                     help=f"keras-hub's `{COCO_PRESET}`: ResNet-50 + FPN, 80 everyday classes (people, cars, "
                          "dogs, cups…), fine-tuned on COCO at 800 px. Its weights are a download."):
        return
    model, why = _coco_model()
    if model is None:
        st.info(f"The COCO preset could not be downloaded here (offline?): {why}. The boxes above come from the "
                "detector trained on this page's canvases.", icon=":material/cloud_off:")
        return
    try:
        found = detect_coco(model, rgb)
    except Exception as exc:  # a preset whose outputs changed: say so, keep the page
        st.error(f"The COCO detector failed on this photo ({type(exc).__name__}: {exc}).", icon=":material/error:")
        return
    side = max(rgb.shape[:2])
    st.image(draw(rgb.astype("float32") / 255, [(f["box"], TP, f"{f['name']} {f['score']:.2f}") for f in found],
                  max(1, 600 // side)))
    st.caption(f"{source}: keras-hub `{COCO_PRESET}` (downloaded, pretrained on COCO's 80 classes): "
               f"{len(found)} object(s) with confidence ≥ 0.5.")
