"""The actor dictionary and outlet registry: file schema, consistency, coverage of the dev gold set,
and the loader's errors on malformed rows."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from raqib.actors import (
    ACTOR_COLUMNS,
    AFFILIATION_COLUMNS,
    ALIAS_COLUMNS,
    ALIAS_KINDS,
    OUTLET_COLUMNS,
    ActorBook,
    Alias,
    load_actor_book,
)
from raqib.errors import DataFileError
from raqib.normalize import bare
from raqib.segment import tokens

DEV = Path(__file__).parent / "data" / "dev"
DATA = resources.files("raqib") / "data"
FILES = {
    "actors/actors.tsv": ACTOR_COLUMNS,
    "actors/aliases.tsv": ALIAS_COLUMNS,
    "actors/affiliations.tsv": AFFILIATION_COLUMNS,
    "outlets.tsv": OUTLET_COLUMNS,
}
#: README convention 6 (plus KRG, "treated as a state force"): takeovers by these are state ones.
STATE_IDS = {"SYR-GOV", "IRQ-GOV", "PMF", "YEM-GOV", "SDN-SAF", "LBY-GOV", "KRG"}
NON_STATE_IDS = {"SDF", "SNA", "HTS", "ISIS", "RSF", "LNA", "OPPOSITION", "HOUTHI", "STC", "AQAP", "PKK"}


@pytest.fixture(scope="module")
def book() -> ActorBook:
    return load_actor_book()


@pytest.fixture(scope="module")
def dev_docs() -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(DEV.glob("*.json"))]


def _day(doc: dict) -> dt.date | None:
    return dt.date.fromisoformat(doc["published"]) if doc["published"] else None


def _country(doc: dict) -> str | None:
    return next((e["location"]["country"] for e in doc["events"]), None)


def _gold_ids(doc: dict) -> set[str]:
    ids = set()
    for event in doc["events"]:
        ids |= {event["actor1"], event.get("actor2")} | set(event.get("actor1_assoc", []))
    ids |= {row["controller"] for row in doc["control"]}
    ids.discard(None)
    return ids


def _lookups(index: dict, text: str) -> list[tuple[str, tuple[Alias, ...]]]:
    """Every token n-gram of ``text`` found in the index, as the actor finder looks words up: the
    first word by its stem or its unstripped key ("فصائل" ~ "الفصائل"), the others by their stems."""
    toks = tokens(text)
    longest = max(len(k) for k in index)
    found = []
    for i, tok in enumerate(toks):
        for first in {tok.stem, tok.key}:
            words = [first]
            for j in range(i, min(len(toks), i + longest)):
                if j > i:
                    words.append(toks[j].stem)
                if tuple(words) in index:
                    found.append((" ".join(words), index[tuple(words)]))
    return found


def _resolve(book: ActorBook, phrase: str, country: str | None, day: dt.date | None) -> str | None:
    """The default actor of a whole phrase (the first applicable alias of its words)."""
    toks = tokens(phrase)
    index = book.alias_index()
    for first in (toks[0].stem, toks[0].key):
        words = (first, *(t.stem for t in toks[1:]))
        for alias in index.get(words, ()):
            if alias.applies(country, day):
                return alias.actor
    return None


# ------------------------------------------------------------------ files and headers


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_has_provenance_header_and_columns(name: str) -> None:
    lines = (DATA / name).read_text("utf-8").splitlines()
    header = list(itertools.takewhile(lambda line: line.startswith("#"), lines))
    text = "\n".join(header)
    assert re.search(r"^# version: \d{4}\.\d{2}\.\d{2}$", text, re.MULTILINE), (
        "no '# version: YYYY.MM.DD' line"
    )
    assert "written for raqib" in text
    assert "columns:" in text
    for column in FILES[name]:
        assert re.search(rf"^#\s+{column}\b", text, re.MULTILINE) or column in text, (
            f"column {column} undocumented"
        )
    assert lines[len(header)].split("\t") == list(FILES[name])
    for number, line in enumerate(lines[len(header) + 1 :], start=len(header) + 2):
        if line.strip() and not line.startswith("#"):
            assert len(line.split("\t")) == len(FILES[name]), f"{name}:{number}: wrong number of fields"


def test_packaged_book_loads(book: ActorBook) -> None:
    assert set(book.versions) == {"actors.tsv", "aliases.tsv", "affiliations.tsv", "outlets.tsv"}
    assert len(set(book.versions.values())) == 1, "the four files are released together"
    assert len(book.aliases) >= 300
    assert len(book.outlets) >= 60


# ------------------------------------------------------------------ actors


def test_every_readme_id_is_defined(book: ActorBook) -> None:
    readme = (DEV / "README.md").read_text("utf-8")
    table = readme.split("### Actor ids", 1)[1].split("## Annotation conventions", 1)[0]
    ids = set(re.findall(r"^\| `([A-Z][A-Z0-9-]*)` \|", table, re.MULTILINE))
    assert len(ids) >= 28
    assert ids | {"ISIS-DISSIDENT"} <= set(book.actors)


def test_every_gold_id_is_defined(book: ActorBook, dev_docs: list[dict]) -> None:
    used = set().union(*(_gold_ids(doc) for doc in dev_docs))
    assert used <= set(book.actors), used - set(book.actors)


def test_actor_rows(book: ActorBook) -> None:
    for actor in book.actors.values():
        assert actor.inter in range(1, 9), actor
        assert actor.name_en and actor.description, actor
        assert actor.countries and all(re.fullmatch(r"[A-Z]{2}", c) for c in actor.countries), actor
    assert STATE_IDS <= {a.id for a in book.actors.values() if a.state}
    assert not any(book.actors[i].state for i in NON_STATE_IDS)
    assert book.actors["CIVILIANS"].inter == 7
    assert book.actors["SYR-GOV"].name_en == "Military Forces of Syria (2000-2024)"


# ------------------------------------------------------------------ aliases


def test_alias_rows(book: ActorBook) -> None:
    for alias in book.aliases:
        assert alias.actor in book.actors, alias
        assert alias.kind in ALIAS_KINDS, alias
        assert alias.key == bare(alias.text) and alias.key, alias
        assert alias.words == tuple(alias.key.split())
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in alias.countries), alias
        if alias.valid_from and alias.valid_to:
            assert alias.valid_from <= alias.valid_to, alias
        assert alias.text == alias.text.strip() and "  " not in alias.text, alias


def test_no_duplicate_aliases_after_normalisation(book: ActorBook) -> None:
    """One (key, actor) pair never appears twice for the same country and day."""
    groups: dict[tuple[str, str], list[Alias]] = {}
    for alias in book.aliases:
        groups.setdefault((alias.key, alias.actor), []).append(alias)
    clashes = []
    for (key, actor), aliases in groups.items():
        for a, b in itertools.combinations(aliases, 2):
            countries = not a.countries or not b.countries or a.countries & b.countries
            start = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
            end = min(a.valid_to or dt.date.max, b.valid_to or dt.date.max)
            if countries and start <= end:
                clashes.append((a.text, b.text, actor))
    assert not clashes


def test_every_actor_has_a_name(book: ActorBook) -> None:
    named = {a.actor for a in book.aliases if a.kind == "name"}
    assert set(book.actors) <= named, set(book.actors) - named


def test_alias_index(book: ActorBook) -> None:
    index = book.alias_index()
    assert sum(len(v) for v in index.values()) == len(book.aliases)
    assert all(isinstance(k, tuple) and all(isinstance(w, str) for w in k) for k in index)
    assert [a.actor for a in index[("قسد",)]] == ["SDF"]
    assert index[tuple(bare("قوات النظام").split())][0].actor == "SYR-GOV"
    # file order is kept: the first alias of a key is its default reading
    assert [a.actor for a in index[tuple(bare("الجيش السوري الحر").split())]] == ["OPPOSITION", "SNA"]
    index.clear()
    assert book.alias_index(), "callers get a copy"


#: (phrase exactly as in the text, proclitics included, dev file, expected actor): the alias index must resolve each
#: phrase to its gold actor for the file's country and publication day.
DEV_PHRASES = [
    ("قسد", "seed-furat-kashma", "SDF"),
    ("قوات سوريا الديموقراطية", "afp-hajin-sdf", "SDF"),
    ("ي ب ك", "anadolu-hajin-control", "SDF"),
    ("ب ي د", "anadolu-hajin-control", "SDF"),
    ("الوحدات الكردية", "aajsy-afrin-maryamin", "SDF"),
    ("مجلس منبج العسكري", "qasioun-manbij-clashes", "SDF"),
    ("مجلس تل تمر العسكري", "sy2-syriahr-turkish-drones-qamishli", "SDF"),
    ("الإدارة الذاتية", "sy2-syriahr-turkish-drones-qamishli", "SDF"),
    ("تنظيم الدولة", "seed-furat-kashma", "ISIS"),
    ("داعش", "afp-hajin-sdf", "ISIS"),
    ("التنظيم المتطرف", "alhayat-isis-bashkun", "ISIS"),
    ("معارضي البغدادي", "seed-furat-kashma", "ISIS-DISSIDENT"),
    ("هيئة تحرير الشام", "alhayat-isis-bashkun", "HTS"),
    ("الهيئة", "annahar-hts-retakes-bashkun", "HTS"),
    ("جبهة النصرة", "alhayat-isis-bashkun", "HTS"),
    ("تحرير الشام", "microsyria-hts-arrest-maarat-harma", "HTS"),
    ("قوات النظام", "sy2-alanba-ghurz-siege", "SYR-GOV"),
    ("قوات الأسد", "watan-daraa-ied", "SYR-GOV"),
    ("ميليشيات الأسد", "sy2-hibrpress-ijaz-withdrawal", "SYR-GOV"),
    ("الجيش السوري", "elfagr-quneitra-agreement", "SYR-GOV"),
    ("الأمن العسكري", "watan-daraa-ied", "SYR-GOV"),
    ("الفرقة الرابعة", "sy2-syrianpc-tal-shihab-settlement", "SYR-GOV"),
    ("الدفاع الوطني", "sy2-baladi-ndf-defection-tabqa", "SYR-GOV"),
    ("الفرقة 15", "sy2-alanba-ghurz-siege", "SYR-GOV"),
    ("الميليشيات الموالية لإيران", "sy2-alanba-ghurz-siege", "IRN-MIL"),
    ("الطيران الحربي الروسي", "sy2-waseela-mushayrifa-takeover", "RUS"),
    ("الشرطة الروسية", "sy2-syrianpc-tal-shihab-settlement", "RUS"),
    ("روسية", "smart-maarat-numan-likely-russian", "RUS"),
    ("قوات التحالف", "anadolu-hajin-control", "COALITION"),
    ("مدفعية التحالف", "halabtoday-kashma-handover", "COALITION"),
    ("الجيش التركي", "etilaf-afrin-four-villages", "TUR"),
    ("المدفعية التركية", "qasioun-manbij-clashes", "TUR"),
    ("طائرة مسيرة تركية", "sy2-syriahr-turkish-drones-qamishli", "TUR"),
    ("مقاتلات تركية", "iq2-turkish-jets-zap", "TUR"),
    ("الجيش السوري الحر", "aajsy-afrin-maryamin", "SNA"),
    ("الجيش السوري الحر", "sy2-watan-gharia-kidnap-rescue", "OPPOSITION"),
    ("الجيش الوطني", "qasioun-manbij-clashes", "SNA"),
    ("القوات المشتركة", "etilaf-afrin-four-villages", "SNA"),
    ("الفصائل الثورية", "sy2-hibrpress-ijaz-withdrawal", "OPPOSITION"),
    ("الثوار", "sy2-hibrpress-ijaz-withdrawal", "OPPOSITION"),
    ("المعارضة السورية", "masrytoday-hameh-qudsaya", "OPPOSITION"),
    ("فصائل إسلامية", "sy2-arabi21-isis-execution-tawamiya", "OPPOSITION"),
    ("حركة أحرار الشام", "elfagr-quneitra-agreement", "OPPOSITION"),
    ("اللجنة المركزية الغربية", "sy2-syrianpc-tal-shihab-settlement", "OPPOSITION"),
    ("الحشد الشعبي", "darelhilal-pmf-hawija", "PMF"),
    ("القوات العراقية", "iq2-kirkuk-pmf-pullout", "IRQ-GOV"),
    ("الجيش العراقي", "iq2-kirkuk-pmf-pullout", "IRQ-GOV"),
    ("جهاز مكافحة الإرهاب", "iq2-kirkuk-pmf-pullout", "IRQ-GOV"),
    ("البشمركة", "iq2-kirkuk-pmf-pullout", "KRG"),
    ("البيشمركة", "iq2-peshmerga-six-villages", "KRG"),
    ("حزب العمال الكردستاني", "iq2-turkish-jets-zap", "PKK"),
    ("بي كيه كيه", "iq2-turkish-jets-zap", "PKK"),
    ("مسلحين مجهولين", "iq2-basra-riham-yaqoub", "UNKNOWN"),
    ("مسلحون مجهولون", "sy2-suwayda24-abductions", "UNKNOWN"),
    ("مجموعة مسلحة مجهولة", "ly2-zawiya-un-staff-abduction", "UNKNOWN"),
    ("جماعة الحوثي", "ye2-marib-ballistic-missile", "HOUTHI"),
    ("أنصار الله", "almashhad-marib-hills", "HOUTHI"),
    ("المقاومة الشعبية", "almashhad-marib-hills", "YEM-GOV"),
    ("الجيش اليمني", "ye2-marib-ballistic-missile", "YEM-GOV"),
    ("الحكومة الشرعية", "ye2-aden-stc-camps", "YEM-GOV"),
    ("التحالف العربي", "ye2-prisoner-swap-sanaa", "SAUDI-COALITION"),
    ("طائرات التحالف", "almashhad-marib-hills", "SAUDI-COALITION"),
    ("للمجلس الانتقالي الجنوبي", "ye2-aden-stc-camps", "STC"),
    ("النخبة الشبوانية", "ye2-shabwa-suicide-checkpoint", "STC"),
    ("طيران اماراتي", "ye2-aden-stc-camps", "UAE"),
    ("تنظيم القاعدة", "ye2-shabwa-suicide-checkpoint", "AQAP"),
    ("للجيش السوداني", "sd2-kassala-portsudan-drones", "SDN-SAF"),
    ("الجيش", "sd2-wad-madani-army", "SDN-SAF"),
    ("قوات الدعم السريع", "sd2-kassala-portsudan-drones", "RSF"),
    ("مليشيا الدعم السريع", "sd2-kutayla-rsf-arrests", "RSF"),
    ("الجيش الوطني الليبي", "alwaght-tripoli-airport", "LNA"),
    ("قوات حفتر", "ly2-tarhuna-gna", "LNA"),
    ("الجيش الليبي", "ly2-geneva-jmc-ceasefire", "LNA"),
    ("قوات الصاعقة", "ly2-benghazi-hawari-nahar", "LNA"),
    ("حكومة الوفاق الوطني", "alwaght-tripoli-airport", "LBY-GOV"),
    ("قوات الوفاق", "ly2-tarhuna-gna", "LBY-GOV"),
    ("حكومة طرابلس", "alwaght-tripoli-airport", "LBY-GOV"),
    ("الميليشيات المسلحة", "alwaght-tripoli-airport", "LBY-GOV"),
    ("المدنيين", "sy2-waseela-mushayrifa-takeover", "CIVILIANS"),
    ("موظفين أمميين", "ly2-zawiya-un-staff-abduction", "CIVILIANS"),
    ("المحتجين", "sy2-npa-idlib-protests-hts", "CIVILIANS"),
]


@pytest.mark.parametrize(("phrase", "file_id", "expected"), DEV_PHRASES)
def test_dev_phrase_resolves_to_gold_actor(book: ActorBook, phrase: str, file_id: str, expected: str) -> None:
    doc = json.loads((DEV / f"{file_id}.json").read_text("utf-8"))
    assert phrase in doc["text"], "the phrase is quoted from the text"
    assert expected in _gold_ids(doc), "the actor is one the gold relies on"
    assert _resolve(book, phrase, _country(doc), _day(doc)) == expected


#: Gold actors that the text never names (bombs and shots without an attributed agent).
UNNAMED = {
    ("ly2-benghazi-hawari-dostor", "UNKNOWN"),
    ("sy2-freshsyria-azaz-carbomb", "UNKNOWN"),
    ("sy2-imlebanon-azaz-carbomb", "UNKNOWN"),
    ("watan-daraa-ied", "UNKNOWN"),
}


def test_every_gold_actor_is_named_by_an_alias_in_its_text(book: ActorBook, dev_docs: list[dict]) -> None:
    """Each actor id of a document's gold events and control rows has an alias, applicable to the
    document's country and day, somewhere in its text."""
    index = book.alias_index()
    missing = []
    for doc in dev_docs:
        country, day = _country(doc), _day(doc)
        named = {
            a.actor for _, aliases in _lookups(index, doc["text"]) for a in aliases if a.applies(country, day)
        }
        missing += [(doc["id"], i) for i in sorted(_gold_ids(doc) - named) if (doc["id"], i) not in UNNAMED]
    assert not missing


