"""`python -m anndl.loadtest.inference`: is inference on one shared (cached) model safe from many threads?

Streamlit serves each session from its own thread and `st.cache_resource` hands them all the same Keras
model. This runs `threads` threads × `calls` inferences on one shipped model, three ways — `predict`
unguarded, `predict` under a per-model lock, a direct `model(x)` call unguarded — and reports errors, answers
that differ from the sequential ones, and calls per second.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def _trial(fn, inputs, expected, threads: int) -> dict:
    errors, wrong = [], 0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(fn, x) for x in inputs]
        for fut, want in zip(futures, expected):
            try:
                wrong += not np.allclose(fut.result(), want, atol=1e-5)
            except Exception as err:  # noqa: BLE001 — counting them is the point
                errors.append(f"{type(err).__name__}: {err}"[:160])
    seconds = time.perf_counter() - t0
    return {"errors": len(errors), "wrong": wrong, "calls_per_s": round(len(inputs) / seconds, 1),
            "first_error": errors[0] if errors else ""}


def measure(name: str = "cnn_mnist", threads: int = 8, calls: int = 200) -> dict:
    import keras

    from anndl import zoo

    model = zoo.load(name)
    rng = np.random.default_rng(0)
    shape = tuple(model.input_shape[1:])
    inputs = [rng.random((1, *shape), dtype="float32") * (i % 7) for i in range(calls)]
    expected = [keras.ops.convert_to_numpy(model(x, training=False)) for x in inputs]  # sequential answers
    lock = threading.Lock()  # one lock for this model: the "lock per model" variant

    def locked(fn):
        def run(x):
            with lock:
                return fn(x)
        return run

    predict = lambda x: model.predict(x, verbose=0)  # noqa: E731
    call = lambda x: keras.ops.convert_to_numpy(model(x, training=False))  # noqa: E731
    return {"predict": _trial(predict, inputs, expected, threads),
            "predict_locked": _trial(locked(predict), inputs, expected, threads),
            "call": _trial(call, inputs, expected, threads),
            "call_locked": _trial(locked(call), inputs, expected, threads)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m anndl.loadtest.inference")
    ap.add_argument("--model", default="cnn_mnist")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args(argv)
    out = measure(args.model, args.threads, args.calls)
    for way, row in out.items():
        print(f"{way:<16} errors {row['errors']:>4}  wrong {row['wrong']:>4}  {row['calls_per_s']:>8} calls/s  "
              f"{row['first_error']}")
    print(json.dumps({"model": args.model, "threads": args.threads, "calls": args.calls, **out}))
    return out


if __name__ == "__main__":
    main()
