"""`python -m anndl.bench canvas`: canvases per second of each task view, against a plain per-object loop."""

from __future__ import annotations

import statistics

import numpy as np

from ..bench import Baseline, BenchResult, Stopwatch
from ..data.canvas import VIEWS, CanvasConfig, generate
from ..data.sprites import bank
from ..metrics import box_iou

DETECTION = {"min_objects": 3, "max_objects": 3}  # the contract's figure: 64×64 detection canvases, 3 objects


def loop_canvases(n: int, config: CanvasConfig, seed: int = 0):
    """The plain way: one canvas, one object at a time, with PIL resizes (the baseline; same outputs' kinds)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    b = bank(config.objects)
    size = config.size
    out = []
    for _ in range(n):
        image = np.zeros((size, size), "float32")
        semantic = np.zeros((size, size), "uint8")
        boxes, classes = [], []
        for _ in range(rng.integers(config.min_objects, config.max_objects + 1)):
            k = rng.integers(len(b.sprites))
            side = int(rng.integers(round(config.min_scale * size), round(config.max_scale * size) + 1))
            patch = np.asarray(Image.fromarray(b.sprites[k]).resize((side, side), Image.Resampling.BILINEAR))
            patch = np.where(patch > 0.1, patch, 0)
            ys, xs = np.nonzero(patch)
            for _ in range(config.tries):
                y, x = rng.integers(0, size - side + 1, 2)
                box = [x + xs.min(), y + ys.min(), x + xs.max() + 1, y + ys.max() + 1]
                if not boxes or box_iou([box], boxes).max() <= config.max_iou:
                    region = image[y:y + side, x:x + side]
                    image[y:y + side, x:x + side] = np.maximum(region, patch * rng.uniform(*config.brightness))
                    semantic[y:y + side, x:x + side][patch > 0] = b.labels[k] + 1
                    boxes.append(box)
                    classes.append(b.labels[k])
                    break
        out.append((image, semantic, boxes, classes))
    return out


def _rate(fn, n: int, repeats: int) -> tuple[float, float]:
    """(median canvases/s, median seconds) of `repeats` runs of fn(n)."""
    times = []
    for r in range(repeats):
        with Stopwatch() as sw:
            fn(n, r)
        times.append(sw.seconds)
    median = statistics.median(times)
    return n / median, median


def bench(quick: bool = False) -> BenchResult:
    n, repeats = (2_000, 1) if quick else (10_000, 3)
    bank("shapes")  # the sprite bank is built once per process; not part of the per-canvas cost
    rows = []
    rates = {}
    for task, settings in {**{t: VIEWS[t] for t in VIEWS}, "detection": DETECTION}.items():
        cfg = CanvasConfig(**settings)
        rate, seconds = _rate(lambda m, r: getattr(generate(m, cfg, seed=r), f"as_{task}")(), n, repeats)
        rates[task] = rate
        rows.append({"view": task, "objects": f"{cfg.min_objects}–{cfg.max_objects}", "size": cfg.size,
                     "canvases": n, "seconds": seconds, "canvases_per_s": rate})
    for extra_name, cfg in {"detection rgb+clutter+noise": CanvasConfig(**DETECTION, channels=3, clutter=3,
                                                                        noise=0.05, background=0.2),
                            "detection 128×128": CanvasConfig(**DETECTION, size=128)}.items():
        rate, seconds = _rate(lambda m, r: generate(m, cfg, seed=r), n // 4, repeats)
        rows.append({"view": extra_name, "objects": "3–3", "size": cfg.size, "canvases": n // 4, "seconds": seconds,
                     "canvases_per_s": rate})
    m = max(200, n // 20)
    base_rate, base_s = _rate(lambda k, r: loop_canvases(k, CanvasConfig(**DETECTION), seed=r), m, repeats)
    rows.append({"view": "baseline: per-object PIL loop", "objects": "3–3", "size": 64, "canvases": m,
                 "seconds": base_s, "canvases_per_s": base_rate})
    return BenchResult(topic="canvas", dataset="generated canvases (drawn shapes), 64×64, 3 objects",
                       metric="canvases/s (detection view)", value=round(rates["detection"], 1),
                       train_s=round(n / rates["detection"], 3), samples_per_s=round(rates["detection"], 1),
                       baseline=Baseline("per-object PIL loop", round(base_rate, 1), round(m / base_rate, 3)),
                       rows=rows, extra={f"{k}_per_s": round(v, 1) for k, v in rates.items()}
                       | {"seconds_for_10k_detection": round(10_000 / rates["detection"], 3)})