@pytest.mark.parametrize(
    ("phrase", "country", "day", "expected"),
    [
        ("الجيش", "SY", "2018-06-01", "SYR-GOV"),
        ("الجيش", "SY", "2025-03-01", "SYR-GOV-2024"),
        ("الجيش", "IQ", None, "IRQ-GOV"),
        ("الجيش", "YE", None, "YEM-GOV"),
        ("الجيش", "SD", None, "SDN-SAF"),
        ("الجيش", "LY", None, "LNA"),
        ("الجيش الوطني", "SY", "2019-01-01", "SNA"),
        ("الجيش الوطني", "YE", None, "YEM-GOV"),
        ("الجيش الوطني", "LY", None, "LNA"),
        ("الجيش السوري الحر", "SY", "2016-05-01", "OPPOSITION"),
        ("الجيش السوري الحر", "SY", "2018-03-09", "SNA"),
        ("الهيئة", "SY", "2016-05-01", None),
        ("الفرقة الرابعة", "SD", None, None),
        ("الفرقة الرابعة مشاة", "SD", None, "SDN-SAF"),
        ("التنظيم", "YE", None, "AQAP"),
        ("التنظيم", "IQ", None, "ISIS"),
        ("التحالف", "SY", "2018-12-14", "COALITION"),
        ("التحالف", "YE", "2016-01-01", "SAUDI-COALITION"),
        ("الحرس الثوري", "SY", None, "IRN-MIL"),
        ("الحرس الثوري", "IQ", None, "IRN"),
        ("الأسايش", "SY", None, "SDF"),
        ("الأسايش", "IQ", None, "KRG"),
        ("بي كا كا", "SY", None, "SDF"),
        ("بي كا كا", "IQ", None, "PKK"),
        ("المقاومة الشعبية", "SD", "2024-01-01", "SDN-SAF"),
        ("المقاومة الجنوبية", "YE", "2015-07-01", "YEM-GOV"),
        ("المقاومة الجنوبية", "YE", "2019-08-10", "STC"),
        ("الأمن العام", "SY", "2024-03-01", "HTS"),
        ("الأمن العام", "SY", "2025-03-01", "SYR-GOV-2024"),
        ("الميليشيات", "SD", "2024-01-01", "RSF"),
        ("الحوثيين", "YE", None, "HOUTHI"),
        ("وللحوثيين", "YE", None, "HOUTHI"),
    ],
)
def test_country_and_period_decide(
    book: ActorBook, phrase: str, country: str, day: str | None, expected
) -> None:
    when = dt.date.fromisoformat(day) if day else None
    assert _resolve(book, phrase, country, when) == expected


