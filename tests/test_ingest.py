"""Tests for raqib.ingest: files, directories, stdin, JSON/JSONL, HTML, feeds, WARC, decoding."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from raqib.errors import InputError
from raqib.ingest import (
    decode_bytes,
    document_from_html,
    document_from_json,
    document_from_text,
    read_sources,
    stable_id,
)
from raqib.model import Document

DATA = Path(__file__).parent / "data"
HTML = DATA / "html"
FEEDS = DATA / "feeds"
SEED_TXT = DATA / "seed" / "000_3576d19f334ec0b9.txt"
SEED_GOLD = DATA / "dev" / "seed-furat-kashma.json"
EXPECTED = sorted(HTML.glob("*.expected.json"))
BINARY = "binary file, expected text/HTML/JSON"
ID_FORMAT = re.compile(r"sha256:[0-9a-f]{16}")


def _read(*paths: str | Path, stdin=None) -> list[Document | InputError]:
    return list(read_sources([str(p) for p in paths], stdin=stdin))


def _docs(items: list[Document | InputError]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def _errors(items: list[Document | InputError]) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def _page(body: str, head: str = "") -> str:
    """A small Arabic news page around ``body``."""
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>اشتباكات في ريف حلب الشمالي</title>{head}</head><body>"
        "<h1>اشتباكات في ريف حلب الشمالي</h1>"
        f"{body}"
        "<div class='article'>"
        "<p>اندلعت اشتباكات عنيفة، صباح اليوم، بين فصائل الجيش الوطني وقوات سوريا الديمقراطية على محور "
        "قرية الياشلي في ريف منبج الغربي، استخدمت فيها الأسلحة الثقيلة والمتوسطة.</p>"
        "<p>وقالت مصادر محلية إن الاشتباكات أسفرت عن مقتل عنصرين من الفصائل وإصابة آخرين، فيما قصفت "
        "المدفعية التركية مواقع في محيط القرية دون ورود معلومات عن خسائر.</p>"
        "<p>وتشهد خطوط التماس في المنطقة توتراً متصاعداً منذ أسابيع وسط تبادل للقصف بين الطرفين.</p>"
        "</div><div class='footer'>© 2019 جميع الحقوق محفوظة</div></body></html>"
    )


# ------------------------------------------------------------------------------------------
# HTML fixtures with expected sidecars
# ------------------------------------------------------------------------------------------


def test_there_are_enough_html_fixtures() -> None:
    assert len(EXPECTED) >= 10
    for sidecar in EXPECTED:
        assert (HTML / json.loads(sidecar.read_text("utf-8"))["file"]).exists()


@pytest.mark.parametrize("sidecar", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_html_fixture(sidecar: Path) -> None:
    exp = json.loads(sidecar.read_text("utf-8"))
    page = HTML / exp["file"]
    doc = document_from_html(page.read_bytes(), str(page), url=exp.get("given_url"))

    assert doc.title == exp["title"]
    assert doc.published == (dt.date.fromisoformat(exp["published"]) if exp["published"] else None)
    assert doc.outlet == exp["outlet"]
    assert doc.url == exp["url"]
    assert doc.origin == str(page)
    assert ID_FORMAT.fullmatch(doc.id)
    for sentence in exp["must_contain"]:
        assert sentence in doc.text, sentence
    for junk in exp["must_not_contain"]:
        assert junk not in doc.text, junk
    if "first_line_starts" in exp:
        assert doc.text.startswith(exp["first_line_starts"])
    if "last_line_ends" in exp:
        assert doc.text.endswith(exp["last_line_ends"])
    lines = doc.text.split("\n")
    assert all(line.strip() == line and line for line in lines)
    assert exp["title"] not in lines  # the headline is in doc.title, not repeated as a text line


@pytest.mark.parametrize("sidecar", EXPECTED[:3], ids=lambda p: p.name.removesuffix(".expected.json"))
def test_html_fixture_through_read_sources(sidecar: Path) -> None:
    exp = json.loads(sidecar.read_text("utf-8"))
    page = HTML / exp["file"]
    (doc,) = _read(page)
    assert isinstance(doc, Document)
    assert doc == document_from_html(page.read_bytes(), str(page))


def test_html_str_and_bytes_agree() -> None:
    page = HTML / "related-articles.html"
    assert document_from_html(page.read_text("utf-8"), "p") == document_from_html(page.read_bytes(), "p")


def test_html_id_is_url_hash_when_url_known() -> None:
    page = HTML / "opengraph-meta.html"
    doc = document_from_html(page.read_bytes(), "p")
    assert doc.id == stable_id(doc.text, "https://nabdyemen.example/news/44190")


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("<div class='post-meta'>نشر في 12 كانون الأول 2018</div>", dt.date(2018, 12, 12)),
        ("<div class='post-meta'>نشر في 3 أيار/مايو 2019</div>", dt.date(2019, 5, 3)),
        ("<span class='date'>الخميس 19 يوليو 2018 - 03:15 م</span>", dt.date(2018, 7, 19)),
        ("<span class='date'>2018/12/14</span>", dt.date(2018, 12, 14)),
        ("<span class='post-date'>14-12-2018</span>", dt.date(2018, 12, 14)),
        ("<span class='date'>١٤/١٢/٢٠١٨</span>", dt.date(2018, 12, 14)),
        ("<p>نشر بتاريخ 5 جوان 2016</p>", dt.date(2016, 6, 5)),
        ("<p>تاريخ النشر: 2017.03.09 الساعة 10:20</p>", dt.date(2017, 3, 9)),
        ("<span class='entry-date'>ديسمبر 14, 2018</span>", dt.date(2018, 12, 14)),
        ("<div class='meta'>الأربعاء، 12 كانون الأول/ديسمبر 2018 - 10:00</div>", dt.date(2018, 12, 12)),
        ("<p>منذ 5 سنوات</p>", None),
        ("", None),
    ],
)
def test_byline_dates(byline: str, expected: dt.date | None) -> None:
    doc = document_from_html(_page(byline), "page")
    assert doc.published == expected
    assert doc.text.startswith("اندلعت اشتباكات عنيفة")  # the byline is not article text
    shown = re.sub(r"<[^>]+>", "", byline)
    assert not shown or shown not in doc.text


def test_january_first_accepted_when_the_page_says_so() -> None:
    head = '<meta property="article:published_time" content="2019-01-01T08:00:00+03:00">'
    assert document_from_html(_page("", head), "p").published == dt.date(2019, 1, 1)


def test_copyright_year_is_not_a_date() -> None:
    assert document_from_html(_page(""), "p").published is None


def test_dates_in_comments_and_related_lists_are_not_the_publication_date() -> None:
    body = (
        "<div class='related-posts'><span class='date'>2019-02-27</span></div>"
        "<div class='comment-metadata'>نشر في 3 آذار 2019</div>"
        "<div class='header-date'>السبت 2 آذار 2019</div>"
    )
    assert document_from_html(_page(body), "p").published is None


def test_html_without_article_text_is_an_error() -> None:
    with pytest.raises(InputError, match="no article text"):
        document_from_html("<html><body><nav>الرئيسية</nav></body></html>", "p")


@pytest.mark.parametrize("html", [b"", b"   \n ", "", "\n\t"])
def test_empty_html(html: str | bytes) -> None:
    with pytest.raises(InputError, match="empty document"):
        document_from_html(html, "page.html")


def test_binary_html() -> None:
    with pytest.raises(InputError, match=re.escape(BINARY)):
        document_from_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.html")


# ------------------------------------------------------------------------------------------
# Plain text and the seed
# ------------------------------------------------------------------------------------------


def test_seed_txt_drops_furniture_and_keeps_the_rest_byte_identical() -> None:
    raw = SEED_TXT.read_text("utf-8")
    assert raw.rstrip("\n").split("\n")[-2:] == ["119", "المقال السابق"]
    (doc,) = _read(SEED_TXT)
    assert isinstance(doc, Document)
    assert doc.text == "\n".join(raw.rstrip("\n").split("\n")[:-2])
    assert raw.startswith(doc.text)
    assert doc.text == json.loads(SEED_GOLD.read_text("utf-8"))["text"]
    assert doc.origin == str(SEED_TXT)
    assert doc.id == stable_id(doc.text, None)
    assert doc.title is None and doc.url is None and doc.published is None


def test_text_furniture_lines() -> None:
    text = (
        "\n\nقوات النظام تقصف بلدة كفرنبل\n"
        "قصفت قوات النظام، اليوم، بلدة كفرنبل بعشرات القذائف.  \n"
        "شارك\n"
        "اقرأ أيضاً: الطيران الروسي يقصف خان شيخون\n"
        "وأدى القصف إلى دمار في منازل المدنيين.\n"
        "\n"
        "١٢٣\n"
        "تابعونا على تلغرام\n"
        "مواضيع ذات صلة\n"
        "قوات النظام تسيطر على بلدة الهبيط\n"
    )
    doc = document_from_text(text, "t.txt", doc_id="t1")
    assert doc.id == "t1"
    assert doc.text == (
        "قوات النظام تقصف بلدة كفرنبل\n"
        "قصفت قوات النظام، اليوم، بلدة كفرنبل بعشرات القذائف.  \n"
        "وأدى القصف إلى دمار في منازل المدنيين."
    )


def test_text_lines_that_look_like_furniture_but_are_news_are_kept() -> None:
    text = (
        "شارك مئات المتظاهرين في وقفة احتجاجية وسط مدينة إدلب.\n"
        "تابعنا باهتمام ما جرى في المدينة خلال الساعات الماضية من مواجهات.\n"
        "12\n"
        "وقال شهود إن عناصر الهيئة فرقوا المحتجين بالقوة."
    )
    assert document_from_text(text, "t").text == text


def test_text_crlf_and_bom() -> None:
    doc = document_from_text("\ufeffالسطر الأول.\r\nالسطر الثاني.\r\n119\r\n", "t")
    assert doc.text == "السطر الأول.\nالسطر الثاني."


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\ufeff"])
def test_empty_text(text: str) -> None:
    with pytest.raises(InputError, match="empty document"):
        document_from_text(text, "t.txt")


def test_text_of_only_furniture() -> None:
    with pytest.raises(InputError, match="no article text"):
        document_from_text("119\nالمقال السابق\n", "t.txt")


_LINE_TEXT = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=40)


@given(st.lists(st.one_of(_LINE_TEXT, st.sampled_from(["119", "شارك", "المقال السابق", "", "اقرأ أيضاً"]))))
def test_text_lines_are_never_rewritten(lines: list[str]) -> None:
    try:
        doc = document_from_text("\n".join(lines), "t")
    except InputError:
        return
    rest = iter(lines)
    for kept in doc.text.split("\n"):
        assert any(kept == line for line in rest)  # an unchanged input line, in input order


# ------------------------------------------------------------------------------------------
# JSON and JSON Lines
# ------------------------------------------------------------------------------------------


def test_gold_file_as_input_ignores_events() -> None:
    gold = json.loads(SEED_GOLD.read_text("utf-8"))
    (doc,) = _read(SEED_GOLD)
    assert isinstance(doc, Document)
    assert doc == Document(
        id="seed-furat-kashma",
        text=gold["text"],
        url=gold["source"]["url"],
        outlet="Furat Post (فرات بوست)",
        published=None,
        title=None,
        origin=str(SEED_GOLD),
    )
    assert [f.name for f in dataclasses.fields(Document)] == [
        "id", "text", "url", "outlet", "published", "title", "origin", "warnings",
    ]  # fmt: skip


def test_all_dev_gold_files_read() -> None:
    items = _read(DATA / "dev")
    assert not _errors(items)
    docs = _docs(items)
    assert len(docs) == len(list((DATA / "dev").glob("*.json")))
    assert [d.id for d in docs] == sorted(d.id for d in docs)
    by_id = {d.id: d for d in docs}
    assert by_id["afp-hajin-sdf"].published == dt.date(2018, 12, 14)


def test_json_list_with_a_bad_item(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    objs = [
        {"id": 42, "text": "قصف مدفعي على بلدة اللطامنة.", "url": "https://a.example/1", "outlet": "أ",
         "published": "2019-03-02", "events": [{"kind": "shelling"}]},
        {"id": "no-text", "title": "بلا نص"},
        {"text": "اشتباكات في محيط مدينة مارع.", "source": {"url": "https://b.example/2", "outlet": "ب"},
         "published": "2019-03-03T22:15:00+03:00", "title": "اشتباكات"},
        "not an object",
    ]  # fmt: skip
    path.write_text(json.dumps(objs, ensure_ascii=False), "utf-8")
    items = _read(path)
    assert [type(i).__name__ for i in items] == ["Document", "InputError", "Document", "InputError"]
    first, err, second, err2 = items
    assert first == Document("42", objs[0]["text"], "https://a.example/1", "أ", dt.date(2019, 3, 2), None,
                             f"{path}[0]")  # fmt: skip
    assert err.origin == f"{path}[1]" and '"text"' in err.problem
    assert str(err) == f"{path}[1]: {err.problem}"
    assert second.id == stable_id(second.text, "https://b.example/2")
    assert (second.url, second.outlet, second.published, second.title) == (
        "https://b.example/2", "ب", dt.date(2019, 3, 3), "اشتباكات",
    )  # fmt: skip
    assert err2.origin == f"{path}[3]"


def test_jsonl_bad_line_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "الخبر الأول."}, ensure_ascii=False),
                '{"id": "b", "text": "نص مقطوع',
                json.dumps({"id": "c", "text": "الخبر الثالث.", "published": "2020-02-30"}),
                json.dumps({"id": "d", "text": "الخبر الرابع."}, ensure_ascii=False),
                "",
                "[1, 2]",
                json.dumps({"id": "e", "text": "الخبر الأخير."}, ensure_ascii=False),
            ]
        )
        + "\n",
        "utf-8",
    )
    items = _read(path)
    assert [d.id for d in _docs(items)] == ["a", "d", "e"]
    assert [e.origin for e in _errors(items)] == [f"{path}:2", f"{path}:3", f"{path}:6"]
    assert "invalid JSON" in _errors(items)[0].problem
    assert '"published"' in _errors(items)[1].problem and "2020-02-30" in _errors(items)[1].problem
    assert [type(i).__name__ for i in items] == ["Document", "InputError", "InputError", "Document",
                                                 "InputError", "Document"]  # fmt: skip
    assert _docs(items)[0].origin == f"{path}:1"


def test_ndjson_and_json_holding_json_lines(tmp_path: Path) -> None:
    lines = '{"text": "أ."}\n{"text": "ب."}\n'
    (tmp_path / "a.ndjson").write_text(lines, "utf-8")
    (tmp_path / "b.json").write_text(lines, "utf-8")
    items = _read(tmp_path)
    assert [d.text for d in _docs(items)] == ["أ.", "ب.", "أ.", "ب."]
    assert [d.origin for d in items] == [
        f"{tmp_path / 'a.ndjson'}:1", f"{tmp_path / 'a.ndjson'}:2",
        f"{tmp_path / 'b.json'}:1", f"{tmp_path / 'b.json'}:2",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("obj", "field", "shown"),
    [
        ({"id": "x"}, '"text"', "missing"),
        ({"text": 12}, '"text"', "12"),
        ({"text": ["a"]}, '"text"', '["a"]'),
        ({"text": "  \n "}, '"text"', "empty"),
        ({"text": "نص.", "published": "14/12/2018"}, '"published"', '"14/12/2018"'),
        ({"text": "نص.", "published": "2018-13-01"}, '"published"', '"2018-13-01"'),
        ({"text": "نص.", "published": 2018}, '"published"', "2018"),
        ({"text": "نص.", "id": True}, '"id"', "true"),
        ({"text": "نص.", "id": ["a"]}, '"id"', '["a"]'),
        ({"text": "نص.", "id": ""}, '"id"', '""'),
        ({"text": "نص.", "url": 5}, '"url"', "5"),
        ({"text": "نص.", "source": {"outlet": ["x"]}}, '"source.outlet"', '["x"]'),
    ],
)
def test_document_from_json_errors(obj: dict, field: str, shown: str) -> None:
    with pytest.raises(InputError) as info:
        document_from_json(obj, "in.json")
    assert info.value.origin == "in.json"
    assert field in info.value.problem and shown in info.value.problem


def test_document_from_json_values() -> None:
    doc = document_from_json(
        {"id": 7.0, "text": "نص الخبر.", "published": "2018-12-14", "source": "وكالة سانا", "notes": "x"}, "o"
    )
    assert (doc.id, doc.outlet, doc.published, doc.origin) == ("7", "وكالة سانا", dt.date(2018, 12, 14), "o")
    assert document_from_json({"text": "نص.", "published": None}, "o").published is None
    assert document_from_json({"text": "نص.", "published": "20181214"}, "o").published == dt.date(
        2018, 12, 14
    )
    assert document_from_json({"text": " نص. "}, "o").text == " نص. "  # never rewritten


@pytest.mark.parametrize("content", ["{not json", "42", '"text"'])
def test_bad_json_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    (err,) = _read(path)
    assert isinstance(err, InputError) and err.origin == str(path)


# ------------------------------------------------------------------------------------------
# Feeds
# ------------------------------------------------------------------------------------------


def test_rss_feed() -> None:
    path = FEEDS / "wordpress.rss"
    items = _read(path)
    assert [type(i).__name__ for i in items] == ["Document", "Document", "InputError"]
    first, second, err = items
    assert first.title == "قسد تتقدم في بلدة السوسة شرقي دير الزور"
    assert first.url == "https://furat-net.example/2018/12/sdf-susah/"
    assert first.outlet == "شبكة الفرات الإخبارية"
    assert first.published == dt.date(2018, 12, 14)  # the local day, although 13 Dec in UTC
    assert first.origin == f"{path}[0]"
    assert first.text.startswith("تقدمت قوات سوريا الديمقراطية “قسد”، فجر اليوم الجمعة")
    assert first.text.endswith("ما أدى إلى دمار واسع في المنازل.")
    for junk in ("اقرأ أيضاً", "البوكمال", "The post", "appeared first", "<p>"):
        assert junk not in first.text
    assert second.text == (
        "استهدف طيران التحالف الدولي، مساء اليوم الخميس، بلدة الشعفة بعدة غارات، ما أدى إلى مقتل ثلاثة مدنيين بينهم طفل."
    )
    assert second.published == dt.date(2018, 12, 13)
    assert err.origin == f"{path}[2]" and err.problem == "empty document"


def test_atom_feed() -> None:
    path = FEEDS / "agency.atom"
    first, second = _read(path)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.outlet == second.outlet == "وكالة أنباء الجنوب"
    assert first.title == "اشتباكات في محيط قصر المعاشيق بمدينة عدن"
    assert first.url == "https://south-agency.example/news/2019/08/maashiq"
    assert first.published == dt.date(2019, 8, 10)  # published, not updated
    assert first.text == (
        "تجددت الاشتباكات، مساء اليوم السبت، بين قوات المجلس الانتقالي الجنوبي وقوات الحماية الرئاسية في محيط "
        "قصر المعاشيق بمدينة عدن.\nوقالت مصادر محلية إن قذائف سقطت على أحياء سكنية في مديرية كريتر."
    )
    assert second.published == dt.date(2019, 8, 9)
    assert second.text.startswith("قُتل جنديان من قوات الحزام الأمني")


def test_broken_feed(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_text("<rss><channel><title>x</title><item><title>", "utf-8")
    items = _read(path)
    assert all(isinstance(i, InputError) for i in items)


# ------------------------------------------------------------------------------------------
# WARC
# ------------------------------------------------------------------------------------------


def _write_warc(path: Path, gzip: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def response(url: str, status: str, ctype: str, payload: bytes):
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        return writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers)

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "furat.example")], is_http_request=True)
        writer.write_record(
            writer.create_warc_record("https://furat.example/a", "request", payload=io.BytesIO(b""),
                                      http_headers=request)
        )  # fmt: skip
        writer.write_record(
            response("https://furat.example/2018/12/12/marashida/", "200 OK", "text/html; charset=utf-8",
                     (HTML / "wp-furat-nav.html").read_bytes())
        )  # fmt: skip
        writer.write_record(response("https://furat.example/logo.png", "200 OK", "image/png", b"\x89PNG\x00"))
        writer.write_record(response("https://furat.example/gone", "404 Not Found", "text/html", b"<p>x</p>"))
        writer.write_record(
            response("https://rafidain.example/news/1", "200 OK", "text/html; charset=windows-1256",
                     (HTML / "cp1256-table-layout.html").read_bytes())
        )  # fmt: skip
        writer.write_record(
            response(
                "https://empty.example/", "200 OK", "text/html", b"<html><body><nav>x</nav></body></html>"
            )
        )


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _write_warc(path, gzip=name.endswith(".gz"))
    items = _read(path)
    assert [type(i).__name__ for i in items] == ["Document", "Document", "InputError"]
    furat, rafidain, err = items
    assert furat.url == "https://furat.example/2018/12/12/marashida/"
    assert furat.id == stable_id(furat.text, furat.url)
    assert furat.title == "قسد تسيطر على قرية المراشدة بعد اشتباكات مع تنظيم الدولة"
    assert furat.published == dt.date(2018, 12, 12)
    assert "المقال السابق" not in furat.text
    assert re.fullmatch(re.escape(str(path)) + r"@\d+", furat.origin)
    assert rafidain.url == "https://rafidain.example/news/1"
    assert rafidain.text.startswith("أعلنت قيادة العمليات المشتركة، اليوم الأحد")
    assert err.origin.startswith(f"{path}@")


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "x.warc"
    path.write_text("this is not a web archive\n", "utf-8")
    (err,) = _read(path)
    assert isinstance(err, InputError) and err.origin == str(path)


# ------------------------------------------------------------------------------------------
# Decoding, binary and empty files
# ------------------------------------------------------------------------------------------

ARABIC = "قصفت قوات النظام بلدة اللطامنة بريف حماة الشمالي بعشرات القذائف المدفعية.\nوأفاد ناشطون بسقوط جرحى."


@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.json", "a.jsonl", "a.rss", "a.bin"])
def test_binary_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    (err,) = _read(path)
    assert isinstance(err, InputError)
    assert str(err) == f"{path}: {BINARY}"


def test_undecodable_non_arabic_bytes_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(bytes([0xE0, 0xE7, 0xE8, 0xE9, 0xF4, 0xFC, 0x20] * 50))  # Latin-1 letters, no Arabic
    (err,) = _read(path)
    assert isinstance(err, InputError) and err.problem == BINARY
    path.write_bytes(bytes(range(1, 9)) * 100)  # valid UTF-8, but control characters
    (err,) = _read(path)
    assert isinstance(err, InputError) and err.problem == BINARY


@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.json", "a.jsonl", "a.rss"])
@pytest.mark.parametrize("content", [b"", b"  \n\t \n"])
def test_empty_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    (err,) = _read(path)
    assert isinstance(err, InputError)
    assert str(err) == f"{path}: empty document"


def test_windows_1256_txt(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(ARABIC.encode("cp1256"))
    (doc,) = _read(path)
    assert isinstance(doc, Document) and doc.text == ARABIC


def test_utf8_bom_txt(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARABIC.encode("utf-8"))
    (doc,) = _read(path)
    assert isinstance(doc, Document) and doc.text == ARABIC


def test_html_declaring_a_latin_charset_for_windows_1256_bytes() -> None:
    page = (HTML / "cp1256-table-layout.html").read_bytes().replace(b"windows-1256", b"iso-8859-1")
    doc = document_from_html(page, "p")
    assert doc.title == "الجيش العراقي يستعيد ثلاث قرى جنوب الموصل"


def test_decode_bytes() -> None:
    assert decode_bytes(ARABIC.encode("utf-8"), "o") == ARABIC
    assert decode_bytes(ARABIC.encode("cp1256"), "o") == ARABIC
    assert decode_bytes(ARABIC.encode("utf-16"), "o") == ARABIC
    assert decode_bytes("نص".encode("iso-8859-6"), "o", declared="iso-8859-6") == "نص"
    with pytest.raises(InputError, match=re.escape(BINARY)):
        decode_bytes(b"abc\x00def", "o")


# ------------------------------------------------------------------------------------------
# stdin, directories, missing paths
# ------------------------------------------------------------------------------------------


def test_stdin_json_bytes() -> None:
    stream = io.BytesIO(json.dumps({"id": "s1", "text": ARABIC}, ensure_ascii=False).encode("utf-8"))
    (doc,) = _read("-", stdin=stream)
    assert isinstance(doc, Document) and (doc.id, doc.origin, doc.text) == ("s1", "<stdin>", ARABIC)


def test_stdin_jsonl_text() -> None:
    stream = io.StringIO('{"id": "a", "text": "أ."}\n{"id": \n{"id": "c", "text": "ج."}\n')
    items = _read("-", stdin=stream)
    assert [d.id for d in _docs(items)] == ["a", "c"]
    assert [e.origin for e in _errors(items)] == ["<stdin>:2"]


def test_stdin_html() -> None:
    stream = io.BytesIO((HTML / "related-articles.html").read_bytes())
    (doc,) = _read("-", stdin=stream)
    assert isinstance(doc, Document)
    assert doc.title == "مقتل أربعة عناصر من قوات النظام بهجوم على حاجز في ريف حماة"
    assert doc.origin == "<stdin>"


def test_stdin_feed() -> None:
    items = _read("-", stdin=io.BytesIO((FEEDS / "agency.atom").read_bytes()))
    assert [d.origin for d in items] == ["<stdin>[0]", "<stdin>[1]"]


def test_stdin_plain_text_and_windows_1256() -> None:
    (doc,) = _read("-", stdin=io.StringIO(ARABIC + "\n119\n"))
    assert isinstance(doc, Document) and doc.text == ARABIC
    (doc,) = _read("-", stdin=io.BytesIO(ARABIC.encode("cp1256")))
    assert isinstance(doc, Document) and doc.text == ARABIC


def test_stdin_text_that_starts_like_json() -> None:
    text = "[صور] قوات النظام تقصف مدينة داريا بالبراميل المتفجرة."
    (doc,) = _read("-", stdin=io.StringIO(text))
    assert isinstance(doc, Document) and doc.text == text


def test_stdin_binary_and_empty() -> None:
    (err,) = _read("-", stdin=io.BytesIO(b"\x00\x01\x02"))
    assert str(err) == f"<stdin>: {BINARY}"
    (err,) = _read("-", stdin=io.StringIO(""))
    assert str(err) == "<stdin>: empty document"


def test_directory_walk_is_recursive_sorted_and_skips_unknown_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "z.txt").write_text("الخبر ز.", "utf-8")
    (tmp_path / "b" / "m.txt").write_text("الخبر م.", "utf-8")
    (tmp_path / "a" / "y.json").write_text('{"id": "y", "text": "الخبر ي."}', "utf-8")
    (tmp_path / "c.txt").write_text("الخبر ج.", "utf-8")
    (tmp_path / "notes.md").write_text("# not news", "utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")
    (tmp_path / ".hidden" / "h.txt").write_text("مخفي.", "utf-8")
    (tmp_path / ".dot.txt").write_text("مخفي.", "utf-8")
    items = _read(tmp_path)
    assert [d.text for d in _docs(items)] == ["الخبر ي.", "الخبر م.", "الخبر ز.", "الخبر ج."]
    assert not _errors(items)


def test_a_named_file_with_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "article"
    path.write_text(ARABIC, "utf-8")
    (doc,) = _read(path)
    assert isinstance(doc, Document) and doc.text == ARABIC


def test_missing_path_and_the_run_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARABIC, "utf-8")
    items = _read(tmp_path / "missing.txt", good)
    assert isinstance(items[0], InputError) and items[0].origin == str(tmp_path / "missing.txt")
    assert isinstance(items[1], Document)


def test_read_sources_is_lazy(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARABIC, "utf-8")
    gen = read_sources([str(good), str(tmp_path / "missing.txt")])
    assert isinstance(next(gen), Document)
    assert isinstance(next(gen), InputError)


# ------------------------------------------------------------------------------------------
# stable_id
# ------------------------------------------------------------------------------------------


def test_stable_id() -> None:
    a = stable_id("قصف  على\nبلدة", None)
    assert ID_FORMAT.fullmatch(a)
    assert a == stable_id(" قصف على بلدة ", None)  # white space does not matter
    assert a != stable_id("قصف على مدينة", None)
    assert stable_id("x", "https://a.example/1") == stable_id("y", "https://a.example/1")
    assert (
        stable_id("x", "https://a.example/1")
        == "sha256:" + hashlib.sha256(b"https://a.example/1").hexdigest()[:16]
    )
