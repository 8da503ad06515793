"""`python -m anndl.parity [NAME ...]`: the shipped `.keras` artifacts predict the same on every Keras backend.

Each model is loaded on this process's backend and run on fixed inputs (seeded, built from its input shapes:
pixels in [0, 1), token ids among the four special ids every vocabulary has); then the same is done in a child
process per other backend (`--backends`, default jax) and the largest absolute difference of the outputs is
printed per model, last one JSON line: {"backends", "models": {name: max_abs_diff}, "worst", "tolerance", "ok"}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

TOLERANCE = 1e-4
UNKNOWN = 64  # an input dimension left open (image side, sequence length): a multiple of YOLOv8's deepest stride, 32


def fixed_inputs(model, seed: int = 0, batch: int = 2) -> list[np.ndarray]:
    """One array per model input: `batch` rows, unknown lengths set to UNKNOWN."""
    rng = np.random.default_rng(seed)
    if getattr(model, "inputs", None) is None:  # the translator (a subclassed model): source and target ids
        return [rng.integers(0, 4, (batch, n)).astype("int32") for n in (model.cfg.src_len, model.cfg.tgt_len)]
    out = []
    for tensor in model.inputs:
        shape = (batch, *[UNKNOWN if d is None else int(d) for d in tensor.shape[1:]])
        if "int" in str(tensor.dtype):
            out.append(rng.integers(0, 4, shape).astype(str(tensor.dtype)))
        else:
            out.append(rng.random(shape).astype("float32"))
    return out


def outputs(names: list[str]) -> dict[str, list[np.ndarray]]:
    """Each model's outputs on its fixed inputs, as float64 arrays (a direct call in inference mode)."""
    import keras

    from .zoo import load

    result = {}
    for name in names:
        model = load(name)
        x = fixed_inputs(model)
        struct = getattr(model, "_inputs_struct", None)  # a functional model's input structure (e.g. a dict)
        x = keras.tree.pack_sequence_as(struct, x) if struct is not None else x if len(x) > 1 else x[0]
        y = model(x, training=False)
        result[name] = [np.asarray(keras.ops.convert_to_numpy(t), "float64") for t in keras.tree.flatten(y)]
    return result


def shipped() -> list[str]:
    from .zoo import ARTIFACTS, path

    return [name for name in ARTIFACTS if path(name).exists()]


def on_backend(backend: str, names: list[str]) -> dict[str, list[np.ndarray]]:
    """`outputs(names)` computed in a child process on `backend`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.npz"
        env = {**os.environ, "KERAS_BACKEND": backend, "ANNDL_BACKEND": backend}
        subprocess.run([sys.executable, "-m", "anndl.parity", "--write", str(out), *names], check=True, env=env,
                       cwd=Path(__file__).resolve().parent.parent)
        data = np.load(out)
        return {name: [data[f"{name}/{i}"] for i in range(int(data[f"{name}/n"]))] for name in names}


def max_diffs(a: dict, b: dict) -> dict[str, float]:
    return {name: max(float(np.max(np.abs(x - y))) if x.size else 0.0 for x, y in zip(a[name], b[name]))
            for name in a}


def main(argv: list[str] | None = None) -> None:
    from .backend import name as backend_name

    parser = argparse.ArgumentParser(prog="python -m anndl.parity", description=__doc__)
    parser.add_argument("names", nargs="*", help="artifacts (default: every shipped one)")
    parser.add_argument("--backends", default="jax", help="other backends, comma-separated")
    parser.add_argument("--write", help=argparse.SUPPRESS)  # the child's side: write the outputs there
    args = parser.parse_args(argv)
    names = args.names or shipped()
    here = outputs(names)
    if args.write:
        np.savez(args.write, **{f"{n}/{i}": a for n, arrays in here.items() for i, a in enumerate(arrays)},
                 **{f"{n}/n": np.array(len(arrays)) for n, arrays in here.items()})
        return
    report = {"backends": [backend_name()], "models": {}}
    for other in args.backends.split(","):
        report["backends"].append(other)
        diffs = max_diffs(here, on_backend(other, names))
        for name, diff in diffs.items():
            print(f"{name:24s} {backend_name()} vs {other}: max |diff| {diff:.2e}")
            report["models"][name] = max(diff, report["models"].get(name, 0.0))
    report["worst"] = max(report["models"].values(), default=0.0)
    report.update(tolerance=TOLERANCE, ok=report["worst"] <= TOLERANCE)
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
