"""Home page through app/main.py, and the promise that it never imports TensorFlow."""

import subprocess
import sys

from app.registry import TOPICS
from tests.app.conftest import errors, open_app
from tests.conftest import ROOT


def test_home_lists_all_twelve_topics():
    at = open_app()
    assert not errors(at)
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert len(TOPICS) == 12
    for topic in TOPICS:
        assert topic.course in text
    coming = [t for t in TOPICS if not t.built]
    assert text.count("_coming_") == len(coming)


def test_home_does_not_import_tensorflow():
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app' / 'main.py')!r}, default_timeout=60); at.run()\n"
        "assert not at.exception, at.exception\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False False"