# ------------------------------------------------------------------ affiliations and outlets


def test_affiliations(book: ActorBook) -> None:
    assert book.affiliations
    for row in book.affiliations:
        assert row.actor in book.actors and row.member_of in book.actors, row
        assert row.actor != row.member_of
        if row.valid_from and row.valid_to:
            assert row.valid_from <= row.valid_to
    pairs = {(a.actor, a.member_of) for a in book.affiliations}
    assert {
        ("IRN-MIL", "SYR-GOV"),
        ("PMF", "IRQ-GOV"),
        ("SNA", "TUR"),
        ("STC", "UAE"),
        ("RSF", "SDN-SAF"),
    } <= pairs
    assert [a.member_of for a in book.affiliations_of("RSF", dt.date(2020, 1, 1))] == ["SDN-SAF"]
    assert book.affiliations_of("RSF", dt.date(2023, 4, 15)) == ()


def test_outlet_rows(book: ActorBook) -> None:
    names: dict[str, str] = {}
    domains: dict[str, str] = {}
    for outlet in book.outlets:
        assert outlet.affiliation is None or outlet.affiliation in book.actors, outlet
        assert outlet.country is None or re.fullmatch(r"[A-Z]{2}", outlet.country), outlet
        for label in (outlet.name, *outlet.aliases):
            key = bare(label)
            assert names.setdefault(key, outlet.name) == outlet.name, f"{label!r} names two outlets"
        if outlet.domain:
            assert domains.setdefault(outlet.domain, outlet.name) == outlet.name, outlet.domain


