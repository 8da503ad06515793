"""Object detection (course §14–§15, §16 as an explainer)."""

from pathlib import Path

import streamlit as st

from anndl.topics import job as job_target
from anndl.topics.detection.code import keras_code
from anndl.topics.detection.job import detections
from app.ui.charts import history_curves, show
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.detection import anchors, lesson, views
from app.ui.detection import controls as ui
from app.ui.downloads import csv_download, model_download
from app.ui.state import classroom, seed
from app.ui.training import failure, training_panel

header("Object detection",
       "A detector finds every object of an image: a box, a class and a score each. A one-stage detector "
       "predicts a grid of boxes in one pass; a confidence threshold and non-maximum suppression keep the good "
       "ones, and mAP scores them against the truth over many IoU thresholds. _Course §14 (IoU, NMS, R-CNN "
       "family, YOLO), §15 (precision–recall, mAP), §16 (Mask R-CNN, as an explainer)._")

top = st.container()
tab_det, tab_map, tab_iou, tab_out, tab_anc, tab_photo, tab_rcnn, tab_train = stage_tabs(
    ["Boxes, threshold & NMS", "PR curves & mAP", "IoU (§14.3)", "Output tensor (§14.8)", "Anchors",
     "Photos", "R-CNN family (§14.5–§16)", "Train"], stage="Boxes, threshold & NMS")
with tab_train if classroom() else top:  # the projector keeps the thresholds and the boxes on the first screen
    params = ui.knobs(seed())
with top:
    conf, nms = ui.thresholds()
test = ui.test_set(params["objects"], seed())
with tab_train:
    job = training_panel("det", job_target("detection"), params, live=views.live(test), shown=tab_train.open)
    result = job.result if job is not None and job.result else None
    if result is not None and tab_train.open:  # a closed tab keeps its knobs and Train; its charts wait
        history_curves(result["history"])
        st.caption(f"Trained {result['train_s']:.1f} s, {result['epochs_run']} epochs on {result['source']}; test "
                   f"mAP@0.5 {result['map50']:.3f}, mAP@[.5:.95] {result['map']:.3f} (COCOeval).")
    failure(job)
for tab, lesson_view in ((tab_iou, lesson.iou_lesson), (tab_rcnn, lesson.rcnn_explainer),
                         (tab_anc, lambda: anchors.inspector(test))):
    if tab.open:  # a closed tab draws nothing (its pickers keep their values)
        with tab:
            lesson_view()

shown = ui.shown(params, job)
if shown is not None and shown.trained:
    st.sidebar.success(f"Showing **your trained detector** ({shown.info['epochs_run']} epochs).")
elif shown is not None:
    st.sidebar.info(f"Showing the **shipped model** models/{Path(shown.path).name} (test mAP@0.5 "
                    f"{shown.info['metrics']['map50']:.3f}). Train to replace it.")
if shown is None:
    for tab in (tab_det, tab_map, tab_out, tab_photo):
        tab.info("No detector for these objects yet: press **Train** in the Train tab.", icon=":material/info:")
elif tab_det.open or tab_map.open or tab_out.open:  # the test set's predictions, for the open tab only
    raw = ui.raw(shown, params["objects"], seed())
    dets = detections(raw, conf, nms)
if shown is not None and tab_det.open:
    with tab_det:
        st.caption(f"Test set: {len(test.images)} canvases {test.images.shape[1]}×{test.images.shape[2]} with "
                   f"{test.counts.sum()} objects, unseen in training — {test.source}.")
        start = views.boxes_tab(test, dets)
        i = st.number_input("Image for the table (§15.5)", 0, len(dets) - 1, start, key="det_img", persist_state="page")
        frame = views.objects_table(test, i, dets[i])
        k = st.columns([1, 2])
        k[0].dataframe(views.class_counts(test, i, dets[i]), hide_index=True, width="stretch")
        k[1].dataframe(frame, hide_index=True, width="stretch")
        csv_download(frame, "detections.csv", "det_csv", "These boxes (CSV)")
        model_download(shown.path, "detector.keras", "det_model_dl")
if shown is not None and tab_map.open:
    with tab_map:
        sc = ui.scores(shown.path, shown.mtime, params["objects"], seed(), ui.multilabel_of(shown), conf, nms)
        m = st.columns(2)
        m[0].metric("mAP@0.5", f"{sc['map50']:.3f}")
        m[1].metric("mAP@[.5:.95]", f"{sc['map']:.3f}")
        show(views.pr_chart(sc["precision"], test.class_names))
        st.caption("pycocotools' COCOeval on the detections left by the two sliders (COCO itself scores every box: "
                   "a high confidence threshold cuts the curve's right end).")
if shown is not None and tab_out.open:
    with tab_out:
        j = st.number_input("Test canvas", 0, len(dets) - 1, 0, key="det_out_img", persist_state="page")
        views.explain_output(shown.model, raw, test, j, ui.multilabel_of(shown))
if shown is not None and tab_photo.open:
    with tab_photo:
        pixels, source, rgb = lesson.photo_input()
        if pixels is not None:
            photo = ui.photo_predictions(shown, pixels)
            d = detections(photo, conf, nms)[0]
            st.image(views.draw(pixels, [(b, views.PALETTE[k % 10], f"{test.class_names[k]} {s:.2f}")
                                         for b, s, k in zip(d["boxes"], d["scores"], d["classes"])], 2),
                     caption=f"{source}, gray {pixels.shape[1]}×{pixels.shape[0]}: {d['before']} boxes → "
                             f"{len(d['boxes'])} after NMS")
            st.warning("This is the **canvas detector**, trained only on drawn shapes on black canvases: on a photo "
                       "it finds shape-like blobs, not the photo's objects.", icon=":material/warning:")
            lesson.faces(rgb, source)
            lesson.coco(rgb, source)
elif shown is not None:
    with tab_photo:
        lesson.keep_photo()  # an uploaded photo stays while the tab is closed

if not classroom():
    code_expander(keras_code(params), "detection.py")
