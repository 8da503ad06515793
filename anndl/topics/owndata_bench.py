"""`python -m anndl.bench owndata`: own-data uploads (issue 12), before (the built-in data's defaults) and after
(defaults from the upload's size; the CNN's transfer route): default training time, training and held-out score."""

from __future__ import annotations

import os
import tempfile

from ..bench import Baseline, BenchResult, Stopwatch

TRANSLATOR = {"seed": 0, "epochs": 3, "batch_size": 64, "embed_dim": 64, "heads": 4, "ff_dim": 128, "enc_layers": 2,
              "dec_layers": 2, "dropout": 0.1, "lr": 1e-3, "positional": "sinusoidal"}  # the Train tab's defaults


def _translator(pairs, recipe: bool) -> dict:
    from .transformer.job import train

    with tempfile.TemporaryDirectory(prefix="anndl-owndata-") as workdir, Stopwatch() as sw:
        res = train({**TRANSLATOR, "pairs": pairs, "recipe": recipe}, workdir=workdir)
    own = res["own_data"]
    return {"train_s": round(sw.seconds, 1), "epochs": res["summary"]["epochs_run"], "train": own["train"],
            "held_out": own["held_out"], "regime": own["regime"]}


def unseen_digits_upload(per_class: int, seed: int, folder: str) -> str:
    """A student's zip of 10 classes × `per_class` gray digits, none that models/mobilenet_digits04 saw (a student's
    images are new to the shipped backbones), read and saved as the image pages' upload; returns its path."""
    from ..backbones import digits04_seen
    from ..data.images import zip_dataset
    from ..data.owndata import image_zip
    from .cnn.job import save_upload

    read = zip_dataset(image_zip(per_class, 10, "mnist", seed=seed, exclude=digits04_seen()), size=(28, 28),
                       channels=1)
    return save_upload(read.dataset, os.path.join(folder, "upload.npz"))


def _cnn(per_class: int, after: bool, zips: tuple[int, ...] = (0, 1, 2, 3, 4)) -> dict:
    """The CNN page on `per_class` × 10 digit zips, one per seed in `zips` (60 test images each for 30 a class: one
    zip's score moves by 0.017 an image, so the mean of several is the figure)."""
    import numpy as np

    from .cnn import job

    runs = []
    for z in zips:
        with tempfile.TemporaryDirectory(prefix="anndl-owndata-") as folder:
            params = {"dataset": "upload", "data_path": unseen_digits_upload(per_class, z, folder), "seed": 0,
                      **job.recipe_params("fast"), **({"route": "transfer", "recipe": True} if after else {})}
            with Stopwatch() as sw:
                res = job.train(params)
        runs.append((sw.seconds, res))
    own = runs[0][1]["own_data"]
    return {"train_s": round(float(np.mean([s for s, _ in runs])), 1), "epochs": runs[0][1]["epochs_run"],
            "train": round(float(np.mean([r["own_data"]["train"] for _, r in runs])), 4),
            "held_out": round(float(np.mean([r["own_data"]["held_out"] for _, r in runs])), 4),
            "held_out_each": [round(r["own_data"]["held_out"], 3) for _, r in runs], "regime": own["regime"]}


def _inline(target: str, params: dict) -> tuple[dict, float]:
    from ..jobs import run_inline

    with tempfile.TemporaryDirectory(prefix="anndl-owndata-") as workdir, Stopwatch() as sw:
        res = run_inline(target, params, workdir=workdir)
    return res, round(sw.seconds, 1)


def _row(res: dict, seconds: float, epochs: int) -> dict:
    own = res["own_data"]
    return {"train_s": seconds, "epochs": epochs, "train": own["train"], "held_out": own["held_out"],
            "regime": own["regime"]}


def circle_csv(n: int, seed: int = 0) -> bytes:
    """A two-feature CSV a student might bring: inside or outside a circle (the playground's upload case)."""
    import numpy as np

    xy = np.random.default_rng(seed).uniform(-1, 1, (n, 2))
    rows = "".join(f"{x:.3f},{y:.3f},{'in' if x * x + y * y < 0.5 else 'out'}\n" for x, y in xy)
    return ("x,y,where\n" + rows).encode()


def _playground(n: int, after: bool) -> dict:
    from .perceptron.job import DEFAULTS

    params = {**DEFAULTS, "dataset": "csv", "csv": circle_csv(n), "recipe": after}
    res, seconds = _inline("anndl.topics.perceptron.job:train_job", params)
    return _row(res, seconds, res["epochs_run"])


