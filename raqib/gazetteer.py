"""The offline gazetteer: one SQLite index merged from public sources, loaded into memory once.

Build (``build_index``) copies each source into its own table (``geonames``, ``iom_osm``,
``iom_audit``, ``ocha_adm1``, ``wikipedia_marks``; importers add ``ocha_pplp`` and
``osm_places``), records licences in ``sources`` and then merges everything into:

* ``place``: one row per place, keyed by a stable id taken from its highest-priority source
  ("gn:172415", "iom:C6803", "wp:sy:4711" ...; a rebuild keeps the ids places already had, so
  imports never rename a place). Points of different sources lying within a few kilometres with
  the same or a compatible name (same Arabic key, close English spelling, or an Arabic name whose
  romanisation matches an English one) become one place; different points of one source never do;
* ``place_source``: every source id merged into a place;
* ``name``: Arabic and English names and variants (``key`` is ``normalize.bare`` for Arabic,
  ``latin_key`` for Latin script).

Admin units are places too (feature ``governorate``/``district``/``country``): the OCHA ADM1
polygons (Syrian governorates, Arabic names, at their centroid), the IOM P-code hierarchy
(Syrian districts and sub-districts, at the mean of their communities, Arabic name from their
seat), GeoNames admin-1 units (IQ, YE, LY, SD, Arabic names from a table in this module, at their
seat) and admin-2 units (Iraqi districts). Syrian points without an admin path get their
governorate by point-in-polygon on the OCHA polygons and their district/sub-district from the
nearest IOM community within 10 km; other points take GeoNames' admin codes (or those of the
nearest GeoNames place). IOM communities known only by P-code and English name (no coordinates)
are attached to a compatible map mark of their sub-district when that is unambiguous, and are
otherwise kept in ``iom_audit`` for cross-script matching at sub-district level.

The merge reads only the tables of the index, so importers (``import_geonames_dump``,
``import_ocha_pplp_csv``, ``import_osm_places``) add rows to a source table and re-run it. The
build is deterministic. IOM population and displacement figures are never copied.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import os
import re
import sqlite3
import struct
import time
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

from raqib.errors import DataFileError
from raqib.normalize import bare, match_key

SCHEMA_VERSION = "1"
#: Bump when ``latin_key`` changes: indexes built with another version have their keys recomputed.
LATIN_KEY_VERSION = "1"

#: Words whose ``normalize.bare`` keys fingerprint the normaliser the index was built with.
_PROBES = (
    "البو", "بلد", "كبير", "فوقاني", "والشعفة", "للنظام", "بالرقة", "كفرروم", "إدلب", "حماة", "مأرب",
    "أبو الحسن", "قرية الكشمة", "وادي", "فافرتين", "لطمين", "الباغوز", "ﻻ", "مؤتة", "ئ", "سُوريّة", "ـحلب",
    "ك", "وال", "كالعادة", "فالج", "ABC", "٣٤", "“الشعفة”", "منبج‌", "ی", "ک", "ة", "ى", "آ", "إ",
)  # fmt: skip


def normalizer_fingerprint() -> str:
    """Hash of the Arabic keys of a fixed word list: changes when ``normalize`` behaves differently."""
    return hashlib.sha256("|".join(bare(w) for w in _PROBES).encode()).hexdigest()[:16]


#: Arab League members, then the neighbours kept by default.
ARAB_LEAGUE = (
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS", "QA", "SA",
    "SO", "SD", "SY", "TN", "AE", "YE",
)  # fmt: skip
DEFAULT_COUNTRIES = ARAB_LEAGUE + ("TR", "IR", "IL")

FEATURES = ("country", "governorate", "district", "city", "town", "village", "landmark")
_SETTLEMENT_RANK = {"city": 3, "town": 2, "village": 1, "landmark": 0}

# --------------------------------------------------------------------------------------------
# Hand-made tables (written for raqib): Arabic names of admin-1 units GeoNames gives in English
# only, and the countries themselves. Syria's governorates come from OCHA ADM1 instead.

ADMIN1_AR: dict[str, tuple[str, ...]] = {
    "IQ.01": ("الأنبار",), "IQ.02": ("البصرة",), "IQ.03": ("المثنى",), "IQ.04": ("القادسية", "الديوانية"),
    "IQ.05": ("السليمانية",), "IQ.06": ("بابل",), "IQ.07": ("بغداد",), "IQ.08": ("دهوك",),
    "IQ.09": ("ذي قار",), "IQ.10": ("ديالى",), "IQ.11": ("أربيل",), "IQ.12": ("كربلاء",),
    "IQ.13": ("كركوك", "التأميم"), "IQ.14": ("ميسان",), "IQ.15": ("نينوى",), "IQ.16": ("واسط",),
    "IQ.17": ("النجف",), "IQ.18": ("صلاح الدين",),
    "YE.01": ("أبين",), "YE.02": ("عدن",), "YE.03": ("المهرة",), "YE.04": ("حضرموت",), "YE.05": ("شبوة",),
    "YE.08": ("الحديدة",), "YE.10": ("المحويت",), "YE.11": ("ذمار",), "YE.14": ("مأرب",),
    "YE.15": ("صعدة",), "YE.16": ("صنعاء",), "YE.18": ("الضالع",), "YE.19": ("عمران",),
    "YE.20": ("البيضاء",), "YE.21": ("الجوف",), "YE.22": ("حجة",), "YE.23": ("إب",), "YE.24": ("لحج",),
    "YE.25": ("تعز",), "YE.26": ("أمانة العاصمة",), "YE.27": ("ريمة",), "YE.28": ("سقطرى",),
    "LY.63": ("الجبل الأخضر",), "LY.64": ("الجفرة",), "LY.65": ("الكفرة",), "LY.66": ("المرج",),
    "LY.67": ("النقاط الخمس",), "LY.68": ("الزاوية",), "LY.69": ("بنغازي",), "LY.70": ("درنة",),
    "LY.71": ("غات",), "LY.72": ("مصراتة",), "LY.73": ("مرزق",), "LY.74": ("نالوت",), "LY.75": ("سبها",),
    "LY.76": ("سرت",), "LY.77": ("طرابلس",), "LY.78": ("وادي الشاطئ",), "LY.79": ("البطنان",),
    "LY.80": ("الجبل الغربي",), "LY.81": ("الجفارة",), "LY.82": ("المرقب",), "LY.83": ("الواحات",),
    "LY.84": ("وادي الحياة",),
    "SD.29": ("الخرطوم",), "SD.36": ("البحر الأحمر",), "SD.38": ("الجزيرة",), "SD.39": ("القضارف",),
    "SD.41": ("النيل الأبيض",), "SD.42": ("النيل الأزرق",), "SD.43": ("الشمالية",),
    "SD.47": ("غرب دارفور",), "SD.49": ("جنوب دارفور",), "SD.50": ("جنوب كردفان",), "SD.52": ("كسلا",),
    "SD.53": ("نهر النيل",), "SD.55": ("شمال دارفور",), "SD.56": ("شمال كردفان",), "SD.58": ("سنار",),
    "SD.60": ("شرق دارفور",), "SD.61": ("وسط دارفور",), "SD.62": ("غرب كردفان",),
}  # fmt: skip

#: code → (Arabic names, English name, rough centre lat, lon).
COUNTRIES: dict[str, tuple[tuple[str, ...], str, float, float]] = {
    "SY": (("سوريا", "سورية", "الجمهورية العربية السورية"), "Syria", 35.0, 38.5),
    "IQ": (("العراق",), "Iraq", 33.0, 43.7),
    "YE": (("اليمن",), "Yemen", 15.6, 47.5),
    "LY": (("ليبيا",), "Libya", 27.0, 17.0),
    "SD": (("السودان",), "Sudan", 15.5, 30.0),
    "TR": (("تركيا",), "Turkey", 39.0, 35.0),
    "IR": (("إيران",), "Iran", 32.5, 54.0),
    "IL": (("إسرائيل",), "Israel", 31.4, 35.0),
    "PS": (("فلسطين",), "Palestine", 31.9, 35.2),
    "LB": (("لبنان",), "Lebanon", 33.9, 35.9),
    "JO": (("الأردن",), "Jordan", 31.2, 36.5),
    "EG": (("مصر",), "Egypt", 26.5, 30.0),
    "SA": (("السعودية", "المملكة العربية السعودية"), "Saudi Arabia", 24.0, 45.0),
    "KW": (("الكويت",), "Kuwait", 29.3, 47.6),
    "BH": (("البحرين",), "Bahrain", 26.0, 50.55),
    "QA": (("قطر",), "Qatar", 25.3, 51.2),
    "AE": (("الإمارات",), "United Arab Emirates", 24.0, 54.0),
    "OM": (("سلطنة عمان",), "Oman", 21.0, 57.0),
    "DZ": (("الجزائر",), "Algeria", 28.0, 2.6),
    "MA": (("المغرب",), "Morocco", 31.8, -7.1),
    "TN": (("تونس",), "Tunisia", 34.0, 9.5),
    "MR": (("موريتانيا",), "Mauritania", 20.3, -10.3),
    "SO": (("الصومال",), "Somalia", 6.0, 46.0),
    "DJ": (("جيبوتي",), "Djibouti", 11.8, 42.6),
    "KM": (("جزر القمر",), "Comoros", -12.2, 44.3),
}

_SOURCES: dict[str, dict[str, str]] = {
    "geonames": {
        "title": "GeoNames cities500 + admin1/admin2 codes",
        "files": "geonames/cities500.txt.gz; geonames/admin1CodesASCII.txt; geonames/admin2Codes.txt.gz",
        "licence": "CC BY 4.0",
        "attribution": "GeoNames (www.geonames.org), licensed under CC BY 4.0, "
        "https://creativecommons.org/licenses/by/4.0/",
        "url": "https://download.geonames.org/export/dump/",
    },
    "iom_osm": {
        "title": "IOM DTM Syria communities matched to HOTOSM/OSM populated places",
        "files": "iom_hotosm_syria_communities/iom_displacement_return_locations_validated.gpkg",
        "licence": "ODbL 1.0 (OSM-derived points and names) + IOM DTM terms of use; the copying "
        "repository states no licence: for development, rebuild from HOTOSM/OSM for production",
        "attribution": "© OpenStreetMap contributors, ODbL 1.0; IOM Displacement Tracking Matrix (DTM) Syria",
        "url": "https://github.com/marisa-saito/Syria_Humanitarian_Climate_Facts",
    },
    "iom_audit": {
        "title": "IOM DTM Syria community list (P-codes, English names, ADM1-3), matching audit",
        "files": "iom_hotosm_syria_communities/iom_hotosm_location_matching_audit.csv.gz",
        "licence": "IOM DTM terms of use; the copying repository states no licence (development use)",
        "attribution": "IOM Displacement Tracking Matrix (DTM) Syria",
        "url": "https://github.com/marisa-saito/Syria_Humanitarian_Climate_Facts",
    },
    "ocha_adm1": {
        "title": "OCHA COD-AB Syria ADM1 (governorates), v02, valid_on 2020-12-17",
        "files": "ocha_syria_adm1/syr_admin1.geojson.gz",
        "licence": "CC BY-IGO (OCHA/HDX); the copying repository is MIT",
        "attribution": "OCHA, Syrian Arab Republic - Subnational Administrative Boundaries (COD-AB), HDX",
        "url": "https://data.humdata.org/dataset/cod-ab-syr",
    },
    "wikipedia_marks": {
        "title": "Wikipedia conflict-map modules (Syria, Iraq, Syria-Iraq border), snapshot ~mid-2017",
        "files": "wikipedia_maps/syria_map_marks.csv; wikipedia_maps/iraq_map_marks.csv; "
        "wikipedia_maps/syria_iraq_border_marks.csv",
        "licence": "CC BY-SA 4.0",
        "attribution": "Wikipedia contributors, Module:Syrian Civil War detailed map, Module:Iraqi "
        "insurgency detailed map, Module:Syrian and Iraqi insurgency detailed map "
        "(https://en.wikipedia.org/wiki/Module:Syrian_Civil_War_detailed_map ...); CC BY-SA 4.0",
        "url": "https://en.wikipedia.org/wiki/Module:Syrian_Civil_War_detailed_map",
    },
    "raqib_tables": {
        "title": "Arabic names of GeoNames admin-1 units (IQ, YE, LY, SD) and of countries",
        "files": "raqib/gazetteer.py (ADMIN1_AR, COUNTRIES)",
        "licence": "MIT (raqib)",
        "attribution": "raqib",
        "url": "",
    },
}
_IMPORT_SOURCES: dict[str, dict[str, str]] = {
    "geonames_dump": {
        "title": "GeoNames country dump (geoname table)",
        "licence": "CC BY 4.0",
        "attribution": _SOURCES["geonames"]["attribution"],
        "url": "https://download.geonames.org/export/dump/",
    },
    "ocha_pplp": {
        "title": "OCHA COD-PP populated places (P-codes, Arabic and English names)",
        "licence": "CC BY-IGO (OCHA/HDX)",
        "attribution": "OCHA Common Operational Datasets, populated places (HDX)",
        "url": "https://data.humdata.org/",
    },
    "osm_places": {
        "title": "OpenStreetMap populated places (HOTOSM export or Overpass)",
        "licence": "ODbL 1.0",
        "attribution": "© OpenStreetMap contributors, ODbL 1.0",
        "url": "https://www.openstreetmap.org/copyright",
    },
}

# --------------------------------------------------------------------------------------------
# Script helpers

_ARABIC_CHAR = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def is_arabic(text: str) -> bool:
    """True when ``text`` contains Arabic-script letters."""
    return bool(_ARABIC_CHAR.search(text))


def ar_words(name: str) -> tuple[str, ...]:
    """The name-index key of an Arabic name: the words of ``normalize.bare(name)``."""
    return tuple(bare(name).split())


_NON_ARABIC_LETTERS = frozenset("پچژگڤڵۆێەڕیکھۀٹڈڑںےۇۈۋ")


def _romanised_fit(arabic: str, en_key: str) -> float:
    """How well an Arabic name's romanisation matches an English key (0-100), rounded to 5."""
    if not en_key:
        return 0.0
    return 5 * round(max((latin_similarity(k, en_key) for k in romanized_keys(arabic)), default=0.0) / 5)