def test_every_dev_outlet_is_registered(book: ActorBook, dev_docs: list[dict]) -> None:
    unknown = [d["source"]["outlet"] for d in dev_docs if book.outlet_for(d["source"]["outlet"]) is None]
    unknown += [d["source"]["url"] for d in dev_docs if book.outlet_for(d["source"]["url"]) is None]
    assert not unknown


@pytest.mark.parametrize(
    ("query", "name", "affiliation"),
    [
        ("سانا", "الوكالة العربية السورية للأنباء", "SYR-GOV"),
        ("وكالة أعماق", "وكالة أعماق", "ISIS"),
        ("الاناضول", "وكالة الأناضول", "TUR"),
        ("ANHA", "وكالة أنباء هاوار", "SDF"),
        ("المرصد السوري لحقوق الانسان", "المرصد السوري لحقوق الإنسان", None),
        ("https://www.syriahr.com/%D8%B7/", "المرصد السوري لحقوق الإنسان", None),
        ("الوطن", "الوطن", "SYR-GOV"),
        ("Watan FM (وطن إف إم)", "وطن إف إم", None),
        ("إعلام الحشد", "إعلام الحشد", "PMF"),
        ("سبأ", "سبأ", "HOUTHI"),
        ("سبأنت", "سبأنت", "YEM-GOV"),
        ("سونا", "وكالة السودان للأنباء", "SDN-SAF"),
        ("arabic.sudanspost.com", "سودانس بوست", None),
        ("SMART News Agency (سمارت), republished by Micro Syria (ميكروسيريا)", "سمارت", None),
    ],
)
def test_outlet_for(book: ActorBook, query: str, name: str, affiliation: str | None) -> None:
    outlet = book.outlet_for(query)
    assert outlet is not None and outlet.name == name and outlet.affiliation == affiliation


