"""Fixtures of the browser tests (tests/web/test_browser*.py): one real `glokal serve` over a
seeded store per test process (those tests share one xdist worker, the `browser` group, so it is
set up once) and one Chromium per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import CHROMIUM_FLAGS, Site, Tab, require_chromium, seed, serving


@pytest.fixture(scope="session")
def chromium() -> str:
    return require_chromium()


@pytest.fixture(scope="session")
def site(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir: Path = tmp_path_factory.mktemp("browser")
    with pytest.MonkeyPatch.context() as patch:
        seed(data_dir, patch)
    with serving(data_dir) as base:
        yield Site(base=base, data_dir=data_dir)


# Per module, not per session: Playwright's sync API runs an asyncio loop while it is open,
# and later tests in the same process (asyncio.run in schemathesis, say) must not find it.
@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def tab(site: Site, browser: Any) -> Iterator[Tab]:
    """A page in a fresh browser context (no cookies) that cannot reach past the test server."""
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    try:
        yield Tab.open_in(context, site.base)
    finally:
        context.close()