def _en_order_first(recs: Sequence[_Rec]) -> str:
    """The English name the place's primary names come from (GeoNames first)."""
    for src in ("geonames", "iom_osm", "ocha_pplp", "osm_places", "wikipedia_marks"):
        for r in recs:
            if r.source == src and r.names_en:
                return r.names_en[0]
    return ""


def _non_arabic_letters(name: str) -> int:
    """Number of letters of Persian/Kurdish/Urdu orthography in a name (0 for Arabic)."""
    return sum(ch in _NON_ARABIC_LETTERS for ch in name)


def ar_loose(name: str) -> str:
    """A looser Arabic key for fuzzy comparison: ``match_key`` words with only a leading article
    removed (no other proclitic is cut, so "كفرروم" keeps its ك)."""
    words = re.findall(r"[\w\u0600-\u06ff]+", match_key(name))
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words)


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _is_latin(text: str) -> bool:
    a = _ascii(text)
    return bool(a) and all(c.isascii() or c in "‘’ʿʾ`´" for c in a) and any(c.isalpha() for c in a)


# ---- Latin folding: the key English names and romanisations are compared on --------------

_ARTICLES = frozenset(
    ["al", "el", "as", "ash", "ad", "adh", "ar", "at", "ath", "az", "an", "es", "ech", "ed", "er", "et", "ez",
     "en", "ul", "il", "l"]
)  # fmt: skip
#: Qualifier words → canonical marks, moved to the end of the key so word order does not matter.
_QUALIFIERS: dict[str, str] = {}
for _mark, _words in {
    "^u": "upper fawqani foqani fouqani fauqani fuqani fawqa foqa fouqa fuqa",
    "^l": "lower tahtani tahtaniyah tahtaniya tahtaniyeh tahta",
    "^b": "big great greater kabir kebir kabeer kbir kabira kabirah kbira kebira kubra kobra",
    "^s": "small little lesser saghir seghir sghir saghira saghirah sughra soghra zghir saghire sgheer",
    "^e": "east eastern sharqi sharki sharqiyah sharqiya sharqiyeh sharqia shirqi sharqieh",
    "^w": "west western gharbi gharbiyah gharbiya gharbiyeh gharbia gharbiah gharbieh",
    "^n": "north northern shamali shamaliyah shamaliya shamaliyeh shemali",
    "^j": "south southern janubi janubiyah janubiya janoubi jnubi",
    "^m": "middle central wastani wusta",
}.items():
    for _w in _words.split():
        _QUALIFIERS[_w] = _mark
_ABU = frozenset(["abu", "abou", "abo", "albu", "albou", "bu", "abi"])
_LATIN_JUNK = re.compile(r"[^a-z0-9 ]+")
_DIGRAPHS = (
    ("x", "ks"), ("sh", "S"), ("ch", "S"), ("kh", "X"), ("gh", "G"), ("th", "t"), ("dh", "d"),
    ("ph", "f"), ("dj", "j"), ("ck", "k"), ("q", "k"), ("c", "k"), ("ou", "u"),
)  # fmt: skip
_CONS_WY = re.compile(r"[wy](?=[aeiou])")
_VOWEL_RUN = re.compile(r"[aeiouyw]+")
_DOUBLE = re.compile(r"(.)\1+")


def _fold_word(w: str) -> str:
    for a, b in _DIGRAPHS:
        w = w.replace(a, b)
    w = _CONS_WY.sub(lambda m: m.group(0).upper(), w)
    w = _VOWEL_RUN.sub("a", w).lower()
    w = _DOUBLE.sub(r"\1", w)
    if len(w) > 2 and w.endswith("ah"):
        w = w[:-1]
    return w


@lru_cache(maxsize=65536)
def latin_key(name: str) -> str:
    """A Latin-script name folded for cross-spelling comparison.

    Diacritics, apostrophes and articles (al-, as-, el- ...) go; sh/ch, kh, gh become single
    symbols; q/k/c merge; every run of vowels (with non-consonantal w/y) becomes "a"; doubled
    letters collapse; a final -ah/-eh becomes -a; Abu/Albu become "abu"; qualifiers (Upper,
    Fawqani, Kabir, Sharqi ...) become marks at the end. "Baghuz Fawqani" and "Upper Baguz" both
    give "bagaz ^u"; "Kishmah" and "al-Kashma" give "kaSma".
    """
    s = _ascii(name).lower()
    for ch in "'`‘’ʿʾ´":
        s = s.replace(ch, "")
    s = _LATIN_JUNK.sub(" ", s)
    toks = s.split()
    out: list[str] = []
    quals: list[str] = []
    all_quals = all(t in _QUALIFIERS or t in _ARTICLES for t in toks)
    for k, t in enumerate(toks):
        if t in _ARTICLES and k + 1 < len(toks):
            continue
        if t in _QUALIFIERS and not (all_quals and not out):
            quals.append(_QUALIFIERS[t])
            continue
        if t in _ABU:
            out.append("abu")
            continue
        out.append(_fold_word(t))
    return " ".join(out + sorted(set(quals)))


SKELETON_WEIGHT = 0.5
"""Weight of the consonant skeleton (vowel slots dropped) in ``latin_similarity``."""


@lru_cache(maxsize=65536)
def _skeleton(base: str) -> str:
    return base.replace("a", "").replace(" ", "")


@lru_cache(maxsize=65536)
def _split_quals(key: str) -> tuple[str, frozenset[str]]:
    parts = key.split()
    return " ".join(p for p in parts if not p.startswith("^")), frozenset(p for p in parts if p[0] == "^")


@lru_cache(maxsize=131072)
def _parts(base: str) -> tuple[str | None, str]:
    """(the base without spaces and doubled letters, or None when it has no space; its consonant
    skeleton)."""
    joined = _DOUBLE.sub(r"\1", base.replace(" ", "")) if " " in base else None
    return joined, _skeleton(base)


def latin_similarity(a: str, b: str) -> float:
    """Similarity (0-100) of two ``latin_key`` keys; qualifiers must agree when both have some.

    Half the rapidfuzz ratio of the folded keys (or of the keys without spaces, less 3), half
    the ratio of their consonant skeletons; an article glued to one name only is ignored; 6
    points off when one name has a qualifier (Fawqani, Kabir ...) the other lacks.
    """
    ba, qa = _split_quals(a)
    bb, qb = _split_quals(b)
    if (qa and qb and qa != qb) or not ba or not bb:
        return 0.0
    if ba[:2] == "al" and bb[:2] != "al" and len(ba) > 5:
        ba = ba[2:]  # an article glued to the name ("Alsafafnah")
    elif bb[:2] == "al" and ba[:2] != "al" and len(bb) > 5:
        bb = bb[2:]
    ja, sa = _parts(ba)
    jb, sb = _parts(bb)
    score = fuzz.ratio(ba, bb)
    if ja is not None or jb is not None:
        score = max(score, fuzz.ratio(ja or ba, jb or bb) - 3.0)
    if SKELETON_WEIGHT:
        score = (1 - SKELETON_WEIGHT) * score + SKELETON_WEIGHT * fuzz.ratio(sa, sb)
    if qa != qb:
        score -= 6.0
    return score


# ---- Arabic → Latin romanisation ----------------------------------------------------------

_AR_DROP = dict.fromkeys(
    map(ord, "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0656\u0657"
        "\u0658\u0670\u0640\u06e1\u200c\u200d\u200e\u200f"),
    None,
)  # fmt: skip
_AR_TOKEN = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+|[0-9]+")
_SUN = frozenset("تثدذرزسشصضطظلن")
_CONS: dict[str, tuple[str, ...]] = {
    "ب": ("b",), "ت": ("t",), "ث": ("th", "s"), "ج": ("j",), "ح": ("h",), "خ": ("kh",), "د": ("d",),
    "ذ": ("dh", "z"), "ر": ("r",), "ز": ("z",), "س": ("s",), "ش": ("sh",), "ص": ("s",), "ض": ("d",),
    "ط": ("t",), "ظ": ("z", "dh"), "غ": ("gh",), "ف": ("f",), "ق": ("q", "g"), "ك": ("k",), "ک": ("k",),
    "ل": ("l",), "م": ("m",), "ن": ("n",), "ه": ("h",), "ھ": ("h",), "پ": ("p",), "چ": ("ch",),
    "ژ": ("zh",), "گ": ("g",), "ڤ": ("v",), "ع": ("'",), "ء": ("'",), "ؤ": ("'",), "ئ": ("'",),
}  # fmt: skip
#: Whole words with a conventional English form.
_AR_WORDS: dict[str, tuple[str, ...]] = {
    "ابو": ("Abu",), "أبو": ("Abu",), "البو": ("Albu", "Abu"), "ام": ("Umm",), "أم": ("Umm",),
    "تل": ("Tall", "Tal", "Tell"), "عين": ("Ayn", "Ain"), "دير": ("Dayr", "Deir"), "كفر": ("Kafr",),
    "بيت": ("Bayt", "Beit"), "بني": ("Bani",), "شيخ": ("Shaykh", "Sheikh"), "خربة": ("Khirbat", "Khirbet"),
    "جسر": ("Jisr",), "جبل": ("Jabal", "Jebel"), "وادي": ("Wadi",), "رأس": ("Ras",), "راس": ("Ras",),
    "بئر": ("Bir",), "بير": ("Bir",), "قصر": ("Qasr",), "مزرعة": ("Mazraat", "Mazraa"),
    "حوش": ("Hawsh", "Hosh"), "تلة": ("Tallat",), "سيدي": ("Sidi",), "ابن": ("Ibn",), "بن": ("Bin",),
    "باب": ("Bab",), "عبد": ("Abd",), "مركز": ("Markaz",), "قرية": ("Qaryat",), "نهر": ("Nahr",),
    "سد": ("Sadd",), "مطار": ("Matar",), "حي": ("Hayy",), "مخيم": ("Mukhayyam",),
}  # fmt: skip
#: Qualifier words: romanised to their usual English form (latin_key folds both to one mark).
_AR_QUALIFIERS: dict[str, tuple[str, ...]] = {
    "فوقاني": ("Fawqani",), "فوقانى": ("Fawqani",), "فوقا": ("Fawqa",), "تحتاني": ("Tahtani",),
    "تحتانى": ("Tahtani",), "تحتا": ("Tahta",), "كبير": ("Kabir",), "كبيرة": ("Kabira",),
    "كبرى": ("Kubra",), "صغير": ("Saghir",), "صغيرة": ("Saghira",), "صغرى": ("Sughra",),
    "شرقي": ("Sharqi",), "شرقية": ("Sharqiyah",), "غربي": ("Gharbi",), "غربية": ("Gharbiyah",),
    "شمالي": ("Shamali",), "شمالية": ("Shamaliyah",), "جنوبي": ("Janubi",), "جنوبية": ("Janubiyah",),
    "وسطاني": ("Wastani",), "وسطى": ("Wusta",), "جديد": ("Jadid",), "جديدة": ("Jadida", "Jdeideh"),
    "قديم": ("Qadim",), "قديمة": ("Qadima",),
}  # fmt: skip
_VOWEL_LETTERS = frozenset("اآىوية")


