"""`python -m anndl.bench TOPIC|all --backends tensorflow,jax [--mixed]`: every topic on each backend, same run.

Keras fixes its backend at import, so each (backend, precision) run is `python -m anndl.bench TOPIC` in its own
process with KERAS_BACKEND set (and `--policy mixed_bfloat16` for the bf16 run); this process reads each run's
JSON line and prints, per topic, one JSON line comparing them: quality side by side, the speed ratio of each run
against the first backend's float32 run, and which backend was fastest. A run that fails (a topic that does
not run on that backend yet) is reported with its error, never dropped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

QUALITY_TOLERANCE = 0.05  # |difference| within 5% of the larger value (or 0.02 absolute): equal within noise


def run_one(topic: str, backend: str, size: list[str], policy: str = "", timeout_s: float = 1800.0,
            extra_env: dict[str, str] | None = None) -> dict:
    """One `python -m anndl.bench TOPIC` under KERAS_BACKEND=backend: its JSON result, or {"error": ...}."""
    cmd = [sys.executable, "-m", "anndl.bench", topic, *size, *(["--policy", policy] if policy else [])]
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="anndl-jax-cache-") as cache:  # each run starts cold on JAX
            env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2",
                   "JAX_COMPILATION_CACHE_DIR": cache, **(extra_env or {})}
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {timeout_s:.0f} s", "wall_s": time.perf_counter() - t0}
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode == 0 and lines:
        return {**json.loads(lines[-1]), "wall_s": time.perf_counter() - t0}
    if out.returncode < 0:
        return {"error": f"killed by signal {-out.returncode}", "wall_s": time.perf_counter() - t0}
    tail = [line for line in (out.stderr or out.stdout).splitlines() if line.strip()]
    reason = next((line for line in reversed(tail) if "Error" in line or "FAILED" in line), tail[-1] if tail else "")
    return {"error": reason.strip()[:300] or f"exit code {out.returncode}", "wall_s": time.perf_counter() - t0}


def apply_variant(policy: str = "", xla: str = "") -> None:
    """Before a bench run in this process: a Keras dtype policy (e.g. mixed_bfloat16) and XLA forced on or off
    for every model compiled here ("on" / "off"; "" keeps Keras' own "auto"). A model that asks for
    jit_compile=False on JAX keeps it: its step jits itself (anndl.backend.train_step), and a second jit around it
    would leak tracers."""
    import keras

    if policy:
        keras.mixed_precision.set_global_policy(policy)
    if xla:
        plain = keras.Model.compile

        def compile_with_xla(self, *args, **kwargs):
            if not (keras.backend.backend() == "jax" and kwargs.get("jit_compile") is False):
                kwargs["jit_compile"] = xla == "on"
            return plain(self, *args, **kwargs)

        keras.Model.compile = compile_with_xla


def same_quality(a: float, b: float) -> bool:
    """Two scores equal within the run-to-run noise of these benches (QUALITY_TOLERANCE)."""
    return abs(a - b) <= max(0.02, QUALITY_TOLERANCE * max(abs(a), abs(b)))


def _scalars(extra: dict) -> dict:
    return {k: v for k, v in (extra or {}).items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def compare(topic: str, runs: dict[str, dict]) -> dict:
    """One topic's runs (name -> result) as one JSON-ready record; the first run is the reference."""
    ref_name = next(iter(runs))
    ref = runs[ref_name]
    out: dict = {"topic": topic, "mode": "backends", "reference": ref_name, "runs": {}}
    for name, r in runs.items():
        if "error" in r:
            out["runs"][name] = {"status": "failed", "error": r["error"]}
            continue
        row = {"status": "ok", "metric": r["metric"], "value": r["value"], "train_s": r["train_s"],
               "samples_per_s": r["samples_per_s"], "baseline_value": r["baseline"]["value"],
               "baseline_train_s": r["baseline"]["train_s"], "device": r["device"], "extra": _scalars(r.get("extra"))}
        if "error" not in ref and name != ref_name:
            row["speed_ratio_vs_reference"] = r["samples_per_s"] / max(ref["samples_per_s"], 1e-9)
            row["train_s_ratio_vs_reference"] = r["train_s"] / max(ref["train_s"], 1e-9)
            row["quality_equal_within_noise"] = same_quality(r["value"], ref["value"])
        out["runs"][name] = row
    ok = {n: r for n, r in out["runs"].items() if r["status"] == "ok"}
    out["fastest"] = max(ok, key=lambda n: ok[n]["samples_per_s"]) if ok else None
    out["failed"] = sorted(set(runs) - set(ok))
    out.update(cross_ratios(ok))
    out.update(product_ratios(topic, ok, ref_name))
    return out


def product_ratios(topic: str, ok: dict[str, dict], reference: str) -> dict:
    """For each time-to-target: anndl as the dashboard runs it (float32 on the backend `anndl.topics.BACKEND`
    declares for this topic on CPU) against the plain baseline as the course runs it (the reference run: Keras'
    default backend, TensorFlow), for the median of seeds and for the first, cold run (no compiled steps cached)."""
    from anndl.topics import backend

    ours, plain = ok.get(backend(topic, "cpu") or ""), ok.get(reference)
    out = {}
    for k in sorted(ours["extra"] if ours and plain else ()):
        mine, theirs = ours["extra"][k], plain["extra"].get(f"baseline_{k}")
        if mine and theirs:
            out[f"product_{k}"] = {"run": backend(topic, "cpu"), "seconds": mine, "plain_run": reference,
                                   "plain_seconds": theirs, "ratio": mine / theirs}
    return out


def cross_ratios(ok: dict[str, dict]) -> dict:
    """For each time-to-target a bench measures for anndl and its plain baseline (`X` and `baseline_X` in extra):
    anndl's best run against the plain baseline's best run, whatever backend each ran on (e.g. the perceptron's
    time to 0.95 on JAX against the plain §5 network on TensorFlow)."""
    out = {}
    keys = {k for r in ok.values() for k in r["extra"] if f"baseline_{k}" in r["extra"]}
    for k in sorted(keys):
        ours = {n: r["extra"][k] for n, r in ok.items() if r["extra"].get(k)}
        plain = {n: r["extra"][f"baseline_{k}"] for n, r in ok.items() if r["extra"].get(f"baseline_{k}")}
        if ours and plain:
            best, best_plain = min(ours, key=ours.get), min(plain, key=plain.get)
            out[f"best_{k}"] = {"run": best, "seconds": ours[best], "plain_run": best_plain,
                                "plain_seconds": plain[best_plain], "ratio": ours[best] / plain[best_plain]}
    return out


def run(topics: list[str], backends: list[str], size: list[str], mixed: bool = False,
        timeout_s: float = 1800.0) -> list[dict]:
    """Every topic on every backend (float32, and bf16 mixed precision with `mixed`); prints as it goes."""
    records = []
    for topic in topics:
        runs = {}
        for backend in backends:
            for policy in ("", "mixed_bfloat16") if mixed else ("",):
                name = backend + ("_bf16" if policy else "")
                runs[name] = run_one(topic, backend, size, policy, timeout_s)
                r = runs[name]
                state = (f"FAILED {r['error']}" if "error" in r
                         else f"{r['metric']} {r['value']:.4g}, {r['train_s']:.3g} s")
                print(f"{topic} on {name}: {state} ({r['wall_s']:.0f} s wall)", file=sys.stderr, flush=True)
        record = compare(topic, runs)
        print(json.dumps(record, default=float), flush=True)
        records.append(record)
    return records
