"""The PDF gateway: the only module that imports WeasyPrint.

Per worker process we build the stylesheet and the FontConfiguration once (measured: parsing the
CSS and loading fonts again for every document costs more than the layout itself). The URL fetcher
serves local files under the static and media roots and data: URIs only, so a document can never
make the worker fetch from the network.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import cssselect2
import weasyprint
from django.conf import settings
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STYLESHEET = Path(__file__).with_name("pdf.css")
UA_STYLESHEET = Path(__file__).with_name("pdf_ua.css")
_lock = threading.Lock()


class LocalOnlyFetcher(URLFetcher):
    """Fetch file: URLs under the allowed roots and data: URIs; refuse everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), timeout=2)
        roots = [Path(settings.BASE_DIR) / "static", Path(settings.MEDIA_ROOT), STYLESHEET.parent]
        self._roots = [r.resolve() for r in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        if url.startswith("file:"):
            from urllib.parse import unquote, urlparse

            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path == root or root in path.parents for root in self._roots):
                raise ValueError(f"Refusing to load {url}: not a local project file")
        elif not url.startswith("data:"):
            raise ValueError(f"Refusing to load {url}: only local files")
        return super().fetch(url, headers)


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _fetcher() -> LocalOnlyFetcher:
    return LocalOnlyFetcher()


@lru_cache(maxsize=1)
def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(
        string=STYLESHEET.read_text(encoding="utf-8"), font_config=_font_config(), url_fetcher=_fetcher()
    )


@lru_cache(maxsize=1)
def _ua_stylesheet() -> weasyprint.CSS:
    from weasyprint.css.counters import CounterStyle

    return weasyprint.CSS(string=UA_STYLESHEET.read_text(encoding="utf-8"), counter_style=CounterStyle())


_DOCTYPE = re.compile(r"\A\s*<!doctype html>", re.IGNORECASE)


class _DocumentHTML(weasyprint.HTML):
    """HTML with our small user-agent stylesheet (see pdf_ua.css; measured ~10% less CPU per invoice).

    Our PDF templates are well-formed XHTML (void elements closed: `<br/>`, `<col .../>`), so the
    tree is built by expat (C) instead of WeasyPrint's pure-Python HTML5 parser: measured ~5 ms of
    ~105 ms per invoice. Anything expat refuses (a template that is not well-formed) goes through
    the HTML5 parser as before, so the output never depends on this shortcut.
    """

    def __init__(self, *, string: str, base_url: str, url_fetcher: URLFetcher) -> None:
        body = _DOCTYPE.sub("", string, count=1)
        try:
            # No "<!" left (no DTD, so no entity declarations: only XML's five entities and character
            # references), hence nothing for the XML attacks defusedxml guards against.
            if "<!" in body:
                raise ET.ParseError("declarations are not accepted")
            root = ET.fromstring(body)  # noqa: S314 (no DTD possible, see above)
        except ET.ParseError:
            super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
            return
        if root.tag != "html" or root.find("body") is None:
            super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
            return
        self.base_url = base_url if root.find(".//base") is None else weasyprint._find_base_url(root, base_url)
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms: bool = False) -> list[weasyprint.CSS]:
        return [_ua_stylesheet()]


def html_to_pdf(html: str) -> bytes:
    """Render one HTML document (A4, our stylesheet) to PDF bytes."""
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    document = _DocumentHTML(string=html, base_url=base_url, url_fetcher=_fetcher())
    # FontConfiguration is not documented as thread-safe; documents render one at a time per process.
    with _lock:
        return document.write_pdf(stylesheets=[_stylesheet()], font_config=_font_config())


def html_to_pdf_bare(html: str) -> bytes:
    """Plain WeasyPrint with no caching, as a benchmark baseline."""
    css = weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"))
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])