def _rom_word(w: str, last: bool, limit: int) -> list[str]:
    """Romanisation candidates of one Arabic word without its article."""
    n = len(w)
    segs: list[tuple[str, ...]] = []
    for i, ch in enumerate(w):
        nxt = w[i + 1] if i + 1 < n else ""
        prev_vowel = bool(segs) and segs[-1][0][-1:] in ("a", "i", "u")
        if ch in "اآ":
            segs.append(("a",))
        elif ch == "إ":
            segs.append(("i",))
        elif ch == "أ":
            segs.append(("a",) if i == 0 else ("'",))
        elif ch == "ى":
            segs.append(("a",))
        elif ch == "ة":
            segs.append(("a", "ah", "eh") if last else ("at", "a"))
        elif ch == "و":
            if i == 0 or prev_vowel or nxt in ("ا", "ى", "ة", "و") or (nxt == "ي" and i + 1 < n - 1):
                segs.append(("w",))
            else:
                segs.append(("u", "o"))
        elif ch == "ي":
            if i == 0 or prev_vowel:
                segs.append(("y",))
            elif nxt in ("ا", "و", "ة"):
                segs.append(("iy", "y"))
            else:
                segs.append(("i", "e"))
        else:
            segs.append(_CONS.get(ch, (ch,)))
    if not segs:
        return []

    def vowel(s: tuple[str, ...]) -> bool:
        return s[0][0] in "aiu"

    if n == 3 and not any(vowel(s) for s in segs):
        segs = [segs[0], ("a",), segs[1], ("a", ""), segs[2]]  # حسن → hasan, مرج → maraj / marj
    elif len(segs) > 1 and not vowel(segs[0]) and not vowel(segs[1]):
        segs.insert(1, ("a",))  # كشمة → kashma
    # a written cluster usually has a short vowel in English: optional "a" before a word-final
    # consonant pair (فاحل → Fahil / Fahl) and inside runs of three consonants (مرحمية → Marhamiya)
    out: list[tuple[str, ...]] = []
    run = 0
    for k, sg in enumerate(segs):
        cons = not vowel(sg)
        if cons and (run >= 2 or (run == 1 and k == len(segs) - 1 and len(segs) > 2)):
            out.append(("a", ""))
            run = 0
        out.append(sg)
        run = run + 1 if cons else 0
    primary = "".join(sg[0] for sg in out)
    opts = [primary]
    for k, sg in enumerate(out):
        for alt in sg[1:]:
            opts.append("".join(alt if j == k else x[0] for j, x in enumerate(out)))
    return list(dict.fromkeys(opts))[:limit]


@lru_cache(maxsize=16384)
def _romanize_cached(text: str, limit: int) -> tuple[str, ...]:
    words = _AR_TOKEN.findall(text.translate(_AR_DROP))
    if not words:
        return ()
    per_word: list[list[str]] = []
    for j, w in enumerate(words):
        last = j == len(words) - 1
        if w.isdigit():
            per_word.append([w])
            continue
        if w in _AR_WORDS:
            per_word.append(list(_AR_WORDS[w]))
            continue
        art, core = "", w
        if len(w) > 3 and w.startswith("ال"):
            core = w[2:]
            first = _CONS.get(core[0], ("l",))[0]
            art = f"a{first}-" if core[0] in _SUN else "al-"
        if core in _AR_QUALIFIERS:
            per_word.append(
                [art + x for x in _AR_QUALIFIERS[core]] if not art else list(_AR_QUALIFIERS[core])
            )
            continue
        if core in _AR_WORDS:
            per_word.append([art + x for x in _AR_WORDS[core]])
            continue
        opts = _rom_word(core, last, limit)
        per_word.append([art + o[:1].upper() + o[1:] for o in opts])
    out = [""]
    for opts in per_word:
        out = [f"{o} {x}".strip() for o in out for x in opts][: limit * 4]
    return tuple(dict.fromkeys(out))[:limit]


def romanize(arabic: str, limit: int = 8) -> list[str]:
    """Latin spellings an Arabic place name is likely to have in English sources, best first.

    Tuned to Syrian/Iraqi usage: the article with sun-letter assimilation (al-/as-/ash-/ad-),
    ة as a/ah/eh (and -at before another word), ش sh, ج j, خ kh, ذ dh/z, ث th/s, ق q/g, ع and ء
    as an apostrophe, و w/u/o, ي y/i/e; ابو → Abu, تل → Tall/Tal/Tell, فوقاني → Fawqani,
    كبير → Kabir. Use ``latin_key`` on the result to compare with English names.
    """
    return list(_romanize_cached(arabic, limit))


@lru_cache(maxsize=16384)
def romanized_keys(arabic: str) -> tuple[str, ...]:
    """The distinct ``latin_key`` forms of ``romanize(arabic)`` (cached, bounded)."""
    return tuple(dict.fromkeys(latin_key(r) for r in _romanize_cached(arabic, 8)))


# --------------------------------------------------------------------------------------------
# Geometry


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def approx_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance in kilometres (within 0.5% of haversine below ~200 km)."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.195 * math.hypot(x, lat2 - lat1)


