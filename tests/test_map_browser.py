"""The web map in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), loaded
from `raqib serve` over a store where one village is taken and then retaken.

Screenshots go to the test's tmp directory; their paths are printed (pytest -s shows them).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import skip_or_fail

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip
PLACE = "الكشمة"

TAKEN = {
    "id": "map-kashma-taken", "url": "https://example.org/furat/kashma-taken", "outlet": "Furat Post",
    "published": "2018-11-02",
    "text": "دير الزور – فرات بوست: سيطرت قوات سوريا الديمقراطية (قسد) صباح اليوم على قرية الكشمة التابعة لبلدة "
            "الشعفة في ريف دير الزور الشرقي، بعد معارك عنيفة مع عناصر تنظيم داعش استمرت يومين.",
}  # fmt: skip
RETAKEN = {
    "id": "map-kashma-retaken", "url": "https://example.org/furat/kashma-retaken", "outlet": "Furat Post",
    "published": "2018-11-10",
    "text": "دير الزور – فرات بوست: استعاد تنظيم داعش السيطرة على قرية الكشمة التابعة لبلدة الشعفة في ريف دير "
            "الزور الشرقي، بعد هجوم معاكس على مواقع قوات سوريا الديمقراطية (قسد) فجر اليوم.",
}  # fmt: skip
PAYLOAD = '<img src=x onerror="window.__xss=1"> </script><script>window.__xss=2</script>'
HOSTILE = {
    "id": "map-hostile", "url": "javascript:window.__xss=3", "outlet": '<b onmouseover="window.__xss=4">Outlet</b>',
    "published": "2018-12-14",
    "text": f"سيطرت قوات سوريا الديمقراطية اليوم على بلدة هجين في ريف دير الزور الشرقي {PAYLOAD} بعد معارك مع داعش.",
}  # fmt: skip


@pytest.fixture(scope="module")
def chromium():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/system-deps.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the Python package playwright is missing: pip install -e '.[dev]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def store_reports(url: str, res: Any, reports: list[dict[str, Any]]) -> None:
    from raqib.ingest import document_from_json
    from raqib.pipeline import process
    from raqib.store import open_store

    store = open_store(url)
    for obj in reports:
        doc = document_from_json(obj, obj["id"])
        store.save(doc, process(doc, res), res.versions)
    store.engine.dispose()


@contextlib.contextmanager
def raqib_serve(db: str, *extra: str) -> Iterator[str]:
    """`raqib serve` in a subprocess on a free loopback port; yields the base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("RAQIB_TOKEN", "RAQIB_DB")}
    proc = subprocess.Popen([sys.executable, "-m", "raqib.cli", "serve", "--db", db, "--port", str(port), *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"raqib serve exited with {proc.returncode}:\n{out}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/api/meta", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("raqib serve did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def open_map(browser: Any, base: str) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(f"{base}/")
    page.wait_for_selector("body[data-state=ready]", timeout=30000)
    return page, problems


def show_day(page: Any, index: int, day: str) -> None:
    """Move the slider (real input events) and wait until the map shows that day."""
    page.fill("#day", str(index))
    page.wait_for_selector(f"body[data-day='{day}'][data-state=ready]", timeout=30000)
    assert page.text_content("#day-label") == day


def fill_of(page: Any, name: str) -> str:
    """The colour the place's dot is drawn with (its computed SVG fill)."""
    dot = page.locator(f"path[data-name='{name}']")
    assert dot.count() == 1, f"{name} should have one dot on the map"
    return str(dot.evaluate("e => getComputedStyle(e).fill"))


def rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


def close_popup(page: Any) -> None:
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".leaflet-popup").wait_for(state="detached")


def shot(page: Any, path: Path) -> None:
    page.wait_for_timeout(400)  # let Leaflet's fade-in finish
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def test_slider_replays_a_village_taken_and_retaken(chromium, res, tmp_path):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from raqib.cli import app

    db = f"sqlite:///{tmp_path / 'map.db'}"
    store_reports(db, res, [TAKEN, RETAKEN])
    # The pipeline really codes the two reports as a takeover and a retaking of the same village.
    result = CliRunner().invoke(app, ["control", "history", PLACE, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    history = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [(h["controller"], h["valid_from"], h["valid_to"]) for h in history] == [
        ("SDF", "2018-11-02", "2018-11-09"), ("ISIS", "2018-11-10", None)]

    with raqib_serve(db) as base:
        meta = httpx.get(f"{base}/api/meta").json()
        colours = {a["id"]: a["colour"] for a in meta["actors"]}
        assert meta["dates"]["from"] == "2018-11-02" and meta["dates"]["to"] == "2018-11-10"
        page, problems = open_map(chromium, base)

        # The page opens on the last day: ISIS holds the village.
        assert fill_of(page, PLACE) == rgb(colours["ISIS"])
        show_day(page, 3, "2018-11-05")
        assert fill_of(page, PLACE) == rgb(colours["SDF"])
        shot(page, tmp_path / "map-2018-11-05-sdf.png")
        show_day(page, 8, "2018-11-10")
        assert fill_of(page, PLACE) == rgb(colours["ISIS"])
        assert rgb(colours["SDF"]) != rgb(colours["ISIS"])
        show_day(page, 0, "2018-11-02")
        assert fill_of(page, PLACE) == rgb(colours["SDF"])

        # The popup shows the Arabic evidence right to left, the source link and the coded fields.
        page.locator(f"path[data-name='{PLACE}']").click()
        evidence = page.locator(".leaflet-popup-content .evidence")
        evidence.wait_for()
        assert evidence.get_attribute("dir") == "rtl" and evidence.get_attribute("lang") == "ar"
        assert evidence.text_content() in TAKEN["text"] and "سيطرت قوات سوريا الديمقراطية" in evidence.text_content()
        assert evidence.evaluate("e => getComputedStyle(e).direction") == "rtl"
        link = page.locator(".leaflet-popup-content a")
        assert link.get_attribute("href") == TAKEN["url"] and link.text_content() == "Furat Post"
        content = page.text_content(".leaflet-popup-content") or ""
        assert "SDF" in content and "2018-11-02" in content and "held" in content
        shot(page, tmp_path / "map-2018-11-02-popup.png")

        # An event marker of the day, with its own popup.
        close_popup(page)
        marker = page.locator(".ev-icon.ev-takeover")
        assert marker.count() >= 1
        marker.first.click()
        popup = page.locator(".leaflet-popup-content", has_text="Event id")
        popup.locator(".evidence").wait_for()
        assert "takeover" in (popup.text_content() or "") and "SDF" in (popup.text_content() or "")
        shot(page, tmp_path / "map-event-popup.png")
        close_popup(page)

        # Replay: from the first day, the map asks for every day in turn and ends on the last.
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url.split("as_of=")[1].split("&")[0])
                if "/api/control/map?" in r.url and "brief" in r.url else None)  # fmt: skip
        page.click("#play")
        page.wait_for_selector("body[data-day='2018-11-10'][data-state=ready]", timeout=30000)
        assert asked == [f"2018-11-{d:02d}" for d in range(3, 11)]
        assert fill_of(page, PLACE) == rgb(colours["ISIS"])
        page.wait_for_selector("#play:text('Replay')", timeout=5000)
        assert not problems, problems  # no script error, no CSP violation, no failed request


def test_report_text_is_shown_as_text_and_runs_nothing(chromium, res, tmp_path):  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'xss.db'}"
    store_reports(db, res, [HOSTILE])
    with raqib_serve(db) as base:
        stored = httpx.get(f"{base}/api/events").json()["items"]
        assert any(PAYLOAD in (e["evidence"] or "") for e in stored), "the payload should be in an evidence sentence"
        page, problems = open_map(chromium, base)
        dots = page.locator("path[data-place]")
        assert dots.count() >= 1
        dots.first.click()
        popup = page.locator(".leaflet-popup-content")
        popup.locator(".evidence").wait_for()
        assert PAYLOAD in (popup.locator(".evidence").text_content() or "")  # shown as text
        assert popup.locator("img, script, b").count() == 0
        assert popup.locator("a").count() == 0  # a javascript: URL is not made a link
        assert HOSTILE["outlet"] in (popup.text_content() or "")
        close_popup(page)
        page.locator(".ev-icon").first.click()
        page.locator(".leaflet-popup-content", has_text="Event id").locator(".evidence").wait_for()
        assert page.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0
        shot(page, tmp_path / "map-hostile-report.png")
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__xss") is None
        assert page.locator("script").count() == 2  # leaflet.js and map.js only
        assert not any(p.startswith("dialog") for p in problems), problems
        assert not problems, problems
