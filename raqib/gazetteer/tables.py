"""Constants the build and the loader share: version stamps of the index, the countries kept, the
hand-made Arabic name tables and the licences of the sources."""

from __future__ import annotations

import hashlib

from raqib.normalize import bare

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