def point_in_ring(lon: float, lat: float, ring: Sequence[Sequence[float]]) -> bool:
    """Ray casting: True when (lon, lat) lies inside the closed ring of [lon, lat] pairs."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


class PolygonIndex:
    """Point-in-polygon over GeoJSON (Multi)Polygons, by ray casting on latitude-banded edges."""

    BAND = 0.02

    def __init__(self, shapes: Iterable[tuple[str, Mapping]]) -> None:
        self.keys: list[str] = []
        self.bboxes: list[tuple[float, float, float, float]] = []
        self.bands: list[dict[int, list[tuple[float, float, float, float]]]] = []
        for key, geom in shapes:
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            bands: dict[int, list[tuple[float, float, float, float]]] = defaultdict(list)
            xs: list[float] = []
            ys: list[float] = []
            for poly in polys:
                for ring in poly:
                    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                        if y1 == y2:
                            continue
                        lo, hi = min(y1, y2), max(y1, y2)
                        for b in range(math.floor(lo / self.BAND), math.floor(hi / self.BAND) + 1):
                            bands[b].append((x1, y1, x2, y2))
                        xs.append(x1)
                        ys.append(y1)
            self.keys.append(key)
            self.bboxes.append((min(xs), min(ys), max(xs), max(ys)))
            self.bands.append(dict(bands))

    def locate(self, lat: float, lon: float) -> str | None:
        """Key of the polygon containing the point, or None."""
        b = math.floor(lat / self.BAND)
        for key, (x0, y0, x1, y1), bands in zip(self.keys, self.bboxes, self.bands, strict=True):
            if not (x0 <= lon <= x1 and y0 <= lat <= y1):
                continue
            inside = False
            for xa, ya, xb, yb in bands.get(b, ()):
                if (ya > lat) != (yb > lat) and lon < (xb - xa) * (lat - ya) / (yb - ya) + xa:
                    inside = not inside
            if inside:
                return key
        return None


def gpkg_point(blob: bytes) -> tuple[float, float] | None:
    """(lon, lat) of a GeoPackage geometry blob holding a WKB Point (None if empty/other)."""
    if not blob or blob[:2] != b"GP":
        return None
    flags = blob[3]
    env = (flags >> 1) & 0b111
    header = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get(env, 0)
    wkb = blob[header:]
    order = "<" if wkb[0] == 1 else ">"
    (gtype,) = struct.unpack(order + "I", wkb[1:5])
    if gtype % 1000 != 1:
        return None
    x, y = struct.unpack(order + "dd", wkb[5:21])
    if math.isnan(x) or math.isnan(y):
        return None
    return x, y


# --------------------------------------------------------------------------------------------
# Index schema

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (source TEXT PRIMARY KEY, title TEXT, files TEXT, licence TEXT NOT NULL,
    attribution TEXT NOT NULL, url TEXT, rows INTEGER);
CREATE TABLE geonames (geonameid INTEGER PRIMARY KEY, name TEXT, asciiname TEXT, alternatenames TEXT,
    lat REAL, lon REAL, fclass TEXT, fcode TEXT, country TEXT, admin1 TEXT, admin2 TEXT,
    population INTEGER, origin TEXT);
CREATE TABLE geonames_admin (code TEXT PRIMARY KEY, level INTEGER, name TEXT, asciiname TEXT,
    geonameid INTEGER);
CREATE TABLE iom_osm (pcode TEXT PRIMARY KEY, fid INTEGER, osm_id TEXT, name_ar TEXT, name_en TEXT,
    name_latin TEXT, location_name TEXT, place TEXT, adm1_pcode TEXT, adm1_en TEXT, adm2_pcode TEXT,
    adm2_en TEXT, adm3_pcode TEXT, adm3_en TEXT, lat REAL, lon REAL, similarity REAL);
CREATE TABLE iom_audit (pcode TEXT PRIMARY KEY, name_en TEXT, adm1_en TEXT, adm2_en TEXT, adm3_en TEXT,
    adm3_pcode TEXT, decision TEXT);
CREATE TABLE ocha_adm1 (pcode TEXT PRIMARY KEY, name_en TEXT, name_ar TEXT, alt_en TEXT,
    center_lat REAL, center_lon REAL, area_sqkm REAL, valid_on TEXT, version TEXT, geometry TEXT);
CREATE TABLE wikipedia_marks (id TEXT PRIMARY KEY, row INTEGER, lat REAL, lon REAL,
    mark TEXT, controller TEXT, symbol TEXT, marksize REAL, label TEXT, link_target TEXT,
    commented_out INTEGER, flags TEXT);
CREATE TABLE ocha_pplp (pcode TEXT PRIMARY KEY, name_ar TEXT, name_en TEXT, adm1_pcode TEXT, adm1_en TEXT,
    adm1_ar TEXT, adm2_pcode TEXT, adm2_en TEXT, adm2_ar TEXT, adm3_pcode TEXT, adm3_en TEXT,
    adm3_ar TEXT, lat REAL, lon REAL, country TEXT);
CREATE TABLE osm_places (osm_id TEXT PRIMARY KEY, name TEXT, name_ar TEXT, name_en TEXT, place TEXT,
    lat REAL, lon REAL);
CREATE TABLE place (id TEXT PRIMARY KEY, name_ar TEXT, name_en TEXT, lat REAL NOT NULL, lon REAL NOT NULL,
    feature TEXT NOT NULL, admin_ids TEXT, admin_ar TEXT, admin_en TEXT, country TEXT, pcode TEXT,
    geonames_id INTEGER, rank REAL, near_ids TEXT);
CREATE TABLE place_source (place_id TEXT, source_id TEXT, source TEXT);
CREATE TABLE name (place_id TEXT, name TEXT, key TEXT, lang TEXT, source TEXT);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS name_key ON name(key);
"""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What ``build_index`` (or an importer) wrote."""

    path: Path
    """The index file."""
    places: int
    """Rows of the merged ``place`` table (admin units and countries included)."""
    names: int
    """Rows of the ``name`` table."""
    source_rows: Mapping[str, int]
    """Rows copied per source table."""
    merged: int
    """Source records that were merged into a place created by another record."""
    unplaced: int
    """IOM community P-codes with neither coordinates nor a merged point (usable at sub-district level)."""
    seconds: float
    """Wall time."""
    countries: tuple[str, ...] = ()
    """Countries kept from GeoNames."""


# --------------------------------------------------------------------------------------------
# Reading the raw sources


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    if path.suffix == ".zip":
        zf = zipfile.ZipFile(path)
        members = [m for m in zf.namelist() if m.endswith(".txt") and "readme" not in m.lower()]
        if not members:
            raise DataFileError(str(path), "no .txt member in the zip archive")
        return io.TextIOWrapper(zf.open(members[0]), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _find(src_dir: Path, name: str) -> Path:
    for cand in (src_dir / name, src_dir / (name + ".gz")):
        if cand.exists():
            return cand
    hits = sorted(src_dir.rglob(name)) + sorted(src_dir.rglob(name + ".gz"))
    if not hits:
        raise DataFileError(str(src_dir / name), "source file not found; see data/gazetteer/README.md")
    return hits[0]


def _keep_alternates(alts: str) -> str:
    """Arabic-script and Latin-script alternate names only (other scripts are dropped)."""
    keep: list[str] = []
    for a in alts.split(","):
        a = a.strip()
        if not a or a in keep or any(ch.isdigit() for ch in a) or "http" in a:
            continue
        if is_arabic(a):
            if not any("a" <= c.lower() <= "z" for c in a):  # mixed-script junk ("qamshlۆ")
                keep.append(a)
        elif _is_latin(a) and not (a.isupper() and len(a) <= 4):
            keep.append(a)
    return ",".join(keep)


def _geonames_rows(path: Path, countries: frozenset[str], origin: str) -> Iterator[tuple]:
    with _open_text(path) as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 19 or f[8] not in countries:
                continue
            try:
                gid, lat, lon = int(f[0]), float(f[4]), float(f[5])
            except ValueError:
                continue
            pop = int(f[14]) if f[14].isdigit() else 0
            yield (
                gid,
                f[1],
                f[2],
                _keep_alternates(f[3]),
                lat,
                lon,
                f[6],
                f[7],
                f[8],
                f[10],
                f[11],
                pop,
                origin,
            )


def _load_geonames(conn: sqlite3.Connection, src_dir: Path, countries: frozenset[str]) -> int:
    rows = list(_geonames_rows(_find(src_dir, "cities500.txt"), countries, "cities500"))
    conn.executemany("INSERT OR REPLACE INTO geonames VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    for fname, level in (("admin1CodesASCII.txt", 1), ("admin2Codes.txt", 2)):
        with _open_text(_find(src_dir, fname)) as fh:
            adm = []
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) >= 4 and f[0].split(".")[0] in countries:
                    adm.append((f[0], level, f[1], f[2], int(f[3]) if f[3].isdigit() else None))
        conn.executemany("INSERT OR REPLACE INTO geonames_admin VALUES (?,?,?,?,?)", adm)
    return len(rows)


def _load_iom(conn: sqlite3.Connection, src_dir: Path, exclude: frozenset[str]) -> tuple[int, int]:
    gpkg = _find(src_dir, "iom_displacement_return_locations_validated.gpkg")
    src = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
    try:
        rows = []
        for r in src.execute(
            "SELECT location_pcode, fid, hot_id, hot_name, hot_name_en, hot_name_latin, location_name,"
            " hot_place, adm1_pcode, adm1_name, adm2_pcode, adm2_name, adm3_pcode, adm3_name, geom,"
            " similarity_score FROM validated_locations"
        ):
            pcode = r[0]
            if not pcode or f"iom:{pcode}" in exclude:
                continue
            pt = gpkg_point(r[14])
            if pt is None:
                continue
            rows.append((*r[:14], pt[1], pt[0], r[15]))
    finally:
        src.close()
    conn.executemany("INSERT OR REPLACE INTO iom_osm VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    audit = []
    with _open_text(_find(src_dir, "iom_hotosm_location_matching_audit.csv")) as fh:
        for d in csv.DictReader(fh):
            pcode = d["location_pcode"].strip()
            if not pcode or f"iom:{pcode}" in exclude:
                continue
            audit.append((
                pcode, d["location_name"], d["adm1_name"], d["adm2_name"], d["adm3_name"], d["adm3_pcode"],
                d.get("matching_decision"),
            ))  # fmt: skip
    conn.executemany("INSERT OR REPLACE INTO iom_audit VALUES (?,?,?,?,?,?,?)", audit)
    return len(rows), len(audit)


def _load_ocha(conn: sqlite3.Connection, src_dir: Path) -> int:
    with _open_text(_find(src_dir, "syr_admin1.geojson")) as fh:
        data = json.load(fh)
    rows = []
    for feat in data["features"]:
        p = feat["properties"]
        geom = feat["geometry"]
        alt = sorted({x for x in (p.get("province_name"), p.get("adm1_ref_name"), p.get("Name")) if x})
        rows.append((
            p["ADM1_PCODE"], p["ADM1_EN"], p.get("ADM1_AR") or p.get("adm1_name1"), "|".join(alt),
            p.get("center_lat"), p.get("center_lon"), p.get("area_sqkm"), p.get("valid_on"), p.get("version"),
            json.dumps(_round_geometry(geom), separators=(",", ":")),
        ))  # fmt: skip
    conn.executemany("INSERT OR REPLACE INTO ocha_adm1 VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def _round_geometry(geom: dict, digits: int = 4) -> dict:
    """Coordinates rounded to ``digits`` decimals (4 = about 11 m), consecutive repeats dropped."""

    def ring(r: list) -> list:
        out: list[list[float]] = []
        for x, y in r:
            pt = [round(x, digits), round(y, digits)]
            if not out or out[-1] != pt:
                out.append(pt)
        return out

    if geom["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geom["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in geom["coordinates"]]}


_WIKI_FILES = (
    ("syria_map_marks.csv", "sy"),
    ("iraq_map_marks.csv", "iq"),
    ("syria_iraq_border_marks.csv", "syiq"),
)


def _load_wikipedia(conn: sqlite3.Connection, src_dir: Path, exclude: frozenset[str]) -> int:
    n = 0
    for fname, tag in _WIKI_FILES:
        rows = []
        with _open_text(_find(src_dir, fname)) as fh:
            for i, d in enumerate(csv.DictReader(fh), start=1):
                wid = f"wp:{tag}:{i}"
                if wid in exclude:
                    continue
                try:
                    lat, lon = float(d["lat"]), float(d["lon"].strip())
                except ValueError:
                    continue
                size = d.get("marksize") or ""
                rows.append((
                    wid, i, lat, lon, d["mark"], d["controller"], d["symbol"],
                    float(size) if size.replace(".", "", 1).isdigit() else None, d["label"].strip(),
                    d["link_target"], int(d.get("commented_out") or 0), d.get("flags") or "",
                ))  # fmt: skip
        conn.executemany("INSERT OR REPLACE INTO wikipedia_marks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        n += len(rows)
    return n


# --------------------------------------------------------------------------------------------
# Merging


@dataclass
class _Rec:
    sid: str
    source: str
    lat: float
    lon: float
    names_ar: list[str]
    names_en: list[str]
    feature: str
    country: str | None = None
    pcode: str | None = None
    geonames_id: int | None = None
    pos_rank: int = 2
    population: int = 0
    adm: dict[str, str] = field(default_factory=dict)
    merge_radius: float = 3.0


@dataclass
class _Place:
    recs: list[_Rec]
    lat: float
    lon: float
    ar_keys: set[str] = field(default_factory=set)
    en_keys: set[str] = field(default_factory=set)
    country: str | None = None
    adm1: str | None = None
    sy23: tuple[str, str] | None = None
    gn: dict[str, str] = field(default_factory=dict)

    @property
    def first(self) -> _Rec:
        return self.recs[0]


def _gn_feature(fcode: str, fclass: str, pop: int) -> str | None:
    if fclass == "P":
        if fcode in ("PPLC", "PPLA", "PPLG") or pop >= 100_000:
            return "city"
        if fcode in ("PPLA2", "PPLA3") or pop >= 10_000:
            return "town"
        if fcode in ("PPLH", "PPLW", "PPLQ", "PPLCH"):
            return None
        return "village"
    landmark_codes = {
        "T": {"HLL", "HLLS", "MT", "MTS", "PK", "PKS", "RDGE", "PASS", "MND"},
        "S": {"AIRP", "AIRB", "AIRF", "AIRH", "DAM", "MILB", "INSM", "CSTL", "CMP", "CMPRF", "BDG", "FT", "RUIN",
              "OILR", "OILP", "OILF", "PS", "PRN", "BRKS", "PSTB", "CTRF", "STDM", "HSP", "UNIV", "MSQE",
              "SHRN", "TMB", "FCL", "PO", "MKT", "PRT", "RSTN", "BCN", "ANS"},
        "H": {"DAM", "DAMSB", "LK", "RSV", "WAD"},
    }  # fmt: skip
    if fcode in landmark_codes.get(fclass, ()):
        return "landmark"
    return None


def _add_en(names: list[str], value: str | None) -> None:
    if not value:
        return
    value = value.strip()
    m = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*", value)
    parts = [value]
    if m:
        parts = [m.group(1)]
        if not m.group(2).replace(".", "").isdigit():
            parts.append(m.group(2))
    for part in parts:
        part = part.strip(" -")
        if part and part not in names and _is_latin(part):
            names.append(part)


def _add_ar(names: list[str], value: str | None) -> None:
    if value and is_arabic(value):
        value = value.strip()
        if value not in names:
            names.append(value)


def _records(conn: sqlite3.Connection) -> list[_Rec]:
    recs: list[_Rec] = []
    for gid, name, asc, alts, lat, lon, fclass, fcode, cc, a1, a2, pop, origin in conn.execute(
        "SELECT * FROM geonames ORDER BY geonameid"
    ):
        feature = _gn_feature(fcode, fclass, pop or 0)
        if feature is None:
            continue
        ar: list[str] = []
        en: list[str] = []
        _add_en(en, name)
        _add_en(en, asc)
        en_keys = {latin_key(n) for n in en}
        for a in (alts or "").split(","):
            if is_arabic(a):
                _add_ar(ar, a)
            elif len(en_keys) < 6 and latin_key(a) not in en_keys:
                _add_en(en, a)
                en_keys.add(latin_key(a))
        adm = {
            "gn1": f"{cc}.{a1}" if a1 else "",
            "gn2": f"{cc}.{a1}.{a2}" if a1 and a2 else "",
            "fcode": fcode,
            "origin": origin,
        }
        radius = 8.0 if feature == "city" else 4.0 if feature == "town" else 3.0
        recs.append(
            _Rec(f"gn:{gid}", "geonames", lat, lon, ar, en, feature, cc, None, gid, 2, pop or 0, adm, radius)
        )
    for row in conn.execute("SELECT * FROM ocha_pplp ORDER BY pcode"):
        pcode, n_ar, n_en, p1, e1, _a1, p2, e2, _a2, p3, e3, _a3, lat, lon, cc = row
        ar, en = [], []
        _add_ar(ar, n_ar)
        _add_en(en, n_en)
        adm = {"p1": p1 or "", "e1": e1 or "", "p2": p2 or "", "e2": e2 or "", "p3": p3 or "", "e3": e3 or ""}
        recs.append(
            _Rec(
                f"pplp:{pcode}", "ocha_pplp", lat, lon, ar, en, "village", cc or "SY", pcode, None, 1, 0, adm
            )
        )
    for row in conn.execute("SELECT * FROM iom_osm ORDER BY pcode"):
        pcode, _fid, _osm, n_ar, n_en, n_lat, loc, place, p1, e1, p2, e2, p3, e3, lat, lon, _sim = row
        ar, en = [], []
        _add_ar(ar, n_ar)
        for v in (loc, n_en, n_lat, n_ar):
            _add_en(en, v)
        feature = {"city": "city", "town": "town"}.get(place or "", "village")
        adm = {"p1": p1 or "", "e1": e1 or "", "p2": p2 or "", "e2": e2 or "", "p3": p3 or "", "e3": e3 or ""}
        recs.append(_Rec(f"iom:{pcode}", "iom_osm", lat, lon, ar, en, feature, "SY", pcode, None, 1, 0, adm))
    for osm_id, name, n_ar, n_en, place, lat, lon in conn.execute("SELECT * FROM osm_places ORDER BY osm_id"):
        ar, en = [], []
        _add_ar(ar, n_ar)
        _add_ar(ar, name)
        _add_en(en, n_en)
        _add_en(en, name)
        feature = {"city": "city", "town": "town"}.get(place or "", "village")
        recs.append(_Rec(f"osm:{osm_id}", "osm_places", lat, lon, ar, en, feature, None, None, None, 1))
    for wid, _r, lat, lon, _m, _c, symbol, size, label, target, _co, flags in conn.execute(
        "SELECT * FROM wikipedia_marks ORDER BY rowid"
    ):
        if not label or "invalid_coordinate" in (flags or "") or symbol in (
            "inset_map", "overlay", "hidden_link_dot", "rural_presence",
        ):  # fmt: skip
            continue
        en: list[str] = []
        _add_en(en, label)
        if target and not target.startswith("#"):
            t = re.sub(r",_(Syria|Iraq|Lebanon|Turkey)$", "", target.split("#")[0]).replace("_", " ")
            if latin_key(t) and latin_similarity(latin_key(t), latin_key(label)) >= 80:
                _add_en(en, t)
        if not en:
            continue
        if symbol == "dot":
            feature = "city" if (size or 0) >= 14 else "town" if (size or 0) >= 8 else "village"
        else:
            feature = "landmark"
        recs.append(_Rec(wid, "wikipedia_marks", lat, lon, [], en, feature, None, None, None, 3))
    return recs


class _Grid:
    def __init__(self, cell: float = 0.05) -> None:
        self.CELL = cell
        self.cells: dict[tuple[int, int], list] = defaultdict(list)

    def key(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.CELL), math.floor(lon / self.CELL)

    def add(self, lat: float, lon: float, item: object) -> None:
        self.cells[self.key(lat, lon)].append(item)

    def near(self, lat: float, lon: float, km: float) -> Iterator:
        r = math.ceil(km / (111.0 * self.CELL * max(0.2, math.cos(math.radians(lat)))))
        ci, cj = self.key(lat, lon)
        for di in range(-r, r + 1):
            for dj in range(-r, r + 1):
                yield from self.cells.get((ci + di, cj + dj), ())


def _rec_keys(rec: _Rec) -> tuple[set[str], set[str]]:
    ar = set()
    for n in rec.names_ar:
        k = bare(n)
        if k:
            ar.add(k)
            ar.add(k.replace(" ", ""))
    en = {k for k in (latin_key(n) for n in rec.names_en) if k}
    return ar, en


def _compatible(place: _Place, ar: set[str], en: set[str], rec: _Rec) -> float:
    """Name compatibility (0-100) of a record with a place."""
    if ar and place.ar_keys and ar & place.ar_keys:
        return 100.0
    best = 0.0
    for a in en:
        for b in place.en_keys:
            best = max(best, latin_similarity(a, b))
    if best < 85 and (ar and not place.ar_keys and place.en_keys):
        for n in rec.names_ar:
            for a in romanized_keys(n):
                for b in place.en_keys:
                    best = max(best, latin_similarity(a, b) - 5)
    if best < 85 and (place.ar_keys and not ar and en):
        for pr in place.recs:
            for n in pr.names_ar:
                for a in romanized_keys(n):
                    for b in en:
                        best = max(best, latin_similarity(a, b) - 5)
    return best


_PRIORITY = {"geonames": 0, "ocha_pplp": 1, "iom_osm": 2, "osm_places": 3, "wikipedia_marks": 4}
#: Sources whose distinct records are distinct places (never merged with one another).
_DISTINCT = frozenset({"geonames", "iom_osm", "ocha_pplp", "osm_places"})


def _cluster(recs: list[_Rec]) -> tuple[list[_Place], int]:
    places: list[_Place] = []
    grid = _Grid()
    by_pcode: dict[str, _Place] = {}
    merged = 0
    for rec in sorted(recs, key=lambda r: (_PRIORITY[r.source], r.sid)):
        ar, en = _rec_keys(rec)
        target: _Place | None = None
        if rec.pcode and rec.pcode in by_pcode:
            target = by_pcode[rec.pcode]
        else:
            best = (0.0, 0.0)
            for pl in grid.near(rec.lat, rec.lon, 8.0):
                if rec.source in _DISTINCT and any(r.source == rec.source for r in pl.recs):
                    continue
                if rec.pcode and pl.first.pcode and pl.first.pcode != rec.pcode:
                    continue
                d = approx_km(rec.lat, rec.lon, pl.lat, pl.lon)
                radius = max(rec.merge_radius, pl.first.merge_radius)
                if rec.source == pl.first.source == "wikipedia_marks":
                    radius = 1.5
                if d > radius:
                    continue
                score = _compatible(pl, ar, en, rec)
                need = 80.0 if d <= 3.0 else 90.0
                if score >= need and (score - 10 * d, -d) > best:
                    best = (score - 10 * d, -d)
                    target = pl
        if target is None:
            target = _Place([rec], rec.lat, rec.lon)
            places.append(target)
            grid.add(rec.lat, rec.lon, target)
        else:
            target.recs.append(rec)
            merged += 1
            if rec.pos_rank < min(r.pos_rank for r in target.recs[:-1]):
                target.lat, target.lon = rec.lat, rec.lon
        target.ar_keys |= ar
        target.en_keys |= en
        if rec.pcode:
            by_pcode.setdefault(rec.pcode, target)
    return places, merged


def _norm_en(s: str) -> str:
    return re.sub(r"[^a-z]", "", _ascii(s).lower())


def _rebuild(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """Recompute ``place``, ``place_source`` and ``name`` from the source tables.

    Ids are kept across rebuilds: a place keeps the id it had when one of its source records
    was already part of that place (so imports never rename places).
    """
    previous = dict(conn.execute("SELECT source_id, place_id FROM place_source"))
    conn.execute("DELETE FROM place")
    conn.execute("DELETE FROM place_source")
    conn.execute("DELETE FROM name")

    # --- admin-1 references
    ocha = {
        r[0]: r
        for r in conn.execute(
            "SELECT pcode, name_en, name_ar, alt_en, center_lat, center_lon, geometry FROM ocha_adm1"
        )
    }
    polys = PolygonIndex((p, json.loads(r[6])) for p, r in ocha.items()) if ocha else None
    ocha_by_en = {_norm_en(r[1]): p for p, r in ocha.items()}
    for p, r in ocha.items():
        for alt in (r[3] or "").split("|"):
            if alt:
                ocha_by_en.setdefault(_norm_en(alt), p)
    gn_admin = {
        code: (level, name, asc, gid)
        for code, level, name, asc, gid in conn.execute("SELECT * FROM geonames_admin")
    }

    recs = _records(conn)
    places, merged = _cluster(recs)

    # --- country and Syrian governorate of every place
    gn_points = [(pl.lat, pl.lon, pl) for pl in places if any(r.source == "geonames" for r in pl.recs)]
    gn_grid = _Grid(0.5)
    for lat, lon, pl in gn_points:
        gn_grid.add(lat, lon, pl)

    def nearest_gn(lat: float, lon: float, km: float, country: str | None = None) -> _Place | None:
        best, bd = None, km
        for pl in gn_grid.near(lat, lon, km):
            if country and pl.country != country:
                continue
            d = approx_km(lat, lon, pl.lat, pl.lon)
            if d < bd:
                best, bd = pl, d
        return best

    for pl in places:
        cc = next((r.country for r in pl.recs if r.country), None)
        adm1 = next((r.adm["p1"] for r in pl.recs if r.adm.get("p1")), None)
        if polys is not None and (cc in (None, "SY")):
            hit = polys.locate(pl.lat, pl.lon)
            if hit:
                cc, adm1 = "SY", adm1 or hit
        if cc is None:
            near = nearest_gn(pl.lat, pl.lon, 60.0)
            cc = next((r.country for r in near.recs if r.country), None) if near else None
        pl.country = cc
        pl.adm1 = adm1 if cc == "SY" else None

    # --- Syrian districts / sub-districts: from IOM / PPLP P-codes, else the nearest placed community
    sy_adm: dict[str, str] = {}  # pcode -> English name
    iom_pts = _Grid()
    for pl in places:
        for r in pl.recs:
            if r.adm.get("p3"):
                sy_adm[r.adm["p2"]] = r.adm["e2"]
                sy_adm[r.adm["p3"]] = r.adm["e3"]
                iom_pts.add(pl.lat, pl.lon, (pl, r.adm["p1"], r.adm["p2"], r.adm["p3"]))
                break
    for p2e, p3, p3e in conn.execute("SELECT adm2_en, adm3_pcode, adm3_en FROM iom_audit"):
        if p3:
            sy_adm.setdefault(p3, p3e)
            sy_adm.setdefault(p3[:6], p2e)
    for pl in places:
        pl.sy23 = None
        if pl.country != "SY":
            continue
        own = next((r.adm for r in pl.recs if r.adm.get("p3")), None)
        if own:
            pl.sy23 = (own["p2"], own["p3"])
            pl.adm1 = own["p1"] or pl.adm1
            continue
        best, bd = None, 10.0
        for other, p1, p2, p3 in iom_pts.near(pl.lat, pl.lon, 10.0):
            if p1 != pl.adm1:
                continue
            d = approx_km(pl.lat, pl.lon, other.lat, other.lon)
            if d < bd:
                best, bd = (p2, p3), d
        pl.sy23 = best

    # --- IOM community list rows without coordinates: attach to a compatible point when unambiguous
    placed_pcodes = {r.pcode for pl in places for r in pl.recs if r.pcode}
    sub_members: dict[str, list[_Place]] = defaultdict(list)
    for pl in places:
        if pl.sy23:
            sub_members[pl.sy23[1]].append(pl)
    unplaced = 0
    cand_keys: dict[str, list[str]] = defaultdict(list)
    cand_places: dict[str, list[_Place]] = defaultdict(list)
    for pl in places:
        if pl.country == "SY" and pl.adm1 and not any(r.pcode for r in pl.recs):
            for k in pl.en_keys:
                cand_keys[pl.adm1].append(_split_quals(k)[0])
                cand_places[pl.adm1].append(pl)
    sub_info: dict[str, tuple[float, float, float]] = {}
    for p3, members in sub_members.items():
        clat = sum(m.lat for m in members) / len(members)
        clon = sum(m.lon for m in members) / len(members)
        sub_info[p3] = (clat, clon, max(approx_km(clat, clon, m.lat, m.lon) for m in members))
    taken: set[int] = set()
    for pcode, name_en, a1, a2, a3, p3 in conn.execute(
        "SELECT pcode, name_en, adm1_en, adm2_en, adm3_en, adm3_pcode FROM iom_audit ORDER BY pcode"
    ):
        if pcode in placed_pcodes:
            continue
        p1 = ocha_by_en.get(_norm_en(a1 or ""))
        key = latin_key(name_en or "")
        if not key or not p1 or (p3 or "") not in sub_info:
            unplaced += 1
            continue
        clat, clon, spread = sub_info[p3]
        best_of: dict[int, tuple[float, _Place]] = {}
        for _k, _score, j in process.extract(
            _split_quals(key)[0], cand_keys.get(p1, []), scorer=fuzz.ratio, score_cutoff=78, limit=None
        ):
            pl = cand_places[p1][j]
            if id(pl) in taken or approx_km(clat, clon, pl.lat, pl.lon) > spread + 12.0:
                continue
            s = max((latin_similarity(key, k) for k in pl.en_keys), default=0.0)
            if s >= 85 and s > best_of.get(id(pl), (0.0, pl))[0]:
                best_of[id(pl)] = (s, pl)
        scored = list(best_of.values())
        scored.sort(key=lambda t: -t[0])
        if not scored or (len(scored) > 1 and scored[1][0] >= scored[0][0] - 5):
            unplaced += 1
            continue
        pl = scored[0][1]
        en: list[str] = []
        _add_en(en, name_en)
        rec = _Rec(f"iom:{pcode}", "iom_audit", pl.lat, pl.lon, [], en, pl.first.feature, "SY", pcode, None, 9,
                   adm={"p1": p1, "e1": a1, "p2": p3[:6], "e2": a2, "p3": p3, "e3": a3})  # fmt: skip
        pl.recs.append(rec)
        pl.en_keys.add(key)
        pl.sy23 = (p3[:6], p3)
        taken.add(id(pl))
        merged += 1

    # --- admin units as places
    admin_rows: list[dict] = []
    admin_of: dict[int, list[str]] = {}  # id(place) -> admin ids

    def seat_ar(members: list[_Place], name: str) -> list[str]:
        key = latin_key(re.sub(r"(?i)\b(district|qadha|qada|qa[dḑ]a[’']?|nahiyat|markaz)\b", " ", name))
        best: tuple[float, int, list[str]] = (0.0, 0, [])
        for m in members:
            ar = [n for r in sorted(m.recs, key=lambda r: r.pos_rank) for n in r.names_ar]
            if not ar:
                continue
            s = max((latin_similarity(key, k) for k in m.en_keys), default=0.0)
            rank = _SETTLEMENT_RANK.get(_feature(m), 0)
            if s >= 85 and (s, rank) > best[:2]:
                best = (s, rank, ar)
        return sorted(dict.fromkeys(best[2]), key=_non_arabic_letters)

    sy_members: dict[str, list[_Place]] = defaultdict(list)
    for pl in places:
        if pl.country == "SY" and pl.adm1:
            sy_members[pl.adm1].append(pl)
            if pl.sy23:
                sy_members[pl.sy23[0]].append(pl)
                sy_members[pl.sy23[1]].append(pl)
    for p, (pcode, name_en, name_ar, alt_en, clat, clon, _g) in sorted(ocha.items()):
        en = [name_en] + [a for a in (alt_en or "").split("|") if a and a != name_en]
        admin_rows.append({"id": f"ocha:{p}", "ar": [name_ar] if name_ar else [], "en": en, "lat": clat, "lon": clon,
                           "feature": "governorate", "parents": [], "country": "SY", "pcode": p, "gid": None,
                           "source": "ocha_adm1"})  # fmt: skip
    ocha_ar = {p: r[2] for p, r in ocha.items()}
    pplp_ar: dict[str, str] = {}  # Arabic names of districts / sub-districts given by COD-PP rows
    for p2, a2, e2, p3, a3, e3 in conn.execute(
        "SELECT adm2_pcode, adm2_ar, adm2_en, adm3_pcode, adm3_ar, adm3_en FROM ocha_pplp ORDER BY pcode"
    ):
        for code, ar, en in ((p2, a2, e2), (p3, a3, e3)):
            if code and ar:
                pplp_ar.setdefault(code, ar)
                if en:
                    sy_adm.setdefault(code, en)
    for code in sorted(k for k in sy_adm if len(k) in (6, 8) and k[:4] in ocha):
        members = [
            m for m in sy_members.get(code, []) if any(r.source in ("iom_osm", "ocha_pplp") for r in m.recs)
        ]
        members = members or sy_members.get(code, [])
        if not members:
            continue
        lat = sum(m.lat for m in members) / len(members)
        lon = sum(m.lon for m in members) / len(members)
        name = sy_adm[code]
        parents = [f"ocha:{code[:4]}"] + ([f"ocha:{code[:6]}"] if len(code) == 8 else [])
        ar = [pplp_ar[code]] if code in pplp_ar else seat_ar(sy_members.get(code, []), name)
        admin_rows.append({"id": f"ocha:{code}", "ar": ar, "en": [name],
                           "lat": lat, "lon": lon, "feature": "district", "parents": parents, "country": "SY",
                           "pcode": code, "gid": None, "source": "iom_audit"})  # fmt: skip
    # GeoNames admin units outside Syria: governorates with hand-made Arabic names, districts (IQ)
    gn_members: dict[str, list[_Place]] = defaultdict(list)
    for pl in places:
        g = next((r.adm for r in pl.recs if r.adm.get("gn1")), None)
        if g is None and pl.country and pl.country != "SY":
            near = nearest_gn(pl.lat, pl.lon, 100.0, pl.country)
            g = next((r.adm for r in near.recs if r.adm.get("gn1")), None) if near else None
        pl.gn = g or {}
        if g and pl.country != "SY":
            gn_members[g["gn1"]].append(pl)
            if g.get("gn2") and g["gn2"].startswith("IQ."):
                gn_members[g["gn2"]].append(pl)
    for code in sorted(gn_members):
        if code not in gn_admin:
            continue
        level, name, asc, gid = gn_admin[code]
        members = gn_members[code]
        if level == 1 and code not in ADMIN1_AR:
            continue
        lat = sum(m.lat for m in members) / len(members)
        lon = sum(m.lon for m in members) / len(members)
        if level == 1:
            ar = list(ADMIN1_AR[code])
            parents: list[str] = []
            feature = "governorate"
            seats = [m for m in members if any(r.adm.get("fcode") in ("PPLA", "PPLC") and r.adm.get("gn1") == code
                                               for r in m.recs)]  # fmt: skip
            if seats:
                lat, lon = seats[0].lat, seats[0].lon
        else:
            ar = seat_ar(members, asc or name)
            parents = [f"gn-adm1:{code.rsplit('.', 1)[0]}"] if code.rsplit(".", 1)[0] in ADMIN1_AR else []
            feature = "district"
            seat = [m for m in members if ar and set(ar) & {n for r in m.recs for n in r.names_ar}]
            if seat:
                lat, lon = seat[0].lat, seat[0].lon
        en = list(dict.fromkeys(x for x in (name, asc) if x))
        admin_rows.append({"id": f"gn-adm{level}:{code}", "ar": ar, "en": en, "lat": lat, "lon": lon,
                           "feature": feature, "parents": parents, "country": code[:2], "pcode": None, "gid": gid,
                           "source": "geonames" if level == 2 else "raqib_tables"})  # fmt: skip
    countries = {pl.country for pl in places if pl.country}
    for cc in sorted(countries & set(COUNTRIES)):
        ar, en, lat, lon = COUNTRIES[cc]
        admin_rows.append({"id": f"country:{cc}", "ar": list(ar), "en": [en], "lat": lat, "lon": lon,
                           "feature": "country", "parents": [], "country": cc, "pcode": None, "gid": None,
                           "source": "raqib_tables"})  # fmt: skip

    admin_by_id = {a["id"]: a for a in admin_rows}

    def names_of(aid: str | None) -> tuple[str, str]:
        a = admin_by_id.get(aid or "")
        if not a:
            return "", ""
        return (a["ar"][0] if a["ar"] else ""), (a["en"][0] if a["en"] else "")

    for pl in places:
        ids: list[str] = []
        if pl.country == "SY":
            if pl.adm1:
                ids.append(f"ocha:{pl.adm1}")
                if pl.sy23 and pl.sy23[0][:4] == pl.adm1:
                    ids += [f"ocha:{c}" for c in pl.sy23]
        elif pl.gn:
            if f"gn-adm1:{pl.gn['gn1']}" in admin_by_id:
                ids.append(f"gn-adm1:{pl.gn['gn1']}")
            if f"gn-adm2:{pl.gn.get('gn2')}" in admin_by_id:
                ids.append(f"gn-adm2:{pl.gn['gn2']}")
        admin_of[id(pl)] = [i for i in ids if i in admin_by_id]
    # names for admin units: governorate Arabic from OCHA
    for a in admin_rows:
        if a["id"].startswith("ocha:") and not a["ar"] and len(a["pcode"]) == 4:
            a["ar"] = [ocha_ar.get(a["pcode"])] if ocha_ar.get(a["pcode"]) else []

    # --- governorates within a few km of Syrian points near a boundary
    near_ids: dict[int, str] = {}
    if polys is not None:
        for pl in places:
            if pl.country != "SY" or not pl.adm1:
                continue
            other = set()
            for dlat, dlon in ((0.06, 0.0), (-0.06, 0.0), (0.0, 0.075), (0.0, -0.075)):
                hit = polys.locate(pl.lat + dlat, pl.lon + dlon)
                if hit and hit != pl.adm1:
                    other.add(f"ocha:{hit}")
            if other:
                near_ids[id(pl)] = "|".join(sorted(other))

    # --- write
    place_rows, src_rows, name_rows = [], [], []
    used_ids: set[str] = {a["id"] for a in admin_rows}
    for pl in places:
        ids = admin_of[id(pl)]
        recs_sorted = sorted(pl.recs, key=_id_priority)
        old_ids = sorted({previous[r.sid] for r in recs_sorted if r.sid in previous} - used_ids)
        pid = old_ids[0] if old_ids else recs_sorted[0].sid
        if pid in used_ids:
            pid = next((r.sid for r in recs_sorted if r.sid not in used_ids), f"{pid}#{len(used_ids)}")
        used_ids.add(pid)
        ar_names = list(
            dict.fromkeys(n for r in sorted(recs_sorted, key=lambda r: r.pos_rank) for n in r.names_ar)
        )
        # Arabic spellings before Persian/Kurdish ones; among GeoNames' Arabic alternates the one
        # whose romanisation is closest to the English name (القامشلي for Al Qāmishlī, not القامشلو)
        en_key = latin_key(_en_order_first(recs_sorted))
        ar_names.sort(key=lambda n: (_non_arabic_letters(n), -_romanised_fit(n, en_key)))
        en_order = sorted(
            recs_sorted, key=lambda r: {"geonames": 0, "iom_osm": 1, "ocha_pplp": 1}.get(r.source, 2)
        )
        en_names = list(dict.fromkeys(n for r in en_order for n in r.names_en))
        feature = _feature(pl)
        pop = max(r.population for r in recs_sorted)
        rank = (
            _SETTLEMENT_RANK.get(feature, 0) * 2
            + min(len(recs_sorted), 4)
            + (math.log10(pop) if pop > 1 else 0)
        )
        pcode = next((r.pcode for r in recs_sorted if r.pcode), None)
        gid = next((r.geonames_id for r in recs_sorted if r.geonames_id), None)
        place_rows.append((
            pid, ar_names[0] if ar_names else None, en_names[0] if en_names else None, round(pl.lat, 6),
            round(pl.lon, 6), feature, "|".join(ids), "|".join(names_of(i)[0] for i in ids),
            "|".join(names_of(i)[1] for i in ids), pl.country, pcode, gid, round(rank, 3), near_ids.get(id(pl)),
        ))  # fmt: skip
        for r in recs_sorted:
            src_rows.append((pid, r.sid, r.source))
            for n in r.names_ar:
                name_rows.append((pid, n, bare(n), "ar", r.source))
            for n in r.names_en:
                name_rows.append((pid, n, latin_key(n), "en", r.source))
    for a in admin_rows:
        ids = a["parents"]
        place_rows.append((
            a["id"], a["ar"][0] if a["ar"] else None, a["en"][0] if a["en"] else None, round(a["lat"], 6),
            round(a["lon"], 6), a["feature"], "|".join(ids), "|".join(names_of(i)[0] for i in ids),
            "|".join(names_of(i)[1] for i in ids), a["country"], a["pcode"], a["gid"],
            {"country": 12, "governorate": 9, "district": 5}[a["feature"]], None,
        ))  # fmt: skip
        src_rows.append((a["id"], a["id"], a["source"]))
        for n in a["ar"]:
            name_rows.append((a["id"], n, bare(n), "ar", a["source"]))
        for n in a["en"]:
            name_rows.append((a["id"], n, latin_key(n), "en", a["source"]))
    # de-duplicate names per place (same name from several sources: keep the first source)
    seen: set[tuple[str, str, str]] = set()
    uniq = []
    for row in name_rows:
        k = (row[0], row[1], row[3])
        if k not in seen:
            seen.add(k)
            uniq.append(row)
    conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    conn.executemany("INSERT INTO place_source VALUES (?,?,?)", src_rows)
    conn.executemany("INSERT INTO name VALUES (?,?,?,?,?)", uniq)
    return len(place_rows), merged, unplaced


def _id_priority(r: _Rec) -> tuple[int, str]:
    order = {
        "geonames": 0,
        "iom_osm": 1,
        "wikipedia_marks": 2,
        "iom_audit": 3,
        "ocha_pplp": 5,
        "osm_places": 6,
    }
    return order.get(r.source, 9), r.sid


def _feature(pl: _Place) -> str:
    feats = [r.feature for r in pl.recs]
    if any(r.source == "geonames" and r.feature == "city" for r in pl.recs):
        return "city"
    settled = [f for f in feats if f != "landmark"]
    if not settled:
        return "landmark"
    return max(settled, key=lambda f: _SETTLEMENT_RANK[f])


def _write_sources(conn: sqlite3.Connection, counts: Mapping[str, int]) -> None:
    for src, info in {**_SOURCES, **_IMPORT_SOURCES}.items():
        if src in counts or src in _SOURCES:
            conn.execute(
                "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?)",
                (src, info["title"], info.get("files", ""), info["licence"], info["attribution"], info["url"],
                 counts.get(src)),
            )  # fmt: skip


def _finish(conn: sqlite3.Connection) -> None:
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.execute("VACUUM")


def build_index(
    src_dir: Path,
    out_path: Path,
    countries: Iterable[str] | None = None,
    *,
    exclude: Iterable[str] = (),
) -> BuildReport:
    """Merge the raw sources under ``src_dir`` (layout of ``data/gazetteer/``) into ``out_path``.

    ``countries`` limits GeoNames to those ISO codes (default ``DEFAULT_COUNTRIES``).
    ``exclude`` drops source ids before merging ("iom:C6803" drops that community from both IOM
    files, "wp:sy:12" a map mark): used by tests that hold places out of the index.
    The build is deterministic: the same sources give a byte-identical file.
    """
    t0 = time.perf_counter()
    src_dir, out_path = Path(src_dir), Path(out_path)
    keep = frozenset(c.upper() for c in (countries or DEFAULT_COUNTRIES))
    ex = frozenset(exclude)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(_SCHEMA)
        counts = {"geonames": _load_geonames(conn, src_dir, keep)}
        counts["iom_osm"], counts["iom_audit"] = _load_iom(conn, src_dir, ex)
        counts["ocha_adm1"] = _load_ocha(conn, src_dir)
        counts["wikipedia_marks"] = _load_wikipedia(conn, src_dir, ex)
        counts["raqib_tables"] = len(ADMIN1_AR) + len(COUNTRIES)
        _write_sources(conn, counts)
        conn.executemany(
            "INSERT INTO meta VALUES (?,?)",
            [
                ("schema_version", SCHEMA_VERSION),
                ("latin_key_version", LATIN_KEY_VERSION),
                ("normalizer", normalizer_fingerprint()),
                ("countries", ",".join(sorted(keep))),
                ("excluded", str(len(ex))),
            ],
        )
        places, merged, unplaced = _rebuild(conn)
        conn.executescript(_INDEXES)
        names = conn.execute("SELECT count(*) FROM name").fetchone()[0]
        _finish(conn)
    finally:
        conn.close()
    os.replace(tmp, out_path)
    return BuildReport(
        out_path, places, names, counts, merged, unplaced, time.perf_counter() - t0, tuple(sorted(keep))
    )


# --------------------------------------------------------------------------------------------
# Importers of full sources


def _count_source(conn: sqlite3.Connection, source: str, rows: int) -> dict[str, int]:
    counts = {s: n for s, n in conn.execute("SELECT source, rows FROM sources") if n is not None}
    if source:
        counts[source] = counts.get(source, 0) + rows
    _write_sources(conn, counts)
    return counts


def _after_import(index_path: Path, source: str, rows: int, rebuild: bool) -> BuildReport | None:
    if rebuild:
        return _reindex(index_path, source, rows)
    conn = sqlite3.connect(index_path)
    try:
        _count_source(conn, source, rows)
        conn.commit()
    finally:
        conn.close()
    return None


def _reindex(index_path: Path, source: str, rows: int) -> BuildReport:
    t0 = time.perf_counter()
    conn = sqlite3.connect(index_path)
    try:
        counts = _count_source(conn, source, rows)
        places, merged, unplaced = _rebuild(conn)
        names = conn.execute("SELECT count(*) FROM name").fetchone()[0]
        countries = conn.execute("SELECT value FROM meta WHERE key='countries'").fetchone()
        _finish(conn)
    finally:
        conn.close()
    cc = tuple(countries[0].split(",")) if countries and countries[0] else ()
    return BuildReport(
        Path(index_path), places, names, counts, merged, unplaced, time.perf_counter() - t0, cc
    )


def _check_index(index_path: Path) -> None:
    if not Path(index_path).exists():
        raise DataFileError(
            str(index_path), "gazetteer index not found; build it first (raqib gazetteer build)"
        )


def rebuild_index(index_path: Path) -> BuildReport:
    """Recompute the merged tables of an index from its source tables (after imports made with
    ``rebuild=False``)."""
    _check_index(index_path)
    return _reindex(Path(index_path), "", 0)


def import_geonames_dump(index_path: Path, dump_path: Path, *, rebuild: bool = True) -> BuildReport | None:
    """Add a GeoNames ``geoname``-table dump (``SY.txt``, ``SY.zip``, ``allCountries.zip`` ...).

    Rows of the countries the index was built for are kept: populated places (class P) and
    landmarks (hills, airports, dams, bases ...); existing GeoNames ids are replaced.
    """
    _check_index(index_path)
    conn = sqlite3.connect(index_path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='countries'").fetchone()
        keep = frozenset((row[0] if row else ",".join(DEFAULT_COUNTRIES)).split(","))
        rows = [
            r for r in _geonames_rows(Path(dump_path), keep, Path(dump_path).name)
            if _gn_feature(r[7], r[6], r[11]) is not None
        ]  # fmt: skip
        if not rows and Path(dump_path).stat().st_size > 0:
            with _open_text(Path(dump_path)) as fh:
                first = fh.readline()
            if len(first.split("\t")) < 19:
                raise DataFileError(str(dump_path), "not a GeoNames geoname table (19 tab-separated columns)")
        conn.executemany("INSERT OR REPLACE INTO geonames VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.commit()
    finally:
        conn.close()
    return _after_import(Path(index_path), "geonames_dump", len(rows), rebuild)


_PPLP_COLUMNS = {
    "pcode": ("admin4pcode", "adm4_pcode", "pcode", "location_pcode", "pplp_pcode", "code"),
    "name_ar": ("admin4name_ar", "adm4_ar", "name_ar", "location_name_ar", "pplp_ar", "arabic_name"),
    "name_en": ("admin4name_en", "adm4_en", "name_en", "location_name_en", "pplp_en", "name", "english_name"),
    "lat": ("latitude", "lat", "y", "point_y"),
    "lon": ("longitude", "lon", "long", "lng", "x", "point_x"),
    "adm1_pcode": ("admin1pcode", "adm1_pcode"), "adm1_en": ("admin1name_en", "adm1_en"),
    "adm1_ar": ("admin1name_ar", "adm1_ar"), "adm2_pcode": ("admin2pcode", "adm2_pcode"),
    "adm2_en": ("admin2name_en", "adm2_en"), "adm2_ar": ("admin2name_ar", "adm2_ar"),
    "adm3_pcode": ("admin3pcode", "adm3_pcode"), "adm3_en": ("admin3name_en", "adm3_en"),
    "adm3_ar": ("admin3name_ar", "adm3_ar"), "country": ("admin0pcode", "adm0_pcode", "iso2", "country"),
}  # fmt: skip


def import_ocha_pplp_csv(index_path: Path, csv_path: Path, *, rebuild: bool = True) -> BuildReport | None:
    """Add an OCHA COD-PP populated-places CSV (e.g. HDX ``syr_pplp_adm4_unocha``).

    Columns are recognised case-insensitively under their COD names: ``admin4Pcode``/``ADM4_PCODE``,
    ``admin4Name_ar``/``ADM4_AR``, ``admin4Name_en``/``ADM4_EN``, ``latitude``/``lat``/``Y``/``POINT_Y``,
    ``longitude``/``lon``/``X``/``POINT_X``, and the ``admin1-3`` names and P-codes. Rows with the
    P-code of an IOM community merge with it.
    """
    _check_index(index_path)
    rows = []
    with _open_text(Path(csv_path)) as fh:
        reader = csv.DictReader(fh)
        header = {h.strip().lower(): h for h in (reader.fieldnames or [])}
        col = {k: next((header[c] for c in cands if c in header), None) for k, cands in _PPLP_COLUMNS.items()}
        missing = [k for k in ("pcode", "lat", "lon") if col[k] is None]
        if missing or (col["name_ar"] is None and col["name_en"] is None):
            raise DataFileError(
                str(csv_path), f"missing columns {missing or ['name_ar/name_en']} in {list(header)}"
            )
        for i, d in enumerate(reader, start=2):

            def get(k: str, d: dict = d) -> str | None:
                c = col[k]
                v = (d.get(c) or "").strip() if c else ""
                return v or None

            try:
                lat, lon = float(get("lat") or ""), float(get("lon") or "")
            except ValueError as err:
                raise DataFileError(f"{csv_path}:{i}", f"bad coordinate ({err})") from None
            cc = get("country")
            rows.append((
                get("pcode"), get("name_ar"), get("name_en"), get("adm1_pcode"), get("adm1_en"), get("adm1_ar"),
                get("adm2_pcode"), get("adm2_en"), get("adm2_ar"), get("adm3_pcode"), get("adm3_en"),
                get("adm3_ar"), lat, lon, (cc[:2].upper() if cc else "SY"),
            ))  # fmt: skip
    conn = sqlite3.connect(index_path)
    try:
        conn.executemany("INSERT OR REPLACE INTO ocha_pplp VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.commit()
    finally:
        conn.close()
    return _after_import(Path(index_path), "ocha_pplp", len(rows), rebuild)


def import_osm_places(index_path: Path, path: Path, *, rebuild: bool = True) -> BuildReport | None:
    """Add OpenStreetMap populated places from GeoJSON (Point features with ``name``, ``name:ar``,
    ``name:en``, ``place`` properties, as in HOTOSM exports) or CSV (the same columns plus
    ``lat``/``lon`` or ``X``/``Y``, and ``osm_id``)."""
    _check_index(index_path)
    path = Path(path)
    rows = []
    if path.suffix.lower() in (".geojson", ".json") or path.name.endswith((".geojson.gz", ".json.gz")):
        with _open_text(path) as fh:
            data = json.load(fh)
        for i, feat in enumerate(data.get("features", [])):
            geom = feat.get("geometry") or {}
            p = feat.get("properties") or {}
            if geom.get("type") != "Point":
                continue
            lon, lat = geom["coordinates"][:2]
            oid = p.get("osm_id") or feat.get("id") or f"f{i}"
            oid = f"{p.get('osm_type', 'node')}/{oid}" if str(oid).lstrip("-").isdigit() else str(oid)
            rows.append(
                (
                    oid,
                    p.get("name"),
                    p.get("name:ar"),
                    p.get("name:en"),
                    p.get("place"),
                    float(lat),
                    float(lon),
                )
            )
    else:
        with _open_text(path) as fh:
            reader = csv.DictReader(fh)
            for i, d in enumerate(reader, start=2):
                d = {k.strip().lower(): (v or "").strip() for k, v in d.items() if k}
                lat = d.get("lat") or d.get("latitude") or d.get("y")
                lon = d.get("lon") or d.get("longitude") or d.get("x")
                try:
                    flat, flon = float(lat or ""), float(lon or "")
                except ValueError:
                    raise DataFileError(f"{path}:{i}", "missing or bad lat/lon") from None
                oid = d.get("osm_id") or d.get("@id") or d.get("id") or f"r{i}"
                if oid.lstrip("-").isdigit():
                    oid = f"{d.get('osm_type') or 'node'}/{oid}"
                rows.append((oid, d.get("name"), d.get("name:ar") or d.get("name_ar"), d.get("name:en") or d.get("name_en"),
                             d.get("place"), flat, flon))  # fmt: skip
    conn = sqlite3.connect(index_path)
    try:
        conn.executemany("INSERT OR REPLACE INTO osm_places VALUES (?,?,?,?,?,?,?)", rows)
        conn.commit()
    finally:
        conn.close()
    return _after_import(Path(index_path), "osm_places", len(rows), rebuild)


# --------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True, slots=True)
class Entry:
    """One place of the gazetteer."""

    id: str
    """Stable id: "gn:<geonameid>", "iom:<P-code>", "wp:sy:<row>", "ocha:<P-code>" (admin units),
    "gn-adm1:<code>", "country:<ISO>" ..."""
    name_ar: str | None
    """Main Arabic name (None for places known only in English)."""
    names_ar: tuple[str, ...]
    """All Arabic names and variants."""
    name_en: str | None
    """Main Latin-script name."""
    names_en: tuple[str, ...]
    """All Latin-script names and variants."""
    lat: float
    """WGS84 latitude."""
    lon: float
    """WGS84 longitude."""
    feature: str
    """country, governorate, district (sub-districts too), city, town, village or landmark."""
    admin_ar: tuple[str, ...]
    """Arabic admin path, governorate first ("" where a level has no Arabic name)."""
    admin_en: tuple[str, ...]
    """English admin path, aligned with ``admin_ar``."""
    country: str | None
    """ISO 3166 alpha-2 code."""
    pcode: str | None
    """OCHA P-code (community, or admin unit), when known."""
    geonames_id: int | None
    """GeoNames id, when a GeoNames record was merged in."""
    sources: tuple[str, ...]
    """Ids of every source record merged into this place."""
    admin_ids: tuple[str, ...] = ()
    """Ids of the containing admin units, aligned with ``admin_ar``."""
    rank: float = 0.0
    """Prior weight (size, number of sources, population): higher is more prominent."""
    admin_near: tuple[str, ...] = ()
    """Other governorates within a few kilometres (for places near a boundary)."""


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A community known by P-code and English name only (IOM list), located at its sub-district."""

    pcode: str
    """Community P-code (Cnnnn)."""
    name_en: str
    """English name in the IOM list."""
    area: int
    """Index of the sub-district (or district) entry."""

    @property
    def key(self) -> str:
        """``latin_key`` of the English name."""
        return latin_key(self.name_en)