def test_outlet_for_unknown(book: ActorBook) -> None:
    assert book.outlet_for("") is None
    assert book.outlet_for("جريدة لا وجود لها") is None
    assert book.outlet_for("https://example.org/news") is None


# ------------------------------------------------------------------ loader on made-up directories

HEAD = "# test file\n# version: 2026.01.01\n# provenance: written for raqib tests\n"
TINY = {
    "actors/actors.tsv": [
        "\t".join(ACTOR_COLUMNS),
        "SDF\tSDF: Syrian Democratic Forces\t2\tno\tSY\tKurdish-led forces",
        "ISIS\tIS: Islamic State\t2\tno\tSY|IQ\t",
    ],
    "actors/aliases.tsv": [
        "\t".join(ALIAS_COLUMNS),
        "قسد\tSDF\t\t\t\tname\t",
        "التنظيم\tISIS\tSY\t2014-01-01\t\tgeneric\trefers back",
    ],
    "actors/affiliations.tsv": ["\t".join(AFFILIATION_COLUMNS)],
    "outlets.tsv": ["\t".join(OUTLET_COLUMNS), "وكالة أعماق\tأعماق|Amaq\t\tISIS\t\t"],
}


def _tiny(root: Path, **replace: list[str]) -> Path:
    for name, rows in TINY.items():
        rows = replace.get(name.replace("/", "_").replace(".tsv", ""), rows)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_tiny_directory_loads(tmp_path: Path) -> None:
    book = load_actor_book(_tiny(tmp_path))
    assert list(book.actors) == ["SDF", "ISIS"]
    assert book.actors["ISIS"].countries == frozenset({"SY", "IQ"})
    alias = book.alias_index()[(bare("التنظيم"),)][0]
    assert (alias.actor, alias.kind, alias.valid_from, alias.valid_to) == (
        "ISIS",
        "generic",
        dt.date(2014, 1, 1),
        None,
    )
    assert book.outlet_for("Amaq").affiliation == "ISIS"
    assert book.versions["aliases.tsv"] == "2026.01.01"
    # the actors directory itself is accepted too, outlets.tsv being found one level up
    assert load_actor_book(tmp_path / "actors").outlets == book.outlets


