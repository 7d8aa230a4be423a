"""A reproducible benchmark corpus: any number of varied reports built from the dev gold texts.

Each generated document is one dev report (``tests/data/dev/*.json``, taken in a seeded round-robin
so every report is used about equally often) with:

* **actor names** swapped between alias forms of the same actor (``ACTOR_GROUPS`` below, e.g.
  قسد / قوات سوريا الديمقراطية); a form that follows a head noun ("هيئة", "قوات", "تنظيم" ...) is
  left alone so that "هيئة تحرير الشام" never becomes "هيئة هيئة تحرير الشام";
* **village names** swapped inside "قرية X" / "بلدة X" phrases with an Arabic village or town name
  of the gazetteer (``raqib.gazetteer.load_gazetteer()``; countries SY, IQ, YE, LY, SD), or of a
  built-in list when the gazetteer cannot be loaded;
* **numbers**: every digit run replaced by another number of a similar kind (years stay plausible
  years, small numbers stay small), written in Arabic-Indic digits about a third of the time;
* **sentence order** shuffled inside every paragraph after the first;
* **dates**: ``published`` shifted by up to ±400 days (reports without a date keep ``null``).

Everything is drawn from one ``random.Random(seed)``, so a seed (and the same dev set and
gazetteer) always gives the same corpus. Python's ``hash()`` is never used.

    python benchmarks/corpus.py --n 10000 --seed 7 -o benchmarks/out/corpus.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

__all__ = ["ACTOR_GROUPS", "BUILTIN_PLACES", "dev_reports", "generate", "place_names", "vary"]

ROOT = Path(__file__).resolve().parent.parent
DEV_DIR = ROOT / "tests" / "data" / "dev"

#: Alias forms that name the same actor and can stand in for each other in a sentence. Written for
#: this benchmark from the forms the dev texts use (raqib/data/actors/aliases.tsv has them all).
#: Only forms of one grammatical case and one actor are grouped ("الجيش الوطني" alone is SNA,
#: LNA or the Yemeni army depending on the country, so only its qualified forms are swapped).
ACTOR_GROUPS: tuple[tuple[str, ...], ...] = (
    ("قسد", "قوات سوريا الديمقراطية", "قوات سوريا الديموقراطية", "قوات سورية الديمقراطية"),
    ("داعش", "تنظيم الدولة", "تنظيم الدولة الإسلامية", "تنظيم داعش"),
    ("قوات النظام", "قوات الأسد", "قوات النظام السوري", "قوات نظام الأسد", "قوات بشار الأسد"),
    ("ميليشيات الأسد", "ميليشيات النظام"),
    ("النظام السوري", "نظام الأسد"),
    ("هيئة تحرير الشام", "تحرير الشام"),
    ("الجيش الوطني السوري", "الجيش السوري الوطني"),
    ("الجيش السوري الحر", "الجيش الحر"),
    ("فصائل المعارضة", "قوات المعارضة", "الفصائل المعارضة"),
    ("الحشد الشعبي", "قوات الحشد الشعبي", "ميليشيات الحشد الشعبي"),
    ("جماعة الحوثي", "ميليشيا الحوثي", "مليشيا الحوثي", "جماعة أنصار الله"),
    ("البيشمركة", "البشمركة", "قوات البيشمركة"),
    ("حكومة الوفاق", "حكومة الوفاق الوطني"),
    ("قوات الوفاق", "قوات حكومة الوفاق"),
    ("الجيش الوطني الليبي", "الجيش الليبي"),
    ("الجيش اليمني", "الجيش الوطني اليمني"),
    ("قوات الدعم السريع", "ميليشيا الدعم السريع", "مليشيا الدعم السريع"),
    ("الجيش السوداني", "القوات المسلحة السودانية"),
    ("القوات العراقية", "الجيش العراقي", "القوات الأمنية العراقية"),
    ("الجيش التركي", "القوات التركية"),
    ("التحالف الدولي", "قوات التحالف الدولي"),
    ("التحالف العربي", "تحالف دعم الشرعية", "التحالف العربي بقيادة السعودية"),
    ("مسلحون مجهولون", "مجهولون"),
    ("مسلحين مجهولين", "مجهولين"),
    ("حزب العمال الكردستاني", "العمال الكردستاني"),
    ("المجلس الانتقالي الجنوبي", "الانتقالي الجنوبي"),
)

#: Village and town names used when the gazetteer is not available (Syria, Iraq, Yemen, Libya, Sudan).
BUILTIN_PLACES: tuple[str, ...] = (
    "الباغوز", "السوسة", "الشعفة", "هجين", "البصيرة", "الشحيل", "ذيبان", "الطيانة", "غرانيج", "الكشكية",
    "أبو حمام", "الصالحية", "مريمين", "كفرصفرة", "جنديرس", "راجو", "بلبلة", "شران", "قباسين", "تادف",
    "الراعي", "مارع", "تل رفعت", "عين عيسى", "تل أبيض", "سلوك", "المبروكة", "تل تمر", "أبو راسين",
    "سراقب", "معرة حرمة", "كفرنبل", "حاس", "البارة", "كنصفرة", "احسم", "مرعيان", "بليون", "الرامي",
    "طفس", "المزيريب", "اليادودة", "نوى", "جاسم", "إنخل", "الحارة", "الغارية الغربية", "بصرى الشام",
    "الحويجة", "الرياض", "العباسي", "الزاب", "بعشيقة", "برطلة", "قره قوش", "تلكيف", "الشرقاط", "بيجي",
    "صرواح", "الجوبة", "حريب", "عسيلان", "بيحان", "عتق", "نصاب", "الصبيحة", "كرش", "قعطبة",
    "ترهونة", "غريان", "الأصابعة", "العزيزية", "قصر بن غشير", "سرت", "الجفرة", "ودان", "هون", "سوكنة",
    "الروصيرص", "الكرمك", "قيسان", "ود مدني", "الحصاحيصا", "رفاعة", "تمبول", "الكاملين", "المناقل", "سنار",
)  # fmt: skip

_AR = "\u0621-\u063a\u0641-\u064a"  # Arabic letters (no tatweel, no diacritics)
_LETTER = r"[\w\u0600-\u06ff]"
_HEADS = frozenset([
    "قوات", "هيئة", "تنظيم", "ميليشيات", "ميليشيا", "مليشيات", "مليشيا", "فصائل", "جيش", "جماعة", "حزب",
    "المجلس", "مجلس", "حكومة",
])  # fmt: skip
_PREV_WORD = re.compile(rf"([{_AR}]+)[\s\"“”«»'(ـ]*$")
_PLACE = re.compile(rf"(?<!{_LETTER})((?:[وفبل]|وب|ول)?(?:قرية|بلدة)\s+[\"“«(]?)([{_AR}]+)")
#: Words that follow "قرية"/"بلدة" without being its name ("قرية جنوب حلب", "بلدة في ريف ...").
_NOT_NAMES = frozenset([
    "في", "على", "من", "إلى", "الى", "عن", "التي", "الذي", "الواقعة", "القريبة", "المجاورة", "واحدة", "أخرى",
    "بالكامل", "منذ", "جنوب", "شمال", "شرق", "غرب", "جنوبي", "شمالي", "شرقي", "غربي", "قرب", "بين", "داخل",
])  # fmt: skip
_DIGITS = re.compile(r"[0-9]+|[٠-٩]+")
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])[\"'”’»)]*\s+")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def _actor_pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    group_of: dict[str, tuple[str, ...]] = {}
    for group in ACTOR_GROUPS:
        for alias in group:
            group_of[alias] = group
    alts = "|".join(re.escape(a) for a in sorted(group_of, key=len, reverse=True))
    pattern = re.compile(rf"(?<!{_LETTER})((?:[وفبل]|وب|ول)?)({alts})(?!{_LETTER})")
    return pattern, group_of


_ACTORS, _GROUP_OF = _actor_pattern()


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


@cache
def dev_reports(dev_dir: Path = DEV_DIR) -> tuple[dict, ...]:
    """The dev reports (id, published, source, text), sorted by file name."""
    out = []
    for path in sorted(Path(dev_dir).glob("*.json")):
        obj = json.loads(path.read_text("utf-8"))
        out.append(
            {
                "id": obj["id"],
                "published": obj.get("published"),
                "source": {k: obj.get("source", {}).get(k) for k in ("outlet", "url")},
                "text": obj["text"],
            }
        )
    if not out:
        raise SystemExit(f"no dev reports (*.json) in {dev_dir}")
    return tuple(out)


@cache
def place_names(use_gazetteer: bool = True) -> tuple[tuple[str, ...], str]:
    """Sorted Arabic village/town names for "قرية X" swaps and where they come from.

    Names of one or two Arabic words of villages and towns in SY, IQ, YE, LY and SD from the
    gazetteer; the built-in list when the gazetteer is not importable or not built.
    """
    if use_gazetteer:
        try:
            from raqib.gazetteer import load_gazetteer

            gaz = load_gazetteer()
        except Exception as exc:  # noqa: BLE001 - any failure means: use the built-in list
            print(f"corpus: gazetteer not available ({exc}); using the built-in place list", file=sys.stderr)
        else:
            word = re.compile(rf"^[{_AR}]+( [{_AR}]+)?$")
            names = sorted(
                {
                    e.name_ar
                    for e in gaz.entries
                    if e.name_ar
                    and e.country in ("SY", "IQ", "YE", "LY", "SD")
                    and e.feature in ("village", "town")
                    and word.match(e.name_ar)
                }
            )
            if names:
                return tuple(names), f"gazetteer {gaz.version}"
    return BUILTIN_PLACES, "built-in list"


def names_fingerprint(names: Sequence[str]) -> str:
    """12 hex digits identifying a place-name list (the corpus depends on it)."""
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:12]


# --------------------------------------------------------------------------------------------
# Variation
# --------------------------------------------------------------------------------------------


def _swap_actors(text: str, rng: random.Random) -> str:
    def sub(m: re.Match[str]) -> str:
        prefix, alias = m.group(1), m.group(2)
        prev = _PREV_WORD.search(text, max(0, m.start() - 40), m.start())
        if prev and prev.group(1) in _HEADS:
            return m.group(0)
        new = rng.choice(_GROUP_OF[alias])
        if prefix.endswith("ل") and new.startswith("ال"):
            new = new[1:]  # ل + الحشد → للحشد
        return prefix + new

    return _ACTORS.sub(sub, text)


def _swap_places(text: str, rng: random.Random, names: Sequence[str]) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(2) in _NOT_NAMES or rng.random() < 0.3:
            return m.group(0)
        return m.group(1) + rng.choice(names)

    return _PLACE.sub(sub, text)


def _new_number(digits: str, rng: random.Random) -> str:
    value = int(digits.translate(_TO_ASCII))
    if 1900 <= value <= 2099 and len(digits) == 4:
        new = min(2025, value + rng.randint(-2, 2))  # a year
    elif value <= 12:
        new = rng.randint(1, 12)  # may be a month
    elif value <= 31:
        new = rng.randint(1, 28)  # may be a day
    else:
        new = rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1)
    out = str(new)
    return out.translate(_ARABIC_INDIC) if rng.random() < 0.33 else out


def _swap_numbers(text: str, rng: random.Random) -> str:
    return _DIGITS.sub(lambda m: _new_number(m.group(), rng), text)


def _shuffle_sentences(text: str, rng: random.Random) -> str:
    paragraphs = text.split("\n")
    for i in range(1, len(paragraphs)):
        line = paragraphs[i]
        parts = []
        start = 0
        for m in _SENTENCE_END.finditer(line):
            parts.append(line[start : m.start()].strip())
            start = m.end()
        parts.append(line[start:].strip())
        parts = [p for p in parts if p]
        if len(parts) < 2:
            continue
        rng.shuffle(parts)
        # A sentence moved away from the end of its paragraph needs its full stop.
        last = len(parts) - 1
        parts = [p if k == last or p[-1] in ".!?؟…\"'”’»)" else p + "." for k, p in enumerate(parts)]
        paragraphs[i] = " ".join(parts)
    return "\n".join(paragraphs)


def _shift_date(published: str | None, rng: random.Random) -> str | None:
    if not published:
        return None
    return (dt.date.fromisoformat(published) + dt.timedelta(days=rng.randint(-400, 400))).isoformat()


def vary(report: dict, rng: random.Random, names: Sequence[str], doc_id: str) -> dict:
    """One varied copy of a dev report."""
    text = report["text"]
    text = _swap_actors(text, rng)
    text = _swap_places(text, rng, names)
    text = _swap_numbers(text, rng)
    text = _shuffle_sentences(text, rng)
    url = report["source"].get("url")
    return {
        "id": doc_id,
        "published": _shift_date(report["published"], rng),
        "source": {"outlet": report["source"].get("outlet"), "url": f"{url}#{doc_id}" if url else None},
        "text": text,
    }


def generate(n: int, seed: int, *, dev_dir: Path = DEV_DIR, use_gazetteer: bool = True) -> Iterator[dict]:
    """``n`` varied documents (dicts with id, published, source, text), deterministic for ``seed``."""
    rng = random.Random(seed)
    reports = dev_reports(Path(dev_dir))
    names, _ = place_names(use_gazetteer)
    order: list[int] = []
    for i in range(n):
        if not order:
            order = list(range(len(reports)))
            rng.shuffle(order)
        report = reports[order.pop()]
        yield vary(report, rng, names, f"bench-{seed}-{i:06d}-{report['id']}")


def generate_lines(n: int, seed: int, **kwargs) -> list[str]:
    """The corpus as JSON Lines strings (no trailing newline), as ``corpus.py -o`` writes them."""
    return [json.dumps(d, ensure_ascii=False) for d in generate(n, seed, **kwargs)]


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Write a reproducible benchmark corpus (JSON Lines: id, published, source, text) "
        "made of varied copies of the dev reports in tests/data/dev.",
    )
    ap.add_argument("--n", type=int, default=10_000, help="number of documents (default 10000)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("-o", "--output", default="-", help="output .jsonl file, or - for stdout (default)")
    ap.add_argument("--dev-dir", type=Path, default=DEV_DIR, help="folder of dev reports (*.json)")
    ap.add_argument(
        "--builtin-places",
        action="store_true",
        help="swap village names from the built-in list, not the gazetteer",
    )
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("--n must be >= 0")
    names, origin = place_names(not args.builtin_places)
    if args.output == "-":
        out = sys.stdout
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        out = open(args.output, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    try:
        total = 0
        for doc in generate(args.n, args.seed, dev_dir=args.dev_dir, use_gazetteer=not args.builtin_places):
            line = json.dumps(doc, ensure_ascii=False) + "\n"
            total += len(doc["text"])
            out.write(line)
    except BrokenPipeError:  # `corpus.py | head`
        sys.stderr.close()
        return 0
    finally:
        if out is not sys.stdout:
            out.close()
    print(
        f"corpus: {args.n} documents, seed {args.seed}, {total} text characters, "
        f"place names: {origin} ({len(names)} names, {names_fingerprint(names)}) -> {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
