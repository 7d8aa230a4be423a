"""Number and date expressions: values, qualifiers, resolution and exact offsets."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raqib.model import DateRef, Quantity
from raqib.normalize import normalize
from raqib.recognize.dates import MONTHS, WEEKDAYS, find_dates, hijri_to_gregorian
from raqib.recognize.numbers import QUALIFIERS, find_quantities, is_year_like

D = dt.date

# (text, expression, stated, low, high, qualifier)
NUMBERS = [
    ("قتل 17 مدنياً في القصف", "17", 17, 17, 17, "exact"),
    ("سقط ١٤ جندياً", "١٤", 14, 14, 14, "exact"),
    ("أصيب ۱۲ شخصا", "۱۲", 12, 12, 12, "exact"),
    ("خلال الساعات الـ48 الماضية", "الـ48", 48, 48, 48, "exact"),
    ("في غضون الـ 48 ساعة", "الـ 48", 48, 48, 48, "exact"),
    ("اعتقال أكثر من 500 عنصر", "أكثر من 500", 500, 501, None, "more_than"),
    ("تقل ما يزيد عن 400 مقاتل", "ما يزيد عن 400", 400, 401, None, "more_than"),
    ("بما يزيد على 30 قتيلا", "ما يزيد على 30", 30, 31, None, "more_than"),
    ("بما يفوق الـ215 ألف معتقل", "ما يفوق الـ215 ألف", 215000, 215001, None, "more_than"),
    ("أصيب ما لا يقل عن 70 مصابا", "ما لا يقل عن 70", 70, 70, None, "at_least"),
    ("ما لا يقل عن ثلاثين مدنياً", "ما لا يقل عن ثلاثين", 30, 30, None, "at_least"),
    ("وجرح 10 آخرون على الأقل", "10 آخرون على الأقل", 10, 10, None, "at_least"),
    ("يقدر عددهم بنحو ألف عنصر", "نحو ألف", 1000, None, None, "about"),
    ("على مسافة حوالي 70 كيلومتراً", "حوالي 70", 70, None, None, "about"),
    ("السيطرة على قرابة 150 نقطة", "قرابة 150", 150, None, None, "about"),
    ("زهاء 300 عائلة", "زهاء 300", 300, None, None, "about"),
    ("ما يقارب ألف شخص", "ما يقارب ألف", 1000, None, None, "about"),
    ("حوالي 40 ألف شخص", "حوالي 40 ألف", 40000, None, None, "about"),
    ("تبعد أقل من خمسين كيلومترا", "أقل من خمسين", 50, None, 49, "less_than"),
    ("طفل دون 18 من عمره", "دون 18", 18, None, 17, "less_than"),
    ("قد يصل عددهم حتى 7 آلاف", "حتى 7 آلاف", 7000, None, 7000, "up_to"),
    ("ما يصل إلى 200 شخص", "ما يصل إلى 200", 200, None, 200, "up_to"),
    ("مسافة لا تتجاوز أربع كيلومترات", "لا تتجاوز أربع", 4, None, 4, "up_to"),
    ("بلغ العشرات من المسلحين", "العشرات", None, 20, 99, "vague"),
    ("سقط عشرات الجرحى", "عشرات", None, 20, 99, "vague"),
    ("أوقع مئات القتلى", "مئات", None, 200, 999, "vague"),
    ("نزح آلاف المدنيين", "آلاف", None, 2000, 9999, "vague"),
    ("خرج عشرات الآلاف", "عشرات الآلاف", None, 20000, 99999, "vague"),
    ("لجأ إليها مئات الآلاف", "مئات الآلاف", None, 200000, 999999, "vague"),
    ("سيطرت على ثلاث قرى", "ثلاث", 3, 3, 3, "exact"),
    ("قتلت ثلاثة من عناصر التنظيم", "ثلاثة", 3, 3, 3, "exact"),
    ("أودى بحياة ستة أشخاص", "ستة", 6, 6, 6, "exact"),
    ("وأصيبت اثنتان أخريان", "اثنتان", 2, 2, 2, "exact"),
    ("وأسرت اثنين آخرين", "اثنين", 2, 2, 2, "exact"),
    ("أب لأربعة أطفال", "أربعة", 4, 4, 4, "exact"),
    ("الموظفين الأربعة", "الأربعة", 4, 4, 4, "exact"),
    ("أطلق سراح عشرين معتقلًا", "عشرين", 20, 20, 20, "exact"),
    ("قتل أحد عشر شخصا", "أحد عشر", 11, 11, 11, "exact"),
    ("إحدى عشرة امرأة", "إحدى عشرة", 11, 11, 11, "exact"),
    ("قتل ثلاثة عشر مدنيا", "ثلاثة عشر", 13, 13, 13, "exact"),
    ("ثلاثة وعشرين قتيلا", "ثلاثة وعشرين", 23, 23, 23, "exact"),
    ("خمسة وعشرون ألفا", "خمسة وعشرون ألفا", 25000, 25000, 25000, "exact"),
    ("نحو مئة وخمسين عنصرا", "نحو مئة وخمسين", 150, None, None, "about"),
    ("مائتين وخمسين", "مائتين وخمسين", 250, 250, 250, "exact"),
    ("ثلاثمئة مقاتل", "ثلاثمئة", 300, 300, 300, "exact"),
    ("خمسمائة أسير", "خمسمائة", 500, 500, 500, "exact"),
    ("ألف وخمسمئة", "ألف وخمسمئة", 1500, 1500, 1500, "exact"),
    ("ألفين", "ألفين", 2000, 2000, 2000, "exact"),
    ("تقر الفي ليرة", "الفي", 2000, 2000, 2000, "exact"),
    ("ثلاثة آلاف", "ثلاثة آلاف", 3000, 3000, 3000, "exact"),
    ("ثلاثة ملايين ريال", "ثلاثة ملايين", 3000000, 3000000, 3000000, "exact"),
    ("2.5 مليون دولار", "2.5 مليون", 2500000, 2500000, 2500000, "exact"),
    ("يتضمن 1,081 أسيرا", "1,081", 1081, 1081, 1081, "exact"),
    ("ضمت مليون ومئتي ألف", "مليون ومئتي ألف", 1200000, 1200000, 1200000, "exact"),
    ("خطف طفلين", "طفلين", 2, 2, 2, "exact"),
    ("فقتلوا امرأتين", "امرأتين", 2, 2, 2, "exact"),
    ("القبض على عنصرين", "عنصرين", 2, 2, 2, "exact"),
    ("بضعة آلاف", "بضعة آلاف", None, 3000, 9999, "vague"),
]


def _only(items, text, expr):
    hits = [x for x in items if text[x.start_char : x.end_char] == expr]
    assert hits, f"no item spans {expr!r}: {[text[x.start_char : x.end_char] for x in items]}"
    return hits[0]


@pytest.mark.parametrize(("text", "expr", "stated", "low", "high", "qualifier"), NUMBERS)
def test_number_expressions(text, expr, stated, low, high, qualifier) -> None:
    q = _only(find_quantities(text), text, expr)
    assert (q.stated, q.low, q.high, q.qualifier) == (stated, low, high, qualifier)
    assert q.qualifier in QUALIFIERS


def test_numbers_are_separate_and_in_order() -> None:
    text = "5 قتلى و12 مصابا، و3 آخرون"
    got = [(text[q.start_char : q.end_char], q.stated) for q in find_quantities(text)]
    assert got == [("5", 5), ("12", 12), ("3", 3)]


def test_enumerated_units_are_not_added() -> None:
    text = "ثلاثة وأربعة"
    assert [q.stated for q in find_quantities(text)] == [3, 4]


@pytest.mark.parametrize(
    "text",
    ["سيارة هيونداي H100", "بلغت النسبة 2.5 كم", "يوم الاثنين", "بنسبة 50 بالمئة"],
    ids=["model-number", "bare-decimal", "monday", "per-cent"],
)
def test_not_counts(text: str) -> None:
    spans = [text[q.start_char : q.end_char] for q in find_quantities(text)]
    assert "100" not in spans and "2.5" not in spans and "الاثنين" not in spans and "بالمئة" not in spans


@pytest.mark.parametrize(
    ("text", "expr", "stated", "qualifier"),
    [
        ("وأسر 15 آخرين على الأقل", "15 آخرين على الأقل", 15, "at_least"),
        ("قرابة ثلاثين عنصرا", "قرابة ثلاثين", 30, "about"),
        ("ما يربو على مئتي مقاتل", "ما يربو على مئتي", 200, "more_than"),
        ("والذين يقدر عددهم بنحو ألف عنصر", "نحو ألف", 1000, "about"),
        ("فقتلوا امرأتين إحداهما ناشطة", "امرأتين", 2, "exact"),
    ],
)
def test_counted_people_with_their_qualifier(text: str, expr: str, stated: int, qualifier: str) -> None:
    (q,) = find_quantities(text)
    assert (text[q.start_char : q.end_char], q.stated, q.qualifier) == (expr, stated, qualifier)


def test_an_ordinal_in_a_unit_name_is_no_number() -> None:
    # "الفرقة الرابعة" is the Fourth Division: ordinals are not read as numbers. Cardinal numbers of ages,
    # distances and unit names ("(12 عاماً)"، "15 كم"، "اللواء 93") are found here, with their exact span,
    # and left out of the counts by the event coder (tests/test_event_rules.py).
    assert find_quantities("عناصر من الفرقة الرابعة والفوج الخامس") == []
    text = "طفل (12 عاماً) على بعد 15 كم من مقر اللواء 93"
    assert [text[q.start_char : q.end_char] for q in find_quantities(text)] == ["12", "15", "93"]


def test_arabic_comma_is_not_a_thousands_separator() -> None:
    assert [q.stated for q in find_quantities("5،600")] == [5, 600]
    assert [q.stated for q in find_quantities("٥٬٠٠٠ شخص")] == [5000]


@pytest.mark.parametrize(
    ("text", "expr", "year_like"),
    [
        ("في عام 2014", "2014", True),
        ("اذار/مارس 2016", "2016", True),
        ("يوم 6-5-2019", "2019", True),
        ("قتل 2019 شخصا", "2019", False),
        ("منذ عام 1974", "1974", True),
        ("اتفاقية 1974", "1974", False),
    ],
)
def test_is_year_like(text: str, expr: str, year_like: bool) -> None:
    q = _only(find_quantities(text), text, expr)
    assert is_year_like(q, text) is year_like


# (text, published, expression, start, end, precision, relative)
P = D(2019, 2, 15)  # a Friday
DATES = [
    ("وقع ذلك في ١٠ شباط ٢٠١٩", None, "١٠ شباط ٢٠١٩", D(2019, 2, 10), D(2019, 2, 10), "day", False),
    ("بتاريخ 10/2/2019", None, "10/2/2019", D(2019, 2, 10), D(2019, 2, 10), "day", False),
    ("بتاريخ 2019-02-10", None, "2019-02-10", D(2019, 2, 10), D(2019, 2, 10), "day", False),
    ("٢٠١٩/٠٢/١٠", None, "٢٠١٩/٠٢/١٠", D(2019, 2, 10), D(2019, 2, 10), "day", False),
    ("يوم الاثنين 6-5-2019، حين", None, "يوم الاثنين 6-5-2019", D(2019, 5, 6), D(2019, 5, 6), "day", False),
    ("نيالا 17-8-2020 (سونا)", None, "17-8-2020", D(2020, 8, 17), D(2020, 8, 17), "day", False),
    ("الأحد 10 فبراير", P, "الأحد 10 فبراير", D(2019, 2, 10), D(2019, 2, 10), "day", False),
    ("في 10 شباط", P, "10 شباط", D(2019, 2, 10), D(2019, 2, 10), "day", False),
    ("في 28 فبراير", P, "28 فبراير", D(2018, 2, 28), D(2018, 2, 28), "day", False),
    ("في 11 أيلول 2001", P, "11 أيلول 2001", D(2001, 9, 11), D(2001, 9, 11), "day", False),
    ("منذ 20 يناير/ كانون الثاني، تخوض", D(2018, 3, 9), "منذ 20 يناير/ كانون الثاني", D(2018, 1, 20),
     D(2018, 3, 9), "span", True),
    ("في 9 يوليو/تموز الماضي", D(2018, 9, 26), "9 يوليو/تموز الماضي", D(2018, 7, 9), D(2018, 7, 9),
     "day", True),
    ("في 3 تموز/ يوليو الجاري", D(2016, 7, 13), "3 تموز/ يوليو الجاري", D(2016, 7, 3), D(2016, 7, 3),
     "day", True),
    ("وثق في الـ22 من الشهر الجاري", D(2019, 8, 25), "الـ22 من الشهر الجاري", D(2019, 8, 22),
     D(2019, 8, 22), "day", True),
    ("نهاية اذار/مارس 2016.", None, "نهاية اذار/مارس 2016", D(2016, 3, 21), D(2016, 3, 31), "span", False),
    ("في سبتمبر الماضي", D(2024, 11, 20), "سبتمبر الماضي", D(2024, 9, 1), D(2024, 9, 30), "month", True),
    ("في شهر أيلول الماضي", D(2018, 12, 20), "شهر أيلول الماضي", D(2018, 9, 1), D(2018, 9, 30), "month", True),
    ("في يوليو العام الماضي", D(2016, 12, 12), "يوليو العام الماضي", D(2015, 7, 1), D(2015, 7, 31), "month",
     True),
    ("كانون الثاني 2019", None, "كانون الثاني 2019", D(2019, 1, 1), D(2019, 1, 31), "month", False),
    ("في مطلع تموز الفائت", D(2017, 8, 4), "مطلع تموز الفائت", D(2017, 7, 1), D(2017, 7, 10), "span", True),
    ("أوائل أغسطس الماضي", D(2019, 9, 3), "أوائل أغسطس الماضي", D(2019, 8, 1), D(2019, 8, 10), "span", True),
    ("مطلع الشهر الجاري", P, "مطلع الشهر الجاري", D(2019, 2, 1), D(2019, 2, 10), "span", True),
    ("في عام 2014", None, "عام 2014", D(2014, 1, 1), D(2014, 12, 31), "span", False),
    ("في 15 رمضان 1440 هـ", None, "15 رمضان 1440 هـ", D(2019, 5, 20), D(2019, 5, 20), "day", False),
    ("اليوم", P, "اليوم", P, P, "day", True),
    ("مساء اليوم الجمعة", P, "مساء اليوم الجمعة", P, P, "day", True),
    ("اليوم /الجمعة/", P, "اليوم /الجمعة/", P, P, "day", True),
    ("أفاد أمس (السبت) بأن", D(2017, 12, 10), "أمس (السبت)", D(2017, 12, 9), D(2017, 12, 9), "day", True),
    ("وأمس السبت", P, "أمس السبت", D(2019, 2, 14), D(2019, 2, 14), "day", True),
    ("مساء يوم أمس", P, "مساء يوم أمس", D(2019, 2, 14), D(2019, 2, 14), "day", True),
    ("يوم أمس، الجمعة،", D(2025, 1, 11), "يوم أمس، الجمعة", D(2025, 1, 10), D(2025, 1, 10), "day", True),
    ("أول أمس", P, "أول أمس", D(2019, 2, 13), D(2019, 2, 13), "day", True),
    ("أمس الأول الأربعاء", P, "أمس الأول الأربعاء", D(2019, 2, 13), D(2019, 2, 13), "day", True),
    ("الأحد الماضي", P, "الأحد الماضي", D(2019, 2, 10), D(2019, 2, 10), "day", True),
    ("مساء الأحد الماضي", P, "مساء الأحد الماضي", D(2019, 2, 10), D(2019, 2, 10), "day", True),
    ("الجمعة الماضي", P, "الجمعة الماضي", D(2019, 2, 8), D(2019, 2, 8), "day", True),
    ("أعلنت، يوم الجمعة، القوات", P, "يوم الجمعة", P, P, "day", True),
    ("اندلعت الجمعة بين", D(2019, 4, 6), "الجمعة", D(2019, 4, 5), D(2019, 4, 5), "day", True),
    ("وقال، الخميس، إن", P, "الخميس", D(2019, 2, 14), D(2019, 2, 14), "day", True),
    ("الأحد المقبل", P, "الأحد المقبل", D(2019, 2, 17), D(2019, 2, 17), "day", True),
    ("يوم غد", P, "يوم غد", D(2019, 2, 16), D(2019, 2, 16), "day", True),
    ("ليل السبت - الأحد", D(2018, 2, 11), "ليل السبت - الأحد", D(2018, 2, 10), D(2018, 2, 11), "span", True),
    ("ليلة الثلاثاء ــ الأربعاء", P, "ليلة الثلاثاء ــ الأربعاء", D(2019, 2, 12), D(2019, 2, 13), "span", True),
    ("الليلة الماضية", P, "الليلة الماضية", D(2019, 2, 14), P, "span", True),
    ("فجر اليوم", P, "فجر اليوم", P, P, "day", True),
    ("خلال الساعات الـ48 الماضية", P, "خلال الساعات الـ48 الماضية", D(2019, 2, 13), P, "span", True),
    ("في غضون الـ 48 ساعة الماضية", P, "في غضون الـ 48 ساعة الماضية", D(2019, 2, 13), P, "span", True),
    ("خلال 24 ساعة", P, "خلال 24 ساعة", D(2019, 2, 14), P, "span", True),
    ("خلال يومين", P, "خلال يومين", D(2019, 2, 14), P, "span", True),
    ("خلال 3 أيام", P, "خلال 3 أيام", D(2019, 2, 13), P, "span", True),
    ("قصفت الأسبوع الماضي", P, "الأسبوع الماضي", D(2019, 2, 8), D(2019, 2, 14), "span", True),
    ("منع الشهر الماضي", D(2021, 7, 12), "الشهر الماضي", D(2021, 6, 1), D(2021, 6, 30), "month", True),
    ("منذ أشهر", P, "منذ أشهر", P - dt.timedelta(days=180), P, "span", True),
    ("قبل يومين", P, "قبل يومين", D(2019, 2, 13), D(2019, 2, 13), "day", True),
    ("اليوم السبت 25 أيار", D(2024, 5, 25), "اليوم السبت 25 أيار", D(2024, 5, 25), D(2024, 5, 25), "day",
     True),
    ("أمس", None, "أمس", None, None, "unknown", True),
    ("الخميس الماضي", None, "الخميس الماضي", None, None, "unknown", True),
    ("10 شباط", None, "10 شباط", None, None, "unknown", False),
]  # fmt: skip


@pytest.mark.parametrize(("text", "published", "expr", "start", "end", "precision", "relative"), DATES)
def test_date_expressions(text, published, expr, start, end, precision, relative) -> None:
    r = _only(find_dates(text, published), text, expr)
    assert (r.start, r.end, r.precision, r.relative) == (start, end, precision, relative)


@pytest.mark.parametrize(
    "text",
    ["في سوق الخميس", "صلاة الجمعة", "مراسل “حلب اليوم”", "في اليوم نفسه", "لليوم الثاني", "أب لأربعة",
     "31/2/2019", "على مدى 10 أيام", "+963 933 123 456"],
)  # fmt: skip
def test_not_dates(text: str) -> None:
    assert find_dates(text, P) == []


def test_tables_and_hijri() -> None:
    assert WEEKDAYS["الجمعه"] == 4 and MONTHS["تشرين الاول"] == 10 and MONTHS["اغسطس"] == 8
    assert hijri_to_gregorian(1440, 9, 1) == D(2019, 5, 6)
    assert hijri_to_gregorian(1445, 1, 1) == D(2023, 7, 19)


def test_shared_normalization_gives_same_result() -> None:
    text = "قتل أكثر من 100 شخص أمس الخميس"
    norm = normalize(text)
    assert find_quantities(text, norm) == find_quantities(text)
    assert find_dates(text, P, norm) == find_dates(text, P)


# ---------------------------------------------------------------------------------------------
# property: random text never raises and every span is inside the text

WORDS = [
    *MONTHS, *WEEKDAYS, "أكثر من", "ما لا يقل عن", "نحو", "حتى", "عشرات", "مئات", "آلاف", "ألف", "مليون",
    "اليوم", "أمس", "أمس الأول", "يوم", "مساء", "ليلة", "الماضي", "الجاري", "خلال", "منذ", "قبل",
    "الساعات", "الـ48", "عام", "رمضان", "هـ", "مطلع", "ثلاثة", "وعشرين", "مئة", "عشر", "إحدى", "/", "-",
    "،", "(", ")", "على الأقل", "الشهر", "الأسبوع",
]  # fmt: skip
CHARS = st.one_of(
    st.characters(min_codepoint=0x0621, max_codepoint=0x064A),
    st.sampled_from(list("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ً َ ـ/-.,،:")),
    st.characters(min_codepoint=0x41, max_codepoint=0x7A),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1F64F),
    st.sampled_from([" ", "\u00a0", "\n", "\t", "\u200f"]),
)
PIECES = st.one_of(
    st.sampled_from(WORDS), st.text(alphabet=CHARS, max_size=6), st.integers(0, 10**7).map(str)
)
TEXTS = st.lists(PIECES, max_size=30).map(" ".join)
DAYS = st.one_of(st.none(), st.dates(), st.sampled_from([dt.date.min, dt.date.max, D(2019, 2, 15)]))


def _check_spans(items: list[Quantity] | list[DateRef], text: str) -> None:
    """Every span lies inside the text; spans come in text order and never overlap."""
    for x in items:
        assert 0 <= x.start_char < x.end_char <= len(text)
    for a, b in pairwise(items):
        assert a.end_char <= b.start_char


@settings(max_examples=300, deadline=None)
@given(TEXTS, DAYS)
def test_random_text_never_raises(text: str, published: dt.date | None) -> None:
    quantities = find_quantities(text)
    _check_spans(quantities, text)
    for q in quantities:
        assert q.qualifier in QUALIFIERS
        is_year_like(q, text)
    dates = find_dates(text, published)
    _check_spans(dates, text)
    for r in dates:
        assert r.precision in ("day", "span", "month", "unknown")
        assert (r.start is None) == (r.end is None)
        if r.start is not None:
            assert r.start <= r.end
