"""AppTest helpers: every page is opened through app/main.py, as a user would."""

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


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error] + [str(x.value) for x in at.exception]


@pytest.fixture
def app_open():
    return open_app
