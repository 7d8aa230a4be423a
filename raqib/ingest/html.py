"""Web pages: trafilatura finds the article text and metadata; the publication date is checked
against the dates the page states; page furniture is dropped."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.etree import LxmlError

from raqib.errors import InputError
from raqib.ingest.bylines import _byline_only, _parse_byline_date, _published_in_text, _valid_date
from raqib.ingest.text import (
    _BIDI,
    EMPTY_PROBLEM,
    MAX_DOCUMENT_BYTES,
    MAX_TEXT_CHARS,
    _normalise_newlines,
    _probe,
    _strip_furniture,
    decode_text,
    stable_id,
    too_big,
    too_long,
)
from raqib.model import Document

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_DATE_KEYS = {
    "article:published_time", "og:article:published_time", "article:published", "og:published_time",
    "published_time", "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
    "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued",
    "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published", "datecreated",
    "citation_publication_date", "citation_date", "originalpublicationdate", "date_published",
    "publication_date", "release_date", "article_date_original", "pdate",
}  # fmt: skip
_ISO_PREFIX = re.compile(r"^\s*((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:[/_.-]|$)")
_BYLINE_ATTR = re.compile(r"date|time|byline|posted|publish|dateline|meta", re.IGNORECASE)
_EXCLUDED_TOKEN = re.compile(
    r"(?:site-?footer|footer|colophon|sidebar|aside|widgets?(?:-.*)?|comments?(?:-.*)?|.*-comments?"
    r"|related.*|.*-related.*|nav|navbar|navigation|.*-nav|nav-.*|menu.*|.*-menu|most-.*|.*-most-read"
    r"|popular.*|recent.*|trending.*|ticker.*|breaking.*|top-?bar|today|current-date|share.*|.*-share"
    r"|social.*|respond|reply.*|copyright.*|header|header-.*|(?:site|page|main|top|global)-?header.*|masthead.*)",
    re.IGNORECASE,
)
_EXCLUDED_TAGS = {"aside", "nav", "script", "style", "noscript", "template"}
_BLOCK_TAGS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
}  # fmt: skip
# What lxml and trafilatura raise on markup they cannot handle.
_PARSE_ERRORS = (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError, LxmlError)
_TITLE_SEPARATOR = re.compile(r"\s+(?:::|[-|–—:»·])\s+|\s*\|\s*")
# libxml2 stops parsing a page at an element this many levels deep (without telling trafilatura):
# whatever follows it in the page is lost.
_PARSER_DEPTH = 255
_TOO_DEEP = (
    f"HTML nested more than {_PARSER_DEPTH} elements deep: the HTML parser stops there, so the text after "
    "that point was not read"
)


def document_from_html(html: str | bytes, origin: str, url: str | None = None) -> Document:
    """A document from a web page: main text (one paragraph per line), title, date and outlet."""
    return _document_from_html(html, origin, url)


def _document_from_html(
    html: str | bytes, origin: str, url: str | None, charset: str | None = None
) -> Document:
    import trafilatura
    from trafilatura.utils import load_html

    if len(html) > MAX_DOCUMENT_BYTES:  # characters of a str: at least as many bytes
        raise InputError(origin, too_big("web page", len(html), MAX_DOCUMENT_BYTES))
    warning = None
    if isinstance(html, bytes):
        if not html.strip():
            raise InputError(origin, EMPTY_PROBLEM)
        declared = charset
        if declared is None:
            m = _META_CHARSET.search(html[:8192])
            declared = m.group(1).decode("ascii") if m else None
        html, warning = decode_text(html, origin, declared)
    html = html.removeprefix("\ufeff")
    if not html.strip():
        raise InputError(origin, EMPTY_PROBLEM)
    try:
        tree = load_html(html)
    except _PARSE_ERRORS as exc:
        raise InputError(origin, f"cannot parse HTML: {exc}") from None
    if tree is None:
        raise InputError(origin, "cannot parse HTML")
    tree = tree.getroottree().getroot()
    _drop_control_characters(tree)
    too_deep = bool(tree.xpath(f"boolean(//*[count(ancestor::*) >= {_PARSER_DEPTH}])"))

    evidence = _date_evidence(tree, url)
    page_title = _page_title(tree)
    _unwrap_layout_tables(tree)
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
            # No text search for dates: it turns a "© 2019" footer into 2019-01-01.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except _PARSE_ERRORS as exc:  # trafilatura may fail on odd markup: report it, go on
        raise InputError(origin, f"cannot extract the article from HTML: {exc}") from None

    title = outlet = None
    text = ""
    found_date = None
    page_url = url
    if result is not None:
        title = _clean_meta(result.title)
        outlet = _clean_meta(result.sitename)
        text = result.text or ""
        found_date = _iso_date(result.date)
        page_url = url or result.url
        if outlet and result.hostname and outlet.lower().removeprefix("www.") == result.hostname.lower():
            outlet = _site_from_title(page_title, title) or outlet
    if outlet is None:
        outlet = _site_from_title(page_title, title)
    if not text.strip():
        # trafilatura gives up on very short pages; its baseline takes <article>, JSON-LD or <p> text.
        text = trafilatura.baseline(tree)[1] or ""
    if title is None:
        title = _clean_meta(page_title)

    lines = [line.strip() for line in _normalise_newlines(text).split("\n")]
    lines = [line for line in lines if _probe(line)]
    if lines and title and _probe(lines[0]) == _probe(title):
        lines = lines[1:]
    for line in lines:
        d = _byline_only(line)
        if d:
            evidence.append(d)
    lines = [line for line in lines if not _byline_only(line)]
    kept = _strip_furniture(lines)
    if not kept:
        raise InputError(origin, _TOO_DEEP if too_deep else "no article text found in the HTML page")
    body = "\n".join(kept)
    if len(body) > MAX_TEXT_CHARS:
        raise InputError(origin, too_long(len(body)))
    warnings = (warning,) if warning and "\ufffd" in body else ()
    return Document(
        id=stable_id(body, page_url),
        text=body,
        url=page_url,
        outlet=outlet,
        published=_choose_date(found_date, evidence),
        title=title,
        origin=origin,
        warnings=warnings + ((_TOO_DEEP,) if too_deep else ()),
    )


# What lxml refuses to write into a tree: C0 controls but tab and line ends, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _drop_control_characters(tree: Any) -> None:
    """Remove the control characters that character references ("&#1;", "&#x0b;") put into the
    parsed text: lxml refuses any text holding them, and the text is written back while reading."""
    for el in tree.iter():
        if el.text and _NOT_XML.search(el.text):
            el.text = _NOT_XML.sub("", el.text)
        if el.tail and _NOT_XML.search(el.tail):
            el.tail = _NOT_XML.sub("", el.tail)


def _choose_date(found: dt.date | None, evidence: list[dt.date]) -> dt.date | None:
    """trafilatura's date when the page supports it, else the first date the page states.

    trafilatura (htmldate) also reads dates out of related-article lists, and guesses 1 January
    from a "© 2019" footer when its extensive search is on; so its date counts only when a meta
    tag, JSON-LD, <time>, the URL or a byline gives the same day.
    """
    if found is not None and found in evidence:
        return found
    return evidence[0] if evidence else None


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = _ISO_PREFIX.match(value)
    return _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _clean_meta(value: str | None) -> str | None:
    """A metadata string (title, outlet) with bidi and zero-width marks and extra spaces removed."""
    if not value:
        return None
    value = " ".join(_BIDI.sub("", value).split())
    return value or None


def _page_title(tree: Any) -> str | None:
    el = tree.find(".//title")
    if el is None:
        return None
    text = el.text_content()
    return " ".join(text.split()) or None


def _site_from_title(page_title: str | None, title: str | None) -> str | None:
    """The outlet from a <title> such as "headline - Outlet" or "Outlet | headline"."""
    if not page_title or not title:
        return None
    parts = [p for p in _TITLE_SEPARATOR.split(page_title) if p.strip()]
    if len(parts) < 2:
        return None
    head, tail = _probe(parts[0]), _probe(parts[-1])
    want = _probe(title)
    site = None
    if head == want or (want.startswith(head) and len(head) > 10):
        site = parts[-1]
    elif tail == want:
        site = parts[0]
    site = _clean_meta(site)
    if site and len(site.split()) <= 6 and _probe(site) != want:
        return site
    return None


def _attr_tokens(el: Any) -> list[str]:
    return " ".join(el.get(a, "") for a in ("class", "id", "itemprop")).split()


def _excluded(el: Any) -> bool:
    """True when ``el`` or an ancestor is a sidebar, comment list, related list, menu or footer."""
    node = el
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _EXCLUDED_TAGS:
            return True
        if any(_EXCLUDED_TOKEN.fullmatch(t) for t in _attr_tokens(node)):
            return True
        node = node.getparent()
    return False


def _date_evidence(tree: Any, url: str | None) -> list[dt.date]:
    """Publication dates the page states in markup (meta, JSON-LD, <time>), its URL or a byline."""
    evidence: list[dt.date] = []

    def add(d: dt.date | None) -> None:
        if d is not None and d not in evidence:
            evidence.append(d)

    for script in tree.xpath("//script[contains(translate(@type,'LDJSON','ldjson'),'ld+json')]"):
        try:
            data = json.loads(script.text_content() or "")
        except (json.JSONDecodeError, ValueError):
            continue
        for value in _json_ld_dates(data):
            add(_iso_date(value) or _parse_byline_date(value))
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_DATE_KEYS:
            value = meta.get("content", "")
            add(_iso_date(value) or _parse_byline_date(value))
    for el in tree.xpath("//*[@itemprop='datePublished' or @itemprop='dateCreated'][not(self::meta)]"):
        if not _excluded(el):
            value = el.get("content") or el.get("datetime") or ""
            add(_iso_date(value) or _parse_byline_date(value) or _parse_byline_date(el.text_content()))
    times = [t for t in tree.xpath("//time") if not _excluded(t)]
    times.sort(
        key=lambda t: 0 if t.get("pubdate") is not None or "published" in (t.get("class") or "") else 1
    )
    for t in times:
        value = t.get("datetime") or ""
        add(_iso_date(value) or _parse_byline_date(value) or _parse_byline_date(t.text_content()))
    for page_url in (url, _canonical_url(tree)):
        if page_url:
            m = _URL_DATE.search(page_url)
            if m:
                add(_valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "meta", "time"):
            continue
        if any(_BYLINE_ATTR.search(t) for t in _attr_tokens(el)) and not _excluded(el):
            text = el.text_content()
            if len(text) <= 300:
                add(_parse_byline_date(text))
    body = tree.find("body")
    if body is not None:
        add(_published_in_text(_element_lines(body, skip_excluded=True)))
    return evidence


# JSON-LD keys whose dates are not the article's publication day.
_JSON_LD_SKIP = frozenset(("datePublished", "dateCreated", "dateModified", "comment", "review", "citation"))


def _json_ld_dates(data: Any) -> Iterator[str]:
    """datePublished (or dateCreated) values of a JSON-LD tree, outermost first."""
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_dates(item)
    elif isinstance(data, dict):
        for key in ("datePublished", "dateCreated"):
            if isinstance(data.get(key), str):
                yield data[key]
        for key, value in data.items():
            if key not in _JSON_LD_SKIP and isinstance(value, (dict, list)):
                yield from _json_ld_dates(value)


def _canonical_url(tree: Any) -> str | None:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        found = tree.xpath(xpath)
        if found:
            return str(found[0])
    return None


def _unwrap_layout_tables(tree: Any) -> None:
    """Turn layout tables (tables holding headings, paragraphs or other tables) into divs.

    Old Arabic news sites lay out whole pages with tables; trafilatura would render them as table
    rows and put the footer first.
    """
    for table in tree.xpath("//table[.//table or .//p or .//h1 or .//h2 or .//h3]"):
        for el in table.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
            el.tag = "div"


def _element_lines(root: Any, skip_excluded: bool = False) -> list[str]:
    """Visible text of an element, one block per line, white space collapsed."""
    from copy import deepcopy

    root = deepcopy(root)
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str):
            continue
        if el.tag in ("script", "style", "noscript", "template", "iframe", "svg", "form", "button") or (
            skip_excluded and _excluded(el)
        ):
            el.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return [line for line in lines if line]
