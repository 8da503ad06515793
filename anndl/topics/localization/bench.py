"""`python -m anndl.bench localization` (alias `cam`): the two-head network's mean IoU on unseen test canvases, the
CAM route without box labels (fraction of CAM boxes with IoU ≥ 0.5; in the full form the mean over 3 seeds), and
the time of one Grad-CAM on a 128×128 input against keras.io's grad_cam example code on the same model."""

from __future__ import annotations

import numpy as np

from anndl.bench import Baseline, BenchResult, median_ms

from .job import CAM_THRESHOLD, DEFAULTS, LABELS_ONLY, N_TEST, SIZE, VIEWS, evaluate, test_set, train_model


def keras_io_gradcam(img_array, model, last_conv_layer_name, pred_index=None):
    """keras.io/examples/vision/grad_cam `make_gradcam_heatmap`, verbatim (the baseline: a model per call); its
    TensorFlow tape, so on another backend the same steps with that backend's gradient."""
    import keras

    from anndl.backend import name

    if name() != "tensorflow":
        return _gradcam_other_backend(img_array, model, last_conv_layer_name, pred_index)
    import tensorflow as tf

    grad_model = keras.models.Model(model.inputs, [model.get_layer(last_conv_layer_name).output, model.output])
    with tf.GradientTape() as tape:
        last_conv_layer_output, preds = grad_model(img_array)
        if pred_index is None:
            pred_index = tf.argmax(preds[0])
        class_channel = preds[:, pred_index]
    grads = tape.gradient(class_channel, last_conv_layer_output)
    pooled_grads = tf.reduce_mean(grads, axis=(0, 1, 2))
    last_conv_layer_output = last_conv_layer_output[0]
    heatmap = last_conv_layer_output @ pooled_grads[..., tf.newaxis]
    heatmap = tf.squeeze(heatmap)
    heatmap = tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)
    return heatmap.numpy()


def _gradcam_other_backend(img_array, model, last_conv_layer_name, pred_index=None):
    """keras.io's steps (models built per call) with `anndl.backend.value_and_gradient` in place of the tape."""
    import keras
    import numpy as np

    from anndl.backend import value_and_gradient

    conv = model.get_layer(last_conv_layer_name).output
    last_conv_layer_output = keras.ops.convert_to_numpy(keras.models.Model(model.inputs, conv)(img_array))
    head = keras.models.Model(conv, model.output)
    if pred_index is None:
        pred_index = int(np.argmax(keras.ops.convert_to_numpy(head(last_conv_layer_output))[0]))
    _, grads = value_and_gradient(lambda a: head(a)[:, pred_index], last_conv_layer_output)
    pooled_grads = grads.mean(axis=(0, 1, 2))
    heatmap = last_conv_layer_output[0] @ pooled_grads
    heatmap = np.maximum(heatmap, 0) / np.max(heatmap)
    return heatmap


def classifier_at(model, side: int):
    """The trained trunk and class head rebuilt for side × side inputs (they are convolutional up to GAP)."""
    import keras

    from anndl.nets.localization import LocalizerConfig, build_localizer

    n = model.get_layer("class").kernel.shape[-1]
    big = build_localizer(LocalizerConfig(input_shape=(side, side, 1), n_classes=n))
    for layer in big.layers:
        if layer.weights and not layer.name.startswith("box"):
            layer.set_weights(model.get_layer(layer.name).get_weights())
    return keras.Model(big.inputs, big.output["class"], name="classifier")


def gradcam_times(model, side: int = 128, repeats: int = 20, seed: int = 0) -> dict:
    """Median ms of one Grad-CAM (anndl.explain, cut built once) and of keras.io's code, on the same 128 px image."""
    from anndl.data.canvas import CanvasConfig, generate
    from anndl.explain import Explainer, grad_cam, upsample

    clf = classifier_at(model, side)
    image = generate(1, CanvasConfig(size=side, objects="shapes", min_objects=1, max_objects=1), seed).images[0]
    ex = Explainer(clf)
    ours = median_ms(lambda: upsample(grad_cam(ex, image)[0][None], (side, side)), repeats)
    theirs = median_ms(lambda: keras_io_gradcam(image[None], clf, ex.layer), repeats)
    return {"ours_ms": ours, "keras_io_ms": theirs}


