"""Date expressions in Arabic news, resolved against the publication day.

The grammar is a handful of regexes over the matching key of the text (see
``raqib.normalize``), compiled lazily once. They are not run over the whole key: a shared
pre-scan (``numbers.scan``: one ``str.split`` and set look-ups) finds the words an expression can
start with (اليوم، أمس، weekdays, month names, منذ، خلال، digits ...), and only the regexes that
can start with that word are tried there. Each match is resolved by plain date arithmetic.
Offsets go back to the original text through the key's offset map.

Covered:

* absolute days: "١٠ شباط ٢٠١٩", "10/2/2019", "6-5-2019", "2019-02-10", "الأحد 10 فبراير",
  "10 شباط" (year from the publication day, the previous year when that would put the day more
  than 7 days after it), "الـ22 من الشهر الجاري", "9 يوليو/تموز الماضي";
* months and years: "اذار/مارس 2016", "سبتمبر الماضي", "يوليو العام الماضي", "في شهر أيلول
  الماضي", "عام 2014", "مطلع تموز الفائت", "نهاية الشهر الماضي";
* Hijri dates marked "هـ" (tabular Islamic calendar): "15 رمضان 1440 هـ";
* relative days: اليوم، أمس، أمس الأول، يوم غد، weekdays (bare, after "يوم", with
  الماضي/المقبل, after اليوم/أمس), a part of the day in front (فجر، صباح، مساء، ليلة ...), the
  night ranges "ليل السبت - الأحد";
* periods: "خلال الساعات الـ48 الماضية", "خلال 24 ساعة", "الأسبوع الماضي", "الشهر الماضي",
  "الليلة الماضية", "منذ أشهر", "قبل يومين", "منذ 20 يناير" (from that day to the publication).

Precision is "day", "span" (several days), "month" (a calendar month) or "unknown" (the
expression needs the publication day and there is none, or a year-less date without one).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from functools import cache

from raqib.model import DateRef
from raqib.normalize import Normalized, normalize
from raqib.recognize.numbers import scan

__all__ = ["HIJRI_MONTHS", "MONTHS", "WEEKDAYS", "find_dates", "hijri_to_gregorian"]

#: Weekday names as matching keys → ``datetime.date.weekday()`` (Monday = 0).
WEEKDAYS: dict[str, int] = {
    "الاثنين": 0,
    "الثلاثاء": 1,
    "الاربعاء": 2,
    "الخميس": 3,
    "الجمعه": 4,
    "السبت": 5,
    "الاحد": 6,
}

#: Gregorian month names as matching keys (Levantine/Iraqi, Egyptian/Gulf, Maghrebi) → month.
MONTHS: dict[str, int] = {
    # Levantine / Iraqi
    "كانون الثاني": 1, "كانون ثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5,
    "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين اول": 10,
    "تشرين الثاني": 11, "تشرين ثاني": 11, "كانون الاول": 12, "كانون اول": 12,
    # Egyptian / Gulf
    "يناير": 1, "فبراير": 2, "فبرير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "ماي": 5, "مايس": 5,
    "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "يوليوز": 7, "اغسطس": 8, "اغسطوس": 8,
    "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Maghrebi
    "جانفي": 1, "فيفري": 2, "افريل": 4, "جوان": 6, "جويليه": 7, "اوت": 8, "غشت": 8,
    "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
}  # fmt: skip

#: Hijri month names as matching keys → month (1 = محرم).
HIJRI_MONTHS: dict[str, int] = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع اول": 3, "ربيع الثاني": 4, "ربيع الاخر": 4,
    "ربيع ثاني": 4, "جمادي الاولي": 5, "جمادي الاول": 5, "جمادي الثانيه": 6, "جمادي الاخره": 6,
    "جمادي الثاني": 6, "جمادي الاخر": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعده": 11, "ذي القعده": 11, "ذو الحجه": 12, "ذي الحجه": 12,
}  # fmt: skip

_PAST = ("الماضي", "الماضيه", "الفايت", "الفايته", "المنصرم", "المنصرمه", "السابق", "السابقه",
         "المنقضي", "المنقضيه")  # fmt: skip
_PAST_PLURAL = ("الماضيين", "الماضيتين", "الاخير", "الاخيره", "الاخيرين", "الاخيرتين")
_CUR = ("الجاري", "الجاريه", "الحالي", "الحاليه")
_NEXT = ("المقبل", "المقبله", "القادم", "القادمه")

# unit word → (kind, implied count or None for a bare plural)
_UNITS: dict[str, tuple[str, int | None]] = {}
for _kind, _forms in {
    "h": {"ساعه": 1, "ساعات": None, "ساعتين": 2},
    "d": {"يوم": 1, "يوما": 1, "ايام": None, "يومين": 2},
    "w": {"اسبوع": 1, "اسبوعا": 1, "اسبوعين": 2, "اسابيع": None},
    "m": {"شهر": 1, "شهرا": 1, "شهرين": 2, "اشهر": None, "شهور": None},
    "y": {"عام": 1, "عاما": 1, "سنه": 1, "عامين": 2, "سنتين": 2, "اعوام": None, "سنوات": None,
          "سنين": None},
    "n": {"ليله": 1, "ليلتين": 2, "ليال": None, "ليالي": None},
}.items():  # fmt: skip
    for _w, _c in _forms.items():
        _UNITS[_w] = (_kind, _c)
        _UNITS["ال" + _w] = (_kind, _c)
_UNIT_DAYS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365, "n": 1}
#: Length in units of a bare plural ("منذ أشهر", "خلال الأيام الماضية").
_PLURAL_DEFAULT = {"h": 24, "d": 7, "w": 3, "m": 6, "y": 3, "n": 3}

_NUM_WORDS = {
    "واحد": 1, "اثنين": 2, "ثلاثه": 3, "ثلاث": 3, "اربعه": 4, "اربع": 4, "خمسه": 5, "خمس": 5,
    "سته": 6, "ست": 6, "سبعه": 7, "سبع": 7, "ثمانيه": 8, "ثماني": 8, "ثمان": 8, "تسعه": 9,
    "تسع": 9, "عشره": 10, "عشر": 10,
}  # fmt: skip
_FEW_WORDS = ("عده", "بضعه", "بضع")

_PARTS = {
    "مطلع": (1, 10), "اوايل": (1, 10), "بدايه": (1, 10), "بدايات": (1, 10), "مستهل": (1, 10),
    "منتصف": (11, 20), "اواسط": (11, 20), "اوسط": (11, 20),
    "اواخر": (21, 31), "نهايه": (21, 31), "اخر": (21, 31), "ختام": (21, 31),
}  # fmt: skip
_YEAR_PARTS = {"start": (1, 3), "mid": (5, 8), "end": (10, 12)}

_NIGHT = ("ليل", "ليله", "ليلتي")

_TODAY_NOT = ("نفسه", "ذاته", "التالي", "السابق", "الاول", "الثاني", "الثالث", "الرابع", "الخامس",
              "السادس", "السابع", "الثامن", "التاسع", "العاشر", "الاخير", "العالمي", "الوطني",
              "الدولي", "الموعود")  # fmt: skip
#: Outlet names ending in "اليوم" ("حلب اليوم", "العرب اليوم" ...).
_TODAY_OUTLETS = ("حلب", "العرب", "روسيا", "مصر", "المصري", "سوريا", "تركيا", "ليبيا", "السودان")
#: Words after which a weekday name is part of a name ("سوق الخميس", "صلاة الجمعة").
_WEEKDAY_NOT_AFTER = ("سوق", "صلاه", "خطبه", "كلا", "جمعه", "مسجد", "جامع")


def _alt(words) -> str:
    """Alternation of key words, longest first, spaces matching any horizontal whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", _S) for w in sorted(set(words), key=len, reverse=True))


