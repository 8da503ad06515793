"""Debian's Chromium opens the home page, sees the twelve topics and follows a link to a built page."""

import os

import pytest

from app.registry import TOPICS, built_topics
from tests.e2e.conftest import wait_for_app

SHOTS = os.environ.get("ANNDL_SHOTS")  # a folder for screenshots (README's docs/home.png), off in CI


def target_topic():
    """The perceptron page once it is built (the reference page), else any built page."""
    built = built_topics()
    if not built:
        pytest.fail("no topic page is built yet: nothing for the home page to link to")
    return next((t for t in built if t.key == "perceptron"), built[0])


def test_home_lists_topics_and_follows_a_link(server, page):
    page.goto(server)
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    assert "hands on" in main.locator("h1").first.inner_text()
    body = main.inner_text()
    for topic in TOPICS:
        assert topic.title in body, topic.title
    assert body.count("· coming") == len(TOPICS) - len(built_topics())
    assert "Compute:" in page.locator('[data-testid="stSidebar"]').inner_text()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "home.png"), full_page=True)

    topic = target_topic()
    links = main.locator('[data-testid="stPageLink-NavLink"]')
    assert links.count() == len(built_topics())  # one card link per built page, none for "coming" topics
    link = main.locator('[data-testid="stPageLink-NavLink"]', has_text=topic.title)
    link.first.click()
    page.wait_for_url(f"**/{topic.key}*", timeout=30_000)
    wait_for_app(page, timeout=180_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stMain"] h1').count() >= 1
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"home-link-{topic.key}.png"), full_page=True)
