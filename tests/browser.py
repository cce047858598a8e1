"""Playwright on Debian's Chromium for the browser tests of staff and client pages. Never
downloads a browser: skips when none is installed."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = next(
    (
        p
        for p in ["/usr/lib/chromium/chromium", shutil.which("chromium") or ""]
        if p and Path(p).exists()
    ),
    None,
)
ARTIFACTS = Path(
    os.environ.get(
        "TEST_ARTIFACTS_DIR", Path(__file__).resolve().parents[1] / "var" / "test-artifacts"
    )
)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def chromium_page(*, width: int, height: int) -> Iterator:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(15_000)
            yield page
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def no_horizontal_overflow(page) -> bool:
    """Whether the page fits its viewport's width (nothing to scroll sideways)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


ROOT = Path(__file__).resolve().parents[1]
# Full-page screenshots of the main pages, kept by CI as artefacts (git-ignored).
SCREENSHOTS = Path(os.environ.get("TEST_SCREENSHOTS_DIR", ROOT / "test-artifacts" / "screenshots"))
# WCAG 2.2 AA, as axe-core tags its rules.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_serious_violations(page) -> list[str]:
    """The serious and critical WCAG 2.2 AA violations axe-core finds on the page, one line each
    (rule, impact, the first offending elements). axe-core comes bundled with
    axe-playwright-python: nothing is fetched."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    results = axe.Axe().run(page, options=options).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")