_S = r"[^\S\n]+"  # horizontal whitespace (a date never runs over a line break)
_S0 = r"[^\S\n]*"
_E = r"(?!\w)"  # end of word
_SEP = rf"(?:{_S0},{_S0}|{_S})"


@cache
def _date_res() -> dict[str, re.Pattern[str]]:
    wd = _alt(WEEKDAYS)
    mon = _alt(MONTHS)
    past, pastp, cur, nxt = _alt(_PAST), _alt(_PAST + _PAST_PLURAL), _alt(_CUR), _alt(_NEXT)
    night = rf"(?:منتصف{_S})?(?:{_alt(_NIGHT)})"
    pod = "فجر|صباح|ظهيره|ظهر|عصر|مساء|ضحي"
    num = rf"(?:ال{_S0})?[0-9]{{1,3}}(?![0-9])|(?:{_alt((*_NUM_WORDS, *_FEW_WORDS))}){_E}"
    unit = _alt(_UNITS)
    not_after = "".join(f"(?<!{w} )" for w in _WEEKDAY_NOT_AFTER)
    outlets = "".join(f"(?<!{w} )" for w in _TODAY_OUTLETS)

    def pods(x: str) -> str:
        return rf"(?:(?:(?P<npod{x}>{night})|(?P<pod{x}>{pod})){_S})?(?:(?P<yom{x}>يوم){_S})?"

    def wdp(x: str) -> str:
        return rf"(?P<op{x}>[(/\"]{_S0})?{not_after}(?P<wd{x}>{wd}){_E}(?(op{x}){_S0}[)/\"])"

    def month(x: str) -> str:
        return rf"(?:شهر{_S})?(?P<m{x}>{mon})(?:{_S0}[/\-]{_S0}(?:{mon})|{_S0}\({_S0}(?:{mon}){_S0}\))?{_E}"

    def tail(x: str) -> str:  # year or modifier after a month
        return (
            rf"(?:{_SEP}(?:(?:ال)?(?:عام|سنه){_S})?(?P<y{x}>[0-9]{{4}})(?![0-9])(?:م{_E})?"
            rf"|{_S}(?:من{_S})?(?:(?P<yc{x}>هذا){_S}(?:العام|السنه)|(?:ال)?(?:عام|سنه){_S}"
            rf"(?P<ym{x}>{past}|{cur}|{nxt}))"
            rf"|{_S}(?P<md{x}>{past}|{cur}|{nxt}))?{_E}"
        )

    def absolute(x: str) -> str:
        return (
            rf"(?:(?P<d{x}>(?:ال{_S0})?[0-9]{{1,2}})(?![0-9])(?:{_S}من)?{_S}{month(x)}{tail(x)}"
            rf"|(?P<dr{x}>(?:ال{_S0})?[0-9]{{1,2}}){_S}من{_S}الشهر{_S}(?P<mr{x}>{past}|{cur}|{nxt}){_E}"
            rf"|(?<![0-9/.\-])(?:(?P<nd{x}>[0-9]{{1,2}})(?P<ns{x}>[/.\-])(?P<nm{x}>[0-9]{{1,2}})"
            rf"(?P=ns{x})(?P<ny{x}>[0-9]{{4}}|[0-9]{{2}})|(?P<iy{x}>[0-9]{{4}})(?P<is{x}>[/.\-])"
            rf"(?P<im{x}>[0-9]{{1,2}})(?P=is{x})(?P<id{x}>[0-9]{{1,2}}))(?![0-9]|[/.\-][0-9]))"
        )

    today = rf"{outlets}اليوم(?!{_S}(?:{_alt(_TODAY_NOT)}){_E})"
    dayword = (
        rf"امس{_S}الاول|اول{_S}(?:من{_S})?امس|(?:ال)?امس|البارحه|{today}|غدا|غد|بعد{_S}غد"
        rf"|هذا{_S}الصباح|هذا{_S}المساء"
    )
    body = {
        x: rf"(?:(?P<n1{x}>{num}){_S0})?(?P<u{x}>{unit}){_E}(?:{_S}(?P<n2{x}>(?:ال{_S0})?[0-9]{{1,3}})(?![0-9]))?"
        for x in ("q", "r", "s")
    }
    alts = [
        # Hijri
        (
            rf"(?P<HIJ>(?:(?P<dh>[0-9]{{1,2}}){_S})?(?P<mh>{_alt(HIJRI_MONTHS)}){_S}(?P<yh>[0-9]{{3,4}})"
            rf"{_S0}(?:ه|هجري|هجريه|للهجره){_E})"
        ),
        # year: عام 2014, منذ عام 2011, مطلع عام 2019
        (
            rf"(?P<YR>(?:(?P<sinceg>منذ){_S})?(?:(?P<partg>{_alt(_PARTS)}){_S})?(?:ال)?(?:عام|سنه){_S}"
            rf"(?P<yg>[0-9]{{4}})(?![0-9])(?:م{_E})?)"
        ),
        # part of a month: مطلع تموز الفائت, نهاية الشهر الماضي
        (
            rf"(?P<POM>(?P<partc>{_alt(_PARTS)}){_S}(?:{month('c')}{tail('c')}"
            rf"|(?P<tmc>الشهر|هذا{_S}الشهر)(?:{_S}(?P<tmodc>{past}|{cur}|{nxt}))?{_E}))"
        ),
        # اليوم / أمس / غدا (+ weekday) (+ date)
        rf"(?P<REL>{pods('a')}(?P<daya>{dayword}){_E}(?:{_SEP}{wdp('a')})?(?:{_SEP}{absolute('a')})?)",
        # weekday (+ range) (+ الماضي) (+ date)
        (
            rf"(?P<WKD>{pods('b')}{wdp('b')}"
            rf"(?:(?:{_S0}[-/]{_S0}(?:و)?|{_S}و|(?(npodb){_S}|(?!)))(?P<wd2b>{wd}){_E})?"
            rf"(?:{_S}(?P<wmodb>{past}|{nxt}){_E})?(?:{_SEP}{absolute('b')})?)"
        ),
        # absolute day
        rf"(?P<ABS>(?:(?P<sinced>منذ){_S}(?:تاريخ{_S})?)?{pods('d')}{absolute('d')})",
        # month (+ year / modifier)
        (
            rf"(?P<MON>(?:(?P<sincef>منذ){_S})?(?P<shf>شهر{_S})?(?P<mf>{mon})(?:{_S0}[/\-]{_S0}(?:{mon})"
            rf"|{_S0}\({_S0}(?:{mon}){_S0}\))?{_E}{tail('f')})"
        ),
        # periods
        (
            rf"(?P<PERQ>(?P<preq>خلال|في{_S}غضون|غضون|طوال|علي{_S}مدي|علي{_S}مدار){_S}"
            rf"(?:(?:نحو|حوالي|قرابه|اكثر{_S}من|اقل{_S}من){_S})?{body['q']}"
            rf"(?:{_S}(?P<modq>{pastp}|{cur}|{nxt}){_E})?)"
        ),
        (
            rf"(?P<PERS>(?P<kws>منذ|قبل){_S}(?:(?P<qs>نحو|حوالي|قرابه|زهاء|اكثر{_S}من|اقل{_S}من|ما{_S}يقارب"
            rf"|ما{_S}يزيد{_S}(?:عن|علي)){_S})?{body['s']}(?!{_S0}[0-9])(?:{_S}(?P<idds>عده){_E})?)"
        ),
        rf"(?P<PERR>{body['r']}{_S}(?P<modr>{pastp}|{cur}|{nxt}){_E})",
        rf"(?P<PERT>هذا{_S}(?P<ut>الشهر|الاسبوع|العام|السنه){_E})",
    ]
    return {name: re.compile(alt) for name, alt in zip(_ORDER, alts, strict=True)}


