"""AppTest helpers: every page is opened through app/main.py, as a user would."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

MAIN = str(ROOT / "app" / "main.py")


def open_app(page: str | None = None, timeout: float = 120) -> AppTest:
    """Run the app; with `page` ("cnn", "perceptron", ... = file in pages/) switch to it."""
    at = AppTest.from_file(MAIN, default_timeout=timeout)
    at.run()
    if page:
        at.switch_page(str(ROOT / "pages" / f"{page}.py"))
        at.run()
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    """Open the tab `label` as a click would (the pages' tabs are lazy: a closed tab draws no charts)."""
    def labels(key: str) -> list[str]:  # "tab:" + the labels joined by "|" (+ ":" mode); a label may hold ":"
        parts = key[len("tab:"):].split("|")
        return parts + [parts[-1].rsplit(":", 1)[0]]

    keys = [k for k in at.session_state.keys() if k.startswith("tab:") and label in labels(k)]
    assert keys, f"no tab {label!r} on this page"
    at.session_state[keys[0]] = label
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error] + [str(x.value) for x in at.exception]


@pytest.fixture
def app_open():
    return open_app


class FakeUpload:
    """What st.file_uploader returns for an uploaded file (name, size, getvalue)."""

    def __init__(self, name: str, data: bytes):
        self.name, self.size, self._data, self.type = name, len(data), data, "application/octet-stream"

    def getvalue(self) -> bytes:
        return self._data

    def read(self) -> bytes:
        return self._data


def fake_uploads(monkeypatch, files: dict) -> None:
    """AppTest cannot drop a file on an uploader: the uploader with key K returns files[K] = (name, bytes), and
    the session holds it under K as the real widget would; other uploaders stay real."""
    import streamlit as st

    real = st.file_uploader

    def uploader(label, *args, key=None, **kwargs):
        if key not in files:
            return real(label, *args, key=key, **kwargs)
        st.session_state[key] = upload = FakeUpload(*files[key])
        return upload

    monkeypatch.setattr(st, "file_uploader", uploader)


def wait_until(at: AppTest, done, timeout: float = 240, every: float = 2) -> bool:
    """Rerun the page until `done(at)` holds (a training job's result shows) or `timeout` seconds pass."""
    deadline = time.time() + timeout
    while time.time() < deadline and not done(at):
        time.sleep(every)
        at.run()
    return done(at)
