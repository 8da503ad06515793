"""The vision data modules are plain Python: importing and using them never imports streamlit (or TensorFlow
for the pure-NumPy parts)."""

import subprocess
import sys

from tests.conftest import ROOT

CODE = """
import sys
from anndl.data import boxes, canvas, maskzip, photo, photos, preview, sprites  # noqa: F401
from anndl import backbones, metrics  # noqa: F401
c = canvas.generate(4, canvas.CanvasConfig(objects="digits"), seed=0)
preview.canvas_preview(c, count=2)
print(sorted(m for m in ("streamlit", "tensorflow", "keras") if m in sys.modules))
"""


def test_vision_modules_import_neither_streamlit_nor_tensorflow():
    out = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