#: The alternatives of the date grammar, in the order they are tried at one position.
_ORDER = ("HIJ", "YR", "POM", "REL", "WKD", "ABS", "MON", "PERQ", "PERS", "PERR", "PERT")
_POD_WORDS = ("منتصف", "فجر", "صباح", "ظهيره", "ظهر", "عصر", "مساء", "ضحي", "ليل", "ليله", "ليلتي")
_DIGIT = "#"  # dispatch key of a word starting with a digit (or ال + digit)


@cache
def _dispatch() -> dict[str, tuple[str, ...]]:
    """First word of an expression → the alternatives that can start with it, in order."""
    first = {
        "HIJ": {_DIGIT, *(w.split()[0] for w in HIJRI_MONTHS)},
        "YR": {"منذ", "عام", "العام", "سنه", "السنه", *_PARTS},
        "POM": set(_PARTS),
        "REL": {*_POD_WORDS, "يوم", "امس", "الامس", "اول", "البارحه", "اليوم", "غدا", "غد", "هذا"},
        "WKD": {*_POD_WORDS, "يوم", *WEEKDAYS},
        "ABS": {"منذ", *_POD_WORDS, "يوم", _DIGIT, "ال"},
        "MON": {"منذ", "شهر", *(w.split()[0] for w in MONTHS)},
        "PERQ": {"خلال", "غضون", "طوال"},
        "PERS": {"منذ", "قبل"},
        "PERR": {_DIGIT, "ال", *_NUM_WORDS, *_FEW_WORDS, *_UNITS},
        "PERT": {"هذا"},
    }
    words = set().union(*first.values(), _BACK_TRIGGERS)
    return {w: tuple(name for name in _ORDER if w in first[name]) for w in words}


