"""Dates in bylines and publication stamps (small and local: the date module handles dates in
article text)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from raqib.ingest.text import _probe

_MONTHS = {
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8,
    "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7,
    "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويليه": 7, "اوت": 8,
}  # fmt: skip
_MONTH_ALT = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in sorted(_MONTHS, key=len, reverse=True))
_TEXT_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?({_MONTH_ALT})(?![\u0621-\u064a])"
    rf"(?:\s*[/(-]\s*(?:{_MONTH_ALT})\)?)?\s*[,،]?\s*((?:19|20)\d\d)(?!\d)"
)
_MDY_TEXT = re.compile(rf"(?<![\u0621-\u064a])({_MONTH_ALT})\s+(\d{{1,2}})\s*[,،]\s*((?:19|20)\d\d)(?!\d)")
_YMD = re.compile(r"(?<!\d)((?:19|20)\d\d)[/.-](\d{1,2})[/.-](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)(?!\d)")
_PUBLISH_WORD = re.compile(
    r"(?:تاريخ\s+النشر|نشر\s+(?:في|بتاريخ|يوم)|تم\s+النشر|بتاريخ|نشر|اخر\s+تحديث|posted\s+on)"
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
# Words that may stand next to the date in a line that is only a publication stamp.
_STAMP_WORDS = frozenset(
    (
        "تاريخ", "النشر", "تم", "نشر", "في", "بتاريخ", "يوم", "اخر", "تحديث", "التاريخ", "الساعه", "ص", "م",
        "مساء", "صباحا", "السبت", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه",
        "posted", "on", "published", "updated", "am", "pm",
    )
)  # fmt: skip


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dates_in(text: str) -> list[tuple[int, int, dt.date]]:
    """(start, end, date) of every byline-style date in ``text`` (already probed), in text order."""
    found = []
    for m in _TEXT_DATE.finditer(text):
        month = _MONTHS[" ".join(m.group(2).split())]
        d = _valid_date(int(m.group(3)), month, int(m.group(1)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _MDY_TEXT.finditer(text):
        month = _MONTHS[" ".join(m.group(1).split())]
        d = _valid_date(int(m.group(3)), month, int(m.group(2)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _YMD.finditer(text):
        d = _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _DMY.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if month > 12 >= day:
            day, month = month, day
        d = _valid_date(year, month, day)
        if d:
            found.append((m.start(), m.end(), d))
    found.sort()
    # drop matches inside an earlier match
    out: list[tuple[int, int, dt.date]] = []
    for item in found:
        if not out or item[0] >= out[-1][1]:
            out.append(item)
    return out


def _parse_byline_date(text: str) -> dt.date | None:
    """The first date in a byline ("نشر في 12 كانون الأول 2018", "2018/12/14", "14-12-2018")."""
    found = _dates_in(_probe(text))
    return found[0][2] if found else None


def _byline_only(line: str) -> dt.date | None:
    """The date of a line that holds only a publication stamp ("تاريخ النشر: 2018/12/14 - 10:35")."""
    p = _probe(line)
    found = _dates_in(p)
    if len(found) != 1:
        return None
    start, end, d = found[0]
    rest = _TIME.sub(" ", p[:start] + " " + p[end:])
    words = [w for w in re.split(r"[\s,،:|/()\-–—]+", rest) if w]
    return d if all(w in _STAMP_WORDS for w in words) else None


def _published_in_text(lines: Iterable[str]) -> dt.date | None:
    """The date after a publication word ("نشر في", "تاريخ النشر:") in the first short line with one."""
    for line in lines:
        p = _probe(line)
        if len(p.split()) > 14:
            continue
        for m in _PUBLISH_WORD.finditer(p):
            found = _dates_in(p[m.end() : m.end() + 60])
            if found and found[0][0] <= 25:
                return found[0][2]
    return None
