#!/usr/bin/env bash
# Issue 22's GPU check: every topic on the GPU (samples/s, time to quality, mixed precision and XLA on/off), the
# three H200 targets (MNIST-5k to 0.98 in 10 s, the translator to its exact-match bar in 60 s, the shipped cGAN's
# quality in 2 min) and the bf16 peak fraction of the largest model, within a time budget (default 8 minutes).
#
#   scripts/gpu_check.sh fetch         here, where pip reaches PyPI: the wheels the GPU machine lacks, into .whl/
#   scripts/gpu_check.sh [--dry-run] [--budget-s S] [--parallel N]
#                                      on the GPU machine (repository root, .whl/ carried): installs the wheels
#                                      into /tmp/anndl-site, then `python -m anndl.bench all --device-report`.
#                                      --dry-run: tiny sizes, for a CPU (PYTHON=.venv/bin/python here);
#                                      TOPIC=perceptron: the checks and one topic's variants, not all topics.
# The lent machine has JAX with CUDA and no TensorFlow (.library/device/KINDS.md), so runs use KERAS_BACKEND=jax.
# Not carried (64 MiB limit with models/): Debian's Fashion-MNIST and sktime; the runs that need them say so.
set -euo pipefail
cd "$(dirname "$0")/.."
WHEELS=(keras==3.15.1 namex==0.1.0 optree==0.20.0 keras-hub==0.32.0 kagglehub==1.0.2 kagglesdk==0.1.28
        mlxtend==0.25.0 pycocotools==2.0.11)
if [ "${1:-}" = fetch ]; then
    platforms=()
    for n in 2_28 2_27 2_24 2_17 2_5; do platforms+=(--platform "manylinux_${n}_x86_64"); done
    "${PYTHON:-python3}" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        "${platforms[@]}" --platform manylinux2014_x86_64 -d .whl "${WHEELS[@]}"
    du -sh .whl
    exit 0
fi
PY=${PYTHON:-python3}
if ! "$PY" -c "import keras" 2> /dev/null && compgen -G ".whl/*.whl" > /dev/null; then  # none here: the GPU machine
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/anndl-site .whl/*.whl
    export PYTHONPATH=/tmp/anndl-site:$PWD
fi
export KERAS_BACKEND=${KERAS_BACKEND:-jax} PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no GPU: nvidia-smi absent"
"$PY" -c "import jax, keras; print('jax', jax.__version__, jax.devices(), '| keras', keras.__version__, keras.backend.backend())"
exec "$PY" -m anndl.bench "${TOPIC:-all}" --device-report "$@"
