"""Uploads that would act on the service if a browser ever ran them as a page of its origin: HTML, an
SVG drawing, XHTML and a .txt whose bytes look like HTML, each with scripts (inline, in event handlers)
that leave a mark: the page's title, a global and a request for /__pwned__/WHERE, which a browser test
sees. Each also states a searchable word, so search hits lead to it, and the HTML and text ones hold text
that is markup once unescaped, which a page must show as text."""
from __future__ import annotations

MARK = "__pwned__"
WORD = "ZORBLAX"  # every searchable one states it


def script(where: str) -> str:
    """JavaScript that leaves every mark, named after where it ran."""
    return f"document.title='PWNED';window.__pwned='{where}';fetch('/{MARK}/{where}')"


def _html() -> bytes:
    return (
        f"<!doctype html><html><head><title>Report</title><script>{script('html-script')}</script></head>"
        f"<body onload=\"{script('html-onload')}\">"
        f"<p>{WORD} heat pump report: emission reductions of 1,234 tCO2e per year.</p>"
        f"<p>&lt;img src=x onerror=&quot;{script('html-text')}&quot;&gt;</p>"
        f"<img src=\"/{MARK}/html-rendered\"></body></html>"
    ).encode()


def _svg() -> bytes:
    return (
        f"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"{script('svg-onload')}\">"
        f"<script>{script('svg-script')}</script><text x=\"10\" y=\"20\">{WORD} drawing</text></svg>"
    ).encode()


def _xhtml() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f"<title>Page</title><script>{script('xhtml-script')}</script></head>"
        f"<body><p>{WORD} monitoring page: emission reductions of 2,345 tCO2e per year.</p></body></html>"
    ).encode()


def _html_looking_text() -> bytes:
    return (
        f"<!doctype html><html><body><p>{WORD} notes: emission reductions of 3,456 tCO2e per year.</p>"
        f"<script>{script('txt-script')}</script></body></html>"
    ).encode()


def _svg_as_text() -> bytes:
    return f"{WORD} drawing notes, as text: ".encode() + _svg()


# name -> bytes: what a secretariat key uploads (an SVG goes in under .html: .svg itself is refused)
HOSTILE: dict[str, bytes] = {
    "report.html": _html(),
    "drawing.html": _svg(),
    "page.xhtml": _xhtml(),
    "notes.txt": _html_looking_text(),
    "drawing.svg.txt": _svg_as_text(),
}
SVG = _svg()
# The type each would be shown as if a browser rendered the stored bytes as they are (the type the
# service once sent, or the one their name gives), for the control that proves the marks work.
RENDERED_AS = {
    "report.html": "text/html",
    "drawing.html": "image/svg+xml",
    "page.xhtml": "application/xhtml+xml",
    "notes.txt": "text/html",
    "drawing.svg.txt": "text/html",  # a browser that sniffs finds markup
}
# Markup the pages must show as text, never as markup: file -> (unescaped, as the page escapes it, a word
# that finds it)
SHOWN_AS_TEXT = {
    "report.html": ("<img src=x onerror=", "&lt;img src=x onerror=", "PWNED"),
    "drawing.svg.txt": ("<svg xmlns=", "&lt;svg xmlns=", "drawing"),
}
DANGEROUS_TYPES = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml")
