"""Screenshots of the four web pages (search, document, warnings, upload) over a small generated archive.

    python -m benchmarks.screenshots OUT_DIR [--width 1280]     (from the repository root)

Starts the service on a free loopback port, makes an admin key (one login that may both review and
upload), logs in with it through the login page, drives the system's Chromium (/usr/bin/chromium)
with Playwright and writes search.png, document.png, warnings.png and upload.png into OUT_DIR.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.service.web_corpus import BROWSER, BROWSER_ARGS, build_archive, docx_of, keys_for, log_in, serving


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        build_archive(data_dir)
        key = keys_for(data_dir, "admin")["admin"]
        upload = Path(scratch) / "th_notice.docx"
        upload.write_bytes(docx_of(["ประกาศผลการคัดเลือกโครงการ JCM ประเทศไทย จำนวน ๒ โครงการ"]))
        with serving(data_dir) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=BROWSER, headless=True, args=BROWSER_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            log_in(page, base, key)
            shots = {
                "search": lambda: page.goto(f"{base}/ui/search?q=solar"),
                "document": lambda: page.locator("li.hit", has_text="ja_pdd").locator("a.doc").click(),
                "warnings": lambda: _acknowledge_one(page, base),
                "upload": lambda: _upload(page, base, upload),
            }
            for name, go in shots.items():
                go()
                path = args.out / f"{name}.png"
                page.screenshot(path=path, full_page=True)
                print(path)
            browser.close()


def _acknowledge_one(page, base: str) -> None:
    page.goto(f"{base}/ui/warnings")
    warning = page.locator("article.warning").first
    warning.locator("input[name=note]").fill("checked with the project participant")
    warning.locator("button[value=acknowledged]").click()
    page.wait_for_selector(".review-note")


def _upload(page, base: str, file: Path) -> None:
    page.goto(f"{base}/ui/upload")
    page.set_input_files("input[name=file]", file)
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#job[data-status=done]")


if __name__ == "__main__":
    main()