def test_env_var_overrides_packaged_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAQIB_DATA_DIR", str(_tiny(tmp_path)))
    assert set(load_actor_book().actors) == {"SDF", "ISIS"}


HEADER_LINES = HEAD.count("\n") + 1  # the column-name row


@pytest.mark.parametrize(
    ("file", "rows", "problem"),
    [
        (
            "actors_aliases",
            [*TINY["actors/aliases.tsv"], "داعش\tISIS\tSY\t\tname\t"],
            "6 tab-separated fields",
        ),
        (
            "actors_aliases",
            [*TINY["actors/aliases.tsv"], "داعش\tDAESH\t\t\t\tname\t"],
            "'DAESH' is not an actor id",
        ),
        (
            "actors_aliases",
            [*TINY["actors/aliases.tsv"], "داعش\tISIS\t\t2014-13-01\t\tname\t"],
            "not an ISO date",
        ),
        (
            "actors_aliases",
            [*TINY["actors/aliases.tsv"], "داعش\tISIS\t\t1/2/2014\t\tname\t"],
            "not an ISO date",
        ),
        (
            "actors_aliases",
            [*TINY["actors/aliases.tsv"], "داعش\tISIS\t\t2015-01-01\t2014-01-01\tname\t"],
            "before",
        ),
        ("actors_aliases", [*TINY["actors/aliases.tsv"], "داعش\tISIS\t\t\t\tnickname\t"], "kind 'nickname'"),
        ("actors_aliases", [*TINY["actors/aliases.tsv"], "داعش\tISIS\tSyria\t\t\tname\t"], "ISO 3166"),
        (
            "actors_aliases",
            [*TINY["actors/aliases.tsv"], "وقسد\tSDF\t\t\t\tname\t"],
            "repeats an earlier row",
        ),
        (
            "actors_actors",
            [*TINY["actors/actors.tsv"], "RUS\tMilitary Forces of Russia\t9\tno\tSY\t"],
            "inter '9'",
        ),
        (
            "actors_actors",
            [*TINY["actors/actors.tsv"], "RUS\tMilitary Forces of Russia\t8\tmaybe\tSY\t"],
            "state",
        ),
        ("actors_actors", [*TINY["actors/actors.tsv"], "SDF\tAgain\t2\tno\tSY\t"], "defined twice"),
        (
            "actors_affiliations",
            [*TINY["actors/affiliations.tsv"], "SDF\tUSA\t\t\t"],
            "'USA' is not an actor id",
        ),
        ("outlets", [*TINY["outlets.tsv"], "سانا\tSANA\thttps://sana.sy\t\tSY\t"], "bare host name"),
        (
            "outlets",
            [*TINY["outlets.tsv"], "سانا\tSANA\tsana.sy\tSYR-GOV\tSY\t"],
            "'SYR-GOV' is not an actor id",
        ),
    ],
)
def test_malformed_row_names_file_and_line(tmp_path: Path, file: str, rows: list[str], problem: str) -> None:
    _tiny(tmp_path, **{file: rows})
    with pytest.raises(DataFileError) as caught:
        load_actor_book(tmp_path)
    name = file.replace("actors_", "") + ".tsv"
    line = HEADER_LINES + len(rows) - 1
    assert caught.value.path.endswith(name)
    assert f"line {line}:" in caught.value.problem
    assert problem in str(caught.value)
    assert str(caught.value).startswith(caught.value.path)


def test_malformed_header(tmp_path: Path) -> None:
    _tiny(tmp_path)
    path = tmp_path / "actors" / "aliases.tsv"
    path.write_text(HEAD + "alias\tactor\tkind\nقسد\tSDF\tname\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"aliases\.tsv: line 4: columns are alias, actor, kind"):
        load_actor_book(tmp_path)
    path.write_text("\t".join(ALIAS_COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="version"):
        load_actor_book(tmp_path)
    path.unlink()
    with pytest.raises(DataFileError, match="file not found"):
        load_actor_book(tmp_path)