class Gazetteer:
    """The gazetteer in memory: entries, the Arabic name index and the lookup structures.

    Public attributes: ``entries`` (tuple of ``Entry``); ``name_index`` (tuple of the words of
    ``normalize.bare(arabic_name)`` → entry indices, most prominent first); ``max_words`` (longest
    Arabic name, in words); ``version`` (sha256 of the index file, first 12 hex digits); ``path``;
    ``by_id`` (id → index); ``joined_index`` (the key words without spaces → indices);
    ``unplaced`` (IOM communities without coordinates). Methods: ``get(id)``, ``lookup(name)``,
    ``near(lat, lon, km)``. ``geocode`` keeps bounded caches on the instance.
    """

    def __init__(
        self,
        entries: tuple[Entry, ...],
        version: str,
        path: Path | None = None,
        unplaced: tuple[Unplaced, ...] = (),
        latin_keys: Sequence[tuple[str, ...]] | None = None,
        ar_keys: Sequence[tuple[tuple[str, ...], ...]] | None = None,
    ) -> None:
        self.entries = entries
        self.version = version
        self.path = path
        self.unplaced = unplaced
        self.by_id: dict[str, int] = {e.id: i for i, e in enumerate(entries)}
        if latin_keys is None:
            latin_keys = [tuple(k for k in map(latin_key, e.names_en) if k) for e in entries]
        self.latin_keys: tuple[tuple[str, ...], ...] = tuple(latin_keys)
        index: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, e in enumerate(entries):
            keys = ar_keys[i] if ar_keys is not None else [k for k in map(ar_words, e.names_ar) if k]
            for k in keys:
                hits = index[k]
                if not hits or hits[-1] != i:
                    hits.append(i)
        self._loose: dict[int, tuple[str, ...]] = {}
        ranks = [-e.rank for e in entries]
        self.name_index: Mapping[tuple[str, ...], tuple[int, ...]] = {
            k: tuple(sorted(v, key=ranks.__getitem__)) if len(v) > 1 else tuple(v) for k, v in index.items()
        }
        joined: dict[str, list[int]] = defaultdict(list)
        firsts: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for k, v in self.name_index.items():
            joined["".join(k)].extend(v)
            firsts[k[0]].append(k)
        self.joined_index: Mapping[str, tuple[int, ...]] = {
            k: tuple(dict.fromkeys(v)) for k, v in joined.items()
        }
        self.first_words: Mapping[str, tuple[tuple[str, ...], ...]] = {w: tuple(v) for w, v in firsts.items()}
        self.max_words = max((len(k) for k in self.name_index), default=1)
        # members of every admin unit (and country), and a 0.25-degree grid, for area searches
        members: dict[str, list[int]] = defaultdict(list)
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, e in enumerate(entries):
            if e.feature in ("country", "governorate", "district"):
                continue
            for aid in e.admin_ids:
                members[aid].append(i)
            for aid in e.admin_near:
                members[aid].append(i)
            members[f"country:{e.country}"].append(i)
            grid[(int(e.lat * 4 // 1), int(e.lon * 4 // 1))].append(i)
        self.members: Mapping[str, list[int]] = members
        self.grid: Mapping[tuple[int, int], list[int]] = grid
        unplaced_by_area: dict[str, list[int]] = defaultdict(list)
        for j, u in enumerate(unplaced):
            area = entries[u.area]
            for aid in (*area.admin_ids, area.id):
                unplaced_by_area[aid].append(j)
        self.unplaced_by_area: Mapping[str, list[int]] = unplaced_by_area
        self._cache: dict = {}
        self._admin_paths: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def loose_keys(self, i: int) -> tuple[str, ...]:
        """``ar_loose`` keys of entry ``i``'s Arabic names (computed on first use)."""
        k = self._loose.get(i)
        if k is None:
            k = self._loose[i] = tuple(dict.fromkeys(ar_loose(n) for n in self.entries[i].names_ar))
        return k

    def get(self, entry_id: str) -> Entry | None:
        """The entry with that id, or None."""
        i = self.by_id.get(entry_id)
        return None if i is None else self.entries[i]

    def lookup(self, name: str) -> tuple[Entry, ...]:
        """Entries whose Arabic name has the same key as ``name`` (most prominent first)."""
        return tuple(self.entries[i] for i in self.name_index.get(ar_words(name), ()))

    def near(self, lat: float, lon: float, km: float) -> list[int]:
        """Indices of (non-admin) entries within ``km`` of a point."""
        r = int(km / 22.0) + 1
        ci, cj = int(lat * 4 // 1), int(lon * 4 // 1)
        out = []
        ents = self.entries
        for di in range(-r, r + 1):
            for dj in range(-r, r + 1):
                for i in self.grid.get((ci + di, cj + dj), ()):
                    e = ents[i]
                    if approx_km(lat, lon, e.lat, e.lon) <= km:
                        out.append(i)
        return out


def _default_path() -> Path:
    env = os.environ.get("RAQIB_GAZETTEER")
    if env:
        return Path(env)
    return Path(str(resources.files("raqib").joinpath("data/gazetteer.sqlite")))


def file_version(path: Path) -> str:
    """First 12 hex digits of the sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


_LOADED: dict[tuple[str, float, int], Gazetteer] = {}


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Load an index into memory (the packaged one by default, or ``$RAQIB_GAZETTEER``).

    Loads are cached per file (path, mtime, size), so repeated calls are free.
    """
    p = Path(path) if path is not None else _default_path()
    if not p.exists():
        raise DataFileError(str(p), "gazetteer index not found; build it with `raqib gazetteer build`")
    st = p.stat()
    ck = (str(p.resolve()), st.st_mtime, st.st_size)
    if ck in _LOADED:
        return _LOADED[ck]
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise DataFileError(str(p), f"cannot open ({err})") from None
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        stored_keys = meta.get("latin_key_version") == LATIN_KEY_VERSION
        stored_ar = meta.get("normalizer") == normalizer_fingerprint()
        names_ar: dict[str, list[str]] = defaultdict(list)
        names_en: dict[str, list[str]] = defaultdict(list)
        keys_en: dict[str, list[str]] = defaultdict(list)
        keys_ar: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for pid, name, key, lang in conn.execute("SELECT place_id, name, key, lang FROM name ORDER BY rowid"):
            if lang == "ar":
                names_ar[pid].append(name)
                k = tuple(key.split()) if stored_ar else ar_words(name)
                if k:
                    keys_ar[pid].append(k)
            else:
                names_en[pid].append(name)
                keys_en[pid].append(key if stored_keys else latin_key(name))
        sources: dict[str, list[str]] = defaultdict(list)
        for pid, sid in conn.execute("SELECT place_id, source_id FROM place_source ORDER BY rowid"):
            sources[pid].append(sid)
        entries = []
        latin_keys = []
        ar_index_keys: list[tuple[tuple[str, ...], ...]] = []
        add_entry, add_latin, add_ar = entries.append, latin_keys.append, ar_index_keys.append
        empty: tuple = ()
        for pid, n_ar, n_en, lat, lon, feat, aids, a_ar, a_en, cc, pcode, gid, rank, near_ids in conn.execute(
            "SELECT * FROM place ORDER BY rowid"
        ):
            ar = names_ar.get(pid)
            en = names_en.get(pid)
            add_entry(
                Entry(
                    pid, n_ar, tuple(ar) if ar else empty, n_en, tuple(en) if en else empty, lat, lon, feat,
                    tuple(a_ar.split("|")) if aids else empty, tuple(a_en.split("|")) if aids else empty, cc, pcode,
                    gid, tuple(sources.get(pid, empty)), tuple(aids.split("|")) if aids else empty, rank or 0.0,
                    tuple(near_ids.split("|")) if near_ids else empty,
                )
            )  # fmt: skip
            ke = keys_en.get(pid)
            add_latin(tuple(ke) if ke else empty)
            ka = keys_ar.get(pid)
            add_ar(tuple(ka) if ka else empty)
        entries_t = tuple(entries)
        by_id = {e.id: i for i, e in enumerate(entries_t)}
        unplaced = []
        placed = {e.pcode for e in entries_t if e.pcode} | {
            s.split(":", 1)[1] for e in entries_t for s in e.sources if s.startswith("iom:")
        }
        for pcode, name_en, p3 in conn.execute(
            "SELECT pcode, name_en, adm3_pcode FROM iom_audit ORDER BY pcode"
        ):
            if pcode in placed or not p3:
                continue
            area = by_id.get(f"ocha:{p3}", by_id.get(f"ocha:{p3[:6]}"))
            if area is not None and name_en:
                unplaced.append(Unplaced(pcode, name_en, area))
    except sqlite3.Error as err:
        raise DataFileError(str(p), f"not a raqib gazetteer index ({err})") from None
    finally:
        conn.close()
    gaz = Gazetteer(entries_t, file_version(p), p, tuple(unplaced), latin_keys, ar_index_keys)
    _LOADED.clear()
    _LOADED[ck] = gaz
    return gaz