def seasonal_series(n: int) -> dict:
    """A weekly sales-like upload: trend plus a 12-step season (the time-series page's upload case)."""
    import numpy as np

    t = np.arange(n)
    values = (100 + 0.3 * t + 10 * np.sin(2 * np.pi * t / 12)).astype("float32")[:, None]
    return {"name": "sales.csv", "values": values, "columns": ["sales"], "targets": ["sales"], "season": 12}


def _forecaster(n: int, after: bool) -> dict:
    params = {"task": "forecast", "series": seasonal_series(n), "window": 24, "telescope": 12, "ar_step": 0,
              "units": 32, "kind": "lstm", "epochs": 30, "recipe": after, "seed": 0}  # the page's knobs
    res, seconds = _inline("anndl.topics.timeseries.job:train_job", params)
    return _row(res, seconds, res["fit"]["epochs_run"])


def _unet(n_pairs: int, after: bool) -> dict:
    """The U-Net page on a zip of `n_pairs` shape canvases with their masks, read at its 64 px RGB default."""
    from ..data.maskzip import mask_zip_dataset
    from ..data.owndata import mask_zip
    from .unet.job import DEFAULTS, save_upload

    pairs = mask_zip_dataset(mask_zip(n_pairs, seed=1), size=(64, 64), channels=3)
    names = ["background", *(f"class {c}" for c in range(1, max(pairs.class_ids) + 1))]
    with tempfile.TemporaryDirectory(prefix="anndl-owndata-") as folder:
        path = save_upload(pairs.images, pairs.masks, names, os.path.join(folder, "upload.npz"))
        res, seconds = _inline("anndl.topics.unet.job:train_job",
                               {**DEFAULTS, "dataset": "upload", "data_path": path, "recipe": after})
    return _row(res, seconds, res["epochs_run"])


def _words(n_sentences: int, after: bool) -> dict:
    """Skip-gram on an uploaded text, with the page's defaults; the analogies' form accuracy besides the scores."""
    from ..data.owndata import grammar_txt
    from ..data.text import read_text_upload

    params = {"sentences": read_text_upload(grammar_txt(n_sentences)), "kind": "skipgram", "recipe": after}
    res, seconds = _inline("anndl.topics.embeddings.job:train_job", params)
    return {**_row(res, seconds, res["summary"]["epochs_run"]), "analogy_acc": round(res["metrics"]["analogy_acc"], 3)}


def bench(quick: bool = False, tiny: bool = False) -> BenchResult:
    """`quick`: the small case of each page; `tiny` (the test suite): the translator and the words page."""
    from ..data.owndata import number_pairs
    from ..data.translation import grammar_corpus

    cases = [("translator", "100 number pairs", lambda a: _translator(number_pairs(100), a)),
             ("cnn", "10 classes × 30 MNIST digits (5 zips)", lambda a: _cnn(30, a)),
             ("playground", "120-row CSV", lambda a: _playground(120, a)),
             ("time series", "240-week series", lambda a: _forecaster(240, a)),
             ("u-net", "30 image + mask pairs", lambda a: _unet(30, a)),
             ("words", "200-sentence text (skip-gram)", lambda a: _words(200, a))]
    if tiny:  # the translator's figure and one quick page through the job runner; the others' tests upload
        cases = [c for c in cases if c[0] in ("translator", "words")]
    elif not quick:
        grammar = grammar_corpus(1000, 0).pairs
        cases += [("translator", "1000 grammar pairs", lambda a: _translator(grammar, a)),
                  ("cnn", "10 classes × 100 MNIST digits", lambda a: _cnn(100, a, zips=(0,))),
                  ("playground", "2000-row CSV", lambda a: _playground(2000, a)),
                  ("time series", "1500-week series", lambda a: _forecaster(1500, a)),
                  ("u-net", "300 image + mask pairs", lambda a: _unet(300, a)),
                  ("words", "3000-sentence text (skip-gram)", lambda a: _words(3000, a))]
    rows = []
    for page, case, run in cases:
        for after in (False, True):
            rows.append({"page": page, "case": case, "defaults": "from data" if after else "before", **run(after)})
    first = {(r["page"], r["defaults"]): r for r in reversed(rows)}  # the small case of each page
    after, before = first[("translator", "from data")], first[("translator", "before")]
    return BenchResult("owndata", "100 number pairs (translator); 10×30 digits (CNN)", "training exact match",
                       after["train"], after["train_s"], 0.0,
                       Baseline("before: the built-in data's defaults", before["train"], before["train_s"]),
                       rows=rows, extra={"rows": rows})