#: Expressions whose first word is too common to scan for ("في غضون", "على مدى", "بعد غد") are
#: found from their second word: second word → (first word, alternatives).
_BACK_TRIGGERS = {"غضون": ("في", ("PERQ",)), "مدي": ("علي", ("PERQ",)), "مدار": ("علي", ("PERQ",)),
                  "غد": ("بعد", ("REL",))}  # fmt: skip


_CLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")


@cache
def _surfaces() -> dict[str, tuple[tuple[int, str], ...]]:
    """Trigger word with an optional proclitic → ((offset of the word, word), ...)."""
    out: dict[str, list[tuple[int, str]]] = {}
    for w in _dispatch():
        if w == _DIGIT:
            continue
        for c in _CLITICS:
            out.setdefault(c + w, []).append((len(c), w))
    return {k: tuple(v) for k, v in out.items()}


def trigger_surfaces() -> frozenset[str]:
    """Every word form that can start a date expression (for the shared pre-scan)."""
    return frozenset(_surfaces())


_DIGIT_START = re.compile(r"(?:[وف]?[بل]?)(?=(?:ال)?[0-9])")  # tiny; used on a few words only


def _candidates(key: str, hits, digit_pieces) -> list[tuple[int, tuple[str, ...]]]:
    """(key offset, alternatives to try there) for every place a date expression may start."""
    surfaces, dispatch = _surfaces(), _dispatch()
    out: list[tuple[int, tuple[str, ...]]] = []
    for p, w in hits:
        for off, base in surfaces.get(w, ()):
            q = p + off
            out.append((q, dispatch[base]))
            if base in WEEKDAYS:  # "(السبت)", "/الجمعة/"
                k = q - 1
                while k > 0 and key[k] in " \t":
                    k -= 1
                if k >= 0 and key[k] in '(/"' and q - k <= 3:
                    out.append((k, ("WKD",)))
            elif base in _BACK_TRIGGERS:
                first, names = _BACK_TRIGGERS[base]
                k = q - 1
                while k >= 0 and key[k] in " \t":
                    k -= 1
                end = k + 1
                while k >= 0 and (key[k].isalnum() or key[k] == "_"):
                    k -= 1
                prev = key[k + 1 : end]
                if end < q and prev.endswith(first) and prev[: -len(first)] in _CLITICS:
                    out.append((end - len(first), names))
    for p, piece in digit_pieces:
        m = _DIGIT_START.match(piece)
        if m is not None:
            out.append((p + m.end(), dispatch[_DIGIT]))
    out.sort()
    return out