CAM_SEEDS = 3  # the labels-only CAM route is scored over this many seeds (full form): one seed can be lucky


def labels_only(common: dict, seeds) -> tuple[list[dict], list[float]]:
    """The labels-only route (§11.4) trained once per seed: summaries (CAM over VIEWS views) and the plain CAM's
    cam_iou50 (one view, 20 % threshold) of the same networks."""
    runs, plain = [], []
    for s in seeds:
        model, summary = train_model({**common, **LABELS_ONLY, "seed": s})
        runs.append(summary)
        plain.append(evaluate(model, test_set(common["objects"], s), 0.2, views=1)["cam_iou50"])
    return runs, plain


def bench(quick: bool = False, seed: int = 0, tiny: bool = False) -> BenchResult:
    n, epochs = (200, 1) if tiny else (1500, 8) if quick else (DEFAULTS["n_train"], DEFAULTS["epochs"])
    common = {**DEFAULTS, "seed": seed, "n_train": n, "epochs": epochs}
    two_model, two = train_model({**common, "alpha": DEFAULTS["alpha"]})
    seeds = [seed] if quick or tiny else [seed + k for k in range(CAM_SEEDS)]
    runs, plain = labels_only(common, seeds)
    cams = [r["cam_iou50"] for r in runs]
    _, seen = train_model({**common, **LABELS_ONLY, "hide": 0.0})  # the same without Hide-and-Seek
    times = gradcam_times(two_model, repeats=5 if tiny else 20, seed=seed)
    rows = [{"run": f"two heads, α = {DEFAULTS['alpha']}", "epochs": two["epochs_run"], "train_s": two["train_s"],
             "accuracy": two["accuracy"], "mean IoU": two["mean_iou"], "IoU≥0.5": two["iou50"],
             "CAM IoU≥0.5": two["cam_iou50"]},
            *({"run": f"labels only (α = 1), hide {LABELS_ONLY['hide']}, CAM boxes, seed {s}",
               "epochs": r["epochs_run"], "train_s": r["train_s"], "accuracy": r["accuracy"],
               "mean IoU": r["cam_mean_iou"], "IoU≥0.5": r["cam_iou50"], "CAM IoU≥0.5": r["cam_iou50"]}
              for s, r in zip(seeds, runs)),
            {"run": "labels only (α = 1), nothing hidden, CAM boxes", "epochs": seen["epochs_run"],
             "train_s": seen["train_s"], "accuracy": seen["accuracy"], "mean IoU": seen["cam_mean_iou"],
             "IoU≥0.5": seen["cam_iou50"], "CAM IoU≥0.5": seen["cam_iou50"]},
            {"run": "Grad-CAM 128×128, anndl.explain (ms)", "train_s": round(times["ours_ms"], 2)},
            {"run": "Grad-CAM 128×128, keras.io grad_cam code (ms)", "train_s": round(times["keras_io_ms"], 2)}]
    extra = {"cam_iou50": float(np.mean(cams)), "cam_iou50_seeds": cams, "cam_seeds": seeds,
             "cam_iou50_one_view": float(np.mean(plain)), "cam_views": VIEWS, "cam_threshold": CAM_THRESHOLD,
             "cam_mean_iou": float(np.mean([r["cam_mean_iou"] for r in runs])),
             "cam_accuracy": float(np.mean([r["accuracy"] for r in runs])),
             "cam_iou50_nothing_hidden": seen["cam_iou50"],
             "two_head_cam_iou50": two["cam_iou50"], "gradcam_ms": round(times["ours_ms"], 2),
             "gradcam_ratio": round(times["ours_ms"] / times["keras_io_ms"], 3), "accuracy": two["accuracy"],
             "spearman": two["spearman"], "iou50": two["iou50"]}
    return BenchResult(topic="localization", dataset=f"canvases {SIZE}×{SIZE}, one drawn shape: {n} training, "
                       f"{N_TEST} test canvases of unseen sprites (seed {seed})", metric="mean_iou",
                       value=float(two["mean_iou"]), train_s=float(two["train_s"]),
                       samples_per_s=float(n * two["epochs_run"] / two["train_s"]),
                       baseline=Baseline("keras.io grad_cam (ms per map, same model)", round(times["keras_io_ms"], 2),
                                         0.0), rows=rows, extra=extra)