# --------------------------------------------------------------------------------------------
# calendar helpers
# --------------------------------------------------------------------------------------------

_ISLAMIC_EPOCH = 227015  # date(622, 7, 19).toordinal(): 1 Muharram 1 AH (civil epoch)


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Gregorian date of a Hijri date by the tabular (arithmetic, civil-epoch) Islamic calendar.

    The tabular calendar can differ by a day or two from the sighted or Umm al-Qura calendars.
    """
    if not (1 <= month <= 12 and 1 <= day <= 30 and year >= 1):
        raise ValueError("invalid Hijri date")
    days = (year - 1) * 354 + (3 + 11 * year) // 30 + math.ceil(29.5 * (month - 1)) + day - 1
    return dt.date.fromordinal(_ISLAMIC_EPOCH + days)


def _hijri_month_length(year: int, month: int) -> int:
    if month % 2 == 1 or (month == 12 and (14 + 11 * year) % 30 < 11):
        return 30
    return 29


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + delta
    return k // 12, k % 12 + 1


def _weekday_on_or_before(anchor: dt.date, wd: int, strict: bool = False) -> dt.date:
    back = (anchor.weekday() - wd) % 7
    if strict and back == 0:
        back = 7
    return anchor - dt.timedelta(days=back)


def _weekday_after(anchor: dt.date, wd: int) -> dt.date:
    ahead = (wd - anchor.weekday()) % 7 or 7
    return anchor + dt.timedelta(days=ahead)


def _mod_kind(word: str | None) -> str | None:
    if not word:
        return None
    if word in _CUR:
        return "cur"
    if word in _NEXT:
        return "next"
    return "past"


def _month_year(pub: dt.date | None, month: int, day: int | None, year: int | None,
                mod: str | None) -> int | None:  # fmt: skip
    """The year of a (day and) month given without one, from the publication day."""
    if year is not None:
        return year
    if pub is None:
        return None
    if mod == "year_past":
        return pub.year - 1
    if mod == "year_cur":
        return pub.year
    if mod == "year_next":
        return pub.year + 1
    y = pub.year
    if day is not None:
        try:
            cand = dt.date(y, month, day)
        except ValueError:
            cand = dt.date(y, month, 28)
        if mod == "past":
            return y - 1 if cand >= pub else y
        if mod == "next":
            return y + 1 if cand <= pub else y
        if mod == "cur":
            return y
        return y - 1 if cand > pub + dt.timedelta(days=7) else y
    if mod == "past":
        return y if month < pub.month else y - 1
    if mod == "next":
        return y if month > pub.month else y + 1
    if mod == "cur":
        return y
    return y - 1 if dt.date(y, month, 1) > pub + dt.timedelta(days=7) else y


def _digits(s: str) -> int:
    return int("".join(ch for ch in s if ch.isdigit()))


def _tail_mod(m: re.Match[str], x: str) -> tuple[int | None, str | None]:
    """(explicit year, modifier) of the ``tail`` group set ``x``."""
    y = m.group("y" + x)
    if y:
        return int(y), None
    if m.group("yc" + x):
        return None, "year_cur"
    ym = _mod_kind(m.group("ym" + x))
    if ym:
        return None, "year_" + ym
    return None, _mod_kind(m.group("md" + x))


class _Abs:
    """A resolved absolute day: date (or None), whether a year was written, whether deictic."""

    __slots__ = ("date", "deictic", "has_year", "valid")

    def __init__(self, date: dt.date | None, has_year: bool, deictic: bool, valid: bool = True):
        self.date, self.has_year, self.deictic, self.valid = date, has_year, deictic, valid


def _absolute(m: re.Match[str], x: str, pub: dt.date | None) -> _Abs | None:
    """The absolute-day sub-match ``x`` of ``m``, or None when that part did not match."""
    if m.group("d" + x):
        day = _digits(m.group("d" + x))
        month = MONTHS[_key_words(m.group("m" + x))]
        year, mod = _tail_mod(m, x)
        y = _month_year(pub, month, day, year, mod)
        deictic = mod is not None and year is None
        if y is None:
            return _Abs(None, False, deictic, 1 <= day <= 31)
        try:
            return _Abs(dt.date(y, month, day), year is not None, deictic)
        except ValueError:
            return _Abs(None, year is not None, deictic, False)
    if m.group("dr" + x):
        day = _digits(m.group("dr" + x))
        if pub is None:
            return _Abs(None, False, True, 1 <= day <= 31)
        mod = _mod_kind(m.group("mr" + x))
        y, mo = _shift_month(pub.year, pub.month, {"past": -1, "next": 1}.get(mod or "", 0))
        try:
            return _Abs(dt.date(y, mo, day), False, True)
        except ValueError:
            return _Abs(None, False, True, False)
    if m.group("nd" + x):
        d, mo, y = int(m.group("nd" + x)), int(m.group("nm" + x)), m.group("ny" + x)
        year = int(y) + (2000 if int(y) < 50 else 1900) if len(y) == 2 else int(y)
    elif m.group("iy" + x):
        year, mo, d = int(m.group("iy" + x)), int(m.group("im" + x)), int(m.group("id" + x))
    else:
        return None
    try:
        return _Abs(dt.date(year, mo, d), True, False)
    except ValueError:
        return _Abs(None, True, False, False)


_WS = re.compile(r"\s+")


def _key_words(s: str) -> str:
    """A matched key fragment with runs of whitespace as one space, for table look-ups."""
    return _WS.sub(" ", s.strip())


#: Diacritics and tatweel right after an expression belong to it ("هـ", "الأحدِ").
_TRAILING_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]*")


def _ref(text: str, norm: Normalized, ks: int, ke: int, start, end, precision, relative) -> DateRef:
    s, e = norm.span(ks, ke)
    e = _TRAILING_MARKS.match(text, e).end()
    if start is None or end is None:
        return DateRef(None, None, "unknown", s, e, relative)
    return DateRef(start, end, precision, s, e, relative)


def _day(d: dt.date | None) -> tuple[dt.date | None, dt.date | None, str]:
    return d, d, "day"


# --------------------------------------------------------------------------------------------
# resolvers, one per alternative; each returns (start, end, precision, relative) or None to drop
# --------------------------------------------------------------------------------------------


def _r_hij(m: re.Match[str], pub: dt.date | None):
    month = HIJRI_MONTHS[_key_words(m.group("mh"))]
    year = int(m.group("yh"))
    try:
        if m.group("dh"):
            d = hijri_to_gregorian(year, month, int(m.group("dh")))
            return d, d, "day", False
        first = hijri_to_gregorian(year, month, 1)
        return first, first + dt.timedelta(days=_hijri_month_length(year, month) - 1), "span", False
    except ValueError:
        return None


def _r_year(m: re.Match[str], pub: dt.date | None):
    year = int(m.group("yg"))
    if not 1000 <= year <= 2999:
        return None
    m1, m2 = 1, 12
    part = m.group("partg")
    if part:
        lo = _PARTS[part][0]
        m1, m2 = _YEAR_PARTS["start" if lo == 1 else "mid" if lo == 11 else "end"]
    start, end = dt.date(year, m1, 1), _month_end(year, m2)
    if m.group("sinceg"):
        if pub is None:
            return None, None, "unknown", True
        if start <= pub:
            return start, pub, "span", True
    return start, end, "span", False


def _r_pom(m: re.Match[str], pub: dt.date | None):
    lo, hi = _PARTS[m.group("partc")]
    if m.group("mc"):
        month = MONTHS[_key_words(m.group("mc"))]
        year, mod = _tail_mod(m, "c")
        y = _month_year(pub, month, None, year, mod)
        relative = year is None and mod is not None
    else:
        relative = True
        if pub is None:
            return None, None, "unknown", True
        mod = _mod_kind(m.group("tmodc"))
        y, month = _shift_month(pub.year, pub.month, {"past": -1, "next": 1}.get(mod or "", 0))
    if y is None:
        return None, None, "unknown", relative
    last = calendar.monthrange(y, month)[1]
    return dt.date(y, month, lo), dt.date(y, month, min(hi, last)), "span", relative


def _r_rel(m: re.Match[str], pub: dt.date | None):
    word = _key_words(m.group("daya"))
    if word == "غد" and not m.group("yoma"):
        return None
    ab = _absolute(m, "a", pub)
    if ab is not None and ab.valid and (ab.date is not None or ab.has_year):
        return ab.date, ab.date, "day", not ab.has_year
    if pub is None:
        return None, None, "unknown", True
    if word in ("اليوم", "هذا الصباح", "هذا المساء"):
        d = pub
    elif word in ("امس", "الامس", "البارحه"):
        if m.group("npoda"):
            return pub - dt.timedelta(days=1), pub, "span", True
        d = pub - dt.timedelta(days=1)
    elif word in ("غدا", "غد"):
        d = pub + dt.timedelta(days=1)
    elif word.startswith("بعد"):
        d = pub + dt.timedelta(days=2)
    else:  # أمس الأول / أول أمس
        d = pub - dt.timedelta(days=2)
    return d, d, "day", True


def _r_wkd(m: re.Match[str], pub: dt.date | None):
    ab = _absolute(m, "b", pub)
    mod = _mod_kind(m.group("wmodb"))
    if ab is not None and ab.valid and (ab.date is not None or ab.has_year):
        return ab.date, ab.date, "day", (not ab.has_year) and (ab.deictic or mod is not None)
    if pub is None:
        return None, None, "unknown", True
    wd = WEEKDAYS[m.group("wdb")]
    wd2 = m.group("wd2b")
    if wd2 is not None:
        w2 = WEEKDAYS[wd2]
        if mod == "next":
            end = _weekday_after(pub, w2)
        else:
            end = _weekday_on_or_before(pub, w2, strict=mod == "past")
        start = _weekday_on_or_before(end, wd)
        return start, end, "day" if start == end else "span", True
    if mod == "next":
        d = _weekday_after(pub, wd)
    else:
        d = _weekday_on_or_before(pub, wd, strict=mod == "past")
    return d, d, "day", True


def _r_abs(m: re.Match[str], pub: dt.date | None):
    ab = _absolute(m, "d", pub)
    if ab is None or not ab.valid:
        return None
    if m.group("sinced") and ab.date is not None and pub is not None and ab.date <= pub:
        return ab.date, pub, "span", True
    return ab.date, ab.date, "day", ab.deictic


def _r_mon(m: re.Match[str], pub: dt.date | None, key: str, ks: int):
    month = MONTHS[_key_words(m.group("mf"))]
    year, mod = _tail_mod(m, "f")
    since = m.group("sincef")
    bare = year is None and mod is None and not since and not m.group("shf")
    # a bare month name only after "في" (and never آب, which is also "father")
    if bare and (_key_words(m.group("mf")) == "اب" or not key[max(0, ks - 3) : ks].startswith("في")):
        return None
    y = _month_year(pub, month, None, year, mod)
    relative = year is None and (mod is not None or bool(since))
    if y is None:
        return None, None, "unknown", relative
    start, end = dt.date(y, month, 1), _month_end(y, month)
    if since:
        if pub is None:
            return None, None, "unknown", True
        if start <= pub:
            return start, pub, "span", True
    return start, end, "month", relative


def _count(m: re.Match[str], x: str) -> tuple[str, float | None]:
    """(unit kind, number of units or None for a bare plural) of the period body ``x``."""
    kind, implied = _UNITS[m.group("u" + x)]
    for g in ("n1" + x, "n2" + x):
        n = m.group(g)
        if n:
            if n[-1].isdigit():
                return kind, _digits(n)
            if n in _NUM_WORDS:
                return kind, _NUM_WORDS[n]
            return kind, None  # عدة / بضعة
    return kind, implied


def _explicit(m: re.Match[str], x: str) -> bool:
    return bool(m.group("n1" + x) or m.group("n2" + x))


def _period_days(kind: str, n: float | None) -> int:
    if n is None:
        n = _PLURAL_DEFAULT[kind]
    return max(1, math.ceil(n * _UNIT_DAYS[kind]))


def _calendar_unit(pub: dt.date, kind: str, mod: str):
    """The previous / current / next calendar week, month or year."""
    delta = {"past": -1, "cur": 0, "next": 1}[mod]
    if kind == "m":
        y, mo = _shift_month(pub.year, pub.month, delta)
        return dt.date(y, mo, 1), _month_end(y, mo), "month"
    if kind == "y":
        y = pub.year + delta
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "span"
    if kind == "w":
        if mod == "past":
            return pub - dt.timedelta(days=7), pub - dt.timedelta(days=1), "span"
        if mod == "next":
            return pub + dt.timedelta(days=1), pub + dt.timedelta(days=7), "span"
        return _weekday_on_or_before(pub, 5), pub, "span"  # the week starts on Saturday
    if kind == "n":
        if mod == "next":
            return pub, pub + dt.timedelta(days=1), "span"
        return pub - dt.timedelta(days=1), pub, "span"
    return pub, pub, "day"


def _r_per(m: re.Match[str], pub: dt.date | None, x: str, pre: str | None, mod_word: str | None):
    if pre is not None and (pre.startswith("علي") or pre == "طوال") and mod_word is None:
        return None  # "على مدى 10 أيام", "طوال ثلاثة أيام" say how long, not when
    if pub is None:
        return None, None, "unknown", True
    kind, n = _count(m, x)
    mod = _mod_kind(mod_word) or "past"
    if mod_word in _PAST_PLURAL:
        mod = "past"
    calendar_unit = not _explicit(m, x) and n == 1 and kind in ("w", "m", "y", "n")
    if calendar_unit and (mod_word is not None or kind == "n"):
        return (*_calendar_unit(pub, kind, mod), True)
    if mod == "cur":
        return (*_calendar_unit(pub, kind if kind in "wmy" else "d", "cur"), True)
    days = _period_days(kind, n)
    if mod == "next":
        return pub + dt.timedelta(days=1), pub + dt.timedelta(days=days), "span", True
    if kind == "d" and n is not None:
        days -= 1  # "خلال يومين": counted days include the day of the report (yesterday and today)
    return pub - dt.timedelta(days=days), pub, "span", True


def _r_pers(m: re.Match[str], pub: dt.date | None):
    if pub is None:
        return None, None, "unknown", True
    kind, n = _count(m, "s")
    if m.group("idds"):
        n = None
    days = _period_days(kind, n)
    if m.group("kws") == "منذ":
        return pub - dt.timedelta(days=days), pub, "span", True
    # قبل: N days ago
    if kind == "h":
        return pub - dt.timedelta(days=days), pub, "span", True
    if n is None:
        return pub - dt.timedelta(days=days), pub - dt.timedelta(days=1), "span", True
    centre = pub - dt.timedelta(days=days)
    if kind == "d" and not m.group("qs"):
        return centre, centre, "day", True
    half = max(1, math.ceil(_UNIT_DAYS[kind] / 2))
    end = min(centre + dt.timedelta(days=half), pub - dt.timedelta(days=1))
    return centre - dt.timedelta(days=half), end, "span", True


def _r_pert(m: re.Match[str], pub: dt.date | None):
    if pub is None:
        return None, None, "unknown", True
    kind = _UNITS[m.group("ut")][0]
    return (*_calendar_unit(pub, kind, "cur"), True)


def _resolve(m: re.Match[str], kind: str | None, pub: dt.date | None, key: str):
    if kind == "REL":
        return _r_rel(m, pub)
    if kind == "WKD":
        return _r_wkd(m, pub)
    if kind == "ABS":
        return _r_abs(m, pub)
    if kind == "MON":
        return _r_mon(m, pub, key, m.start())
    if kind == "POM":
        return _r_pom(m, pub)
    if kind == "YR":
        return _r_year(m, pub)
    if kind == "HIJ":
        return _r_hij(m, pub)
    if kind == "PERQ":
        return _r_per(m, pub, "q", m.group("preq"), m.group("modq"))
    if kind == "PERR":
        return _r_per(m, pub, "r", None, m.group("modr"))
    if kind == "PERS":
        return _r_pers(m, pub)
    return _r_pert(m, pub)


def find_dates(text: str, published: dt.date | None, norm: Normalized | None = None) -> list[DateRef]:
    """Every date expression in ``text``, resolved against ``published``, in text order.

    ``norm`` is ``normalize(text)`` when the caller already has it. Expressions that need the
    publication day when it is None come back with ``start = end = None`` and precision
    "unknown".
    """
    if norm is None:
        norm = normalize(text)
    key = norm.key
    regexes = _date_res()
    out: list[DateRef] = []
    done = 0
    for pos, names in _candidates(key, *scan(norm)):
        if pos < done:
            continue
        for name in names:
            m = regexes[name].match(key, pos)
            if m is not None:
                break
        else:
            continue
        done = m.end()
        try:
            res = _resolve(m, name, published, key)
        except (ValueError, OverflowError):  # a resolved day outside datetime's range
            res = None, None, "unknown", True
        if res is None:
            continue
        start, end, precision, relative = res
        out.append(_ref(text, norm, m.start(), m.end(), start, end, precision, relative))
    return out
