"""How many: the word tests behind an event's counts that do not depend on the rule set.

``EventCoder._counts`` (``raqib.events``) reads each number a trigger owns with the count nouns of
``data/lexicon/counts.tsv``; the functions here decide what a number is before that (a range, an age,
a label, a dual noun, a toll that rises to a number) and find the victims a text counts without a
number ("مقتله"، "بأنه أُعدم"، "وأصيب آخر"). ``count_key`` is the coder's look-up of a token's count key
for an event kind ("" for any kind).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter

from raqib.event_clauses import _CIVILIAN_PERSON, _PERSON, _any_word
from raqib.model import Quantity, Token
from raqib.normalize import strip_diacritics, strip_tatweel

CountKey = Callable[[Token, str], "str | None"]

#: "another", "a third" after a death or injury verb: one more person.
ANOTHER = frozenset(["اخر", "اخري", "ثالث", "ثالثه"])
#: "one of them", "among them": a singular noun after these is part of a group already counted.
_PARTITIVE = frozenset(["احدهم", "احداهم", "احدهما", "احداهما", "احداهن", "بينهم", "بينهما", "منهم", "منهما",
                        "بينهن", "منهن"])  # fmt: skip
#: "أنّه"، "أنّها"، "أنّهما" before a passive death verb: the victims, one or two.
_THAT_PRONOUN = {"انه": 1, "انها": 1, "انهما": 2}
#: Words right before a number that close a toll: "ارتفعت الحصيلة إلى 12"، "ليصل عدد القتلى".
_TO = frozenset(["الي", "لتصل", "ليصل", "ليبلغ", "لتبلغ"])
_RANGE_GAP = re.compile(r"\s*(?:و|الى|إلى|-|–)\s*")
#: Object pronouns on a word of taking or freeing ("بعد اعتقاله"، "خطفوها"، "الإفراج عنهما"): one person or two.
_OBJECT_PRONOUN = (("هما", 2), ("ها", 1), ("ه", 1))
#: Words right after a trigger of freeing that carry the pronoun of the people freed.
_FREED_CARRIER = frozenset(["عن", "سراح"])
_CLAUSE_END = re.compile(r"[،,.;؛]")
#: "Others" in the plural or dual after a number: "وأفرجت عن اثنين آخرين"، "سلّم خمسة آخرون أنفسهم".
_OTHERS = frozenset(["اخرون", "اخرين", "اخران", "اخرتان", "اخرتين", "اخريات"])
#: The numerals written after the noun they count, as an adjective: "مدنيين اثنين"، "عنصر واحد".
_AFTER_NOUN = frozenset(["واحد", "واحده", "اثنان", "اثنين", "اثنتان", "اثنتين"])
_START, _STEM = attrgetter("start_char"), attrgetter("stem")
#: What stands between two places of one list: و, a comma, quote marks ("قريتي "A" و"B""، "A، وB").
_LIST_GAP = re.compile(r"[\s\"'“”«»()،,]*(?:و[\s\"'“”«»()]*)?")


def join_ranges(text: str, quantities: Sequence[Quantity]) -> list[Quantity]:
    """"بين 10 و15 مدنياً"، "من 10 إلى 15"، "10-15": one range, stated as its lower bound (as coders store
    "أكثر من N" as N), counting what follows its upper end."""
    out: list[Quantity] = []
    skip = False
    for a, b in zip(quantities, [*quantities[1:], None], strict=False):
        if skip:
            skip = False
            continue
        # the words around are read only for two rising numbers: most numbers stand alone
        if b is not None and a.stated is not None and b.stated is not None and a.stated < b.stated:
            gap = text[a.end_char : b.start_char]
            lead = text[max(0, a.start_char - 5) : a.start_char].split()[-1:]
            opened = lead and lead[0] in ("بين", "من")
            if _RANGE_GAP.fullmatch(gap) and (opened or gap.strip() in ("-", "–")):
                out.append(Quantity(a.stated, a.stated, b.stated, "about", a.start_char, b.end_char))
                skip = True
                continue
        out.append(a)
    return out


def killed_and_wounded(
    before: Sequence[Token], after: Sequence[Token], count_key: CountKey, numbers: Sequence[Quantity]
) -> bool:
    """"مقتل وإصابة عشرة أشخاص"، "سقوط 10 قتلى وجرحى"، "20 بين قتيل وجريح": one number for the dead and
    the wounded together says how many of neither. Not when the first word has a number of its own,
    before it or in it ("3 أشخاص قتلوا وأصيب 3 آخرون"، "سقوط قتيلين وجرح ثلاثة")."""
    after = after[1:] if after[:1] and after[0].stem == "بين" else after
    pairs = []  # the two words before the number and the two after it, the second joined by و
    if len(before) >= 2 and before[-1].clitics.startswith("و"):
        lead = before[-4:-1]
        if not any(lead[0].start_char < n.end_char and n.start_char < lead[-1].end_char for n in numbers):
            pairs.append((before[-2], before[-1]))
    if len(after) >= 2 and after[1].clitics.startswith("و"):
        pairs.append((after[0], after[1]))
    for a, b in pairs:
        if {count_key(a, ""), count_key(b, "")} == {"fatalities", "injured"}:
            return True
    return False


def measure_or_label(before: Sequence[Token], after: Sequence[Token], cue: Mapping[str, frozenset[str]]) -> bool:
    """A number that counts no one: an age, a span or a distance ("طفل (12 عاماً)"، "على بعد 15 كم"),
    or a label after the noun it names ("عناصر من اللواء 93"، "الطريق رقم 4")."""
    # the bare word only: "اليوم" after a toll is "today", no span
    return (bool(after) and after[0].key in cue["measure_after"]) or _any_word(before[-1:], cue["label_before"])


def dual_noun(toks: Sequence[Token], q: Quantity, count_key: Callable[[Token], str | None]) -> str | None:
    """The count key of a dual noun read as the number 2 ("قتيلان"، "مدنيين"، "امرأتان")."""
    k = bisect.bisect_right(toks, q.start_char, key=_START) - 1  # tokens are in order and never overlap
    return _dual_key(toks[k], count_key) if k >= 0 and q.start_char < toks[k].end_char else None


def noun_before_numeral(toks: Sequence[Token], q: Quantity, count_key: Callable[[Token], str | None]) -> str | None:
    """"مقتل مدنيين اثنين"، "قتل طفلان اثنان": one and two follow the noun they count, so the noun
    before the numeral (a dual among them) says what it counts, not the word after it ("في غارة")."""
    k = bisect.bisect_right(toks, q.start_char, key=_START) - 1
    if k < 1 or toks[k].end_char != q.end_char or toks[k].stem not in _AFTER_NOUN:
        return None
    return count_key(toks[k - 1]) or _dual_key(toks[k - 1], count_key)


def _dual_key(tok: Token, count_key: Callable[[Token], str | None]) -> str | None:
    stem = tok.stem
    for form in (stem, stem[:-2], stem[:-3] + "ه" if stem.endswith(("تان", "تين")) else ""):
        key = count_key(_word_token(form)) if len(form) >= 3 else None
        if key:
            return key
    return None


def toll_of(before: Sequence[Token], count_key: CountKey, cue: Mapping[str, frozenset[str]]) -> str | None:
    """"ارتفعت حصيلة قتلى القصف إلى 12"، "بلغ عدد الجرحى 30": a number after "إلى" or a verb of
    reaching that closes a toll ("عدد" or "حصيلة" with a death or injury noun) counts that noun."""
    if not before:
        return None
    after_ila = before[-1].key in _TO
    window = before[-12:]
    for k, tok in enumerate(window[:-1]):
        if tok.stem in ("عدد", "حصيله") and (after_ila or _any_word(window[max(0, k - 1) : k], cue["toll_reach"])):
            key = count_key(window[k + 1], "")
            if key in ("fatalities", "injured"):
                return key
    return None


def others_taken(text: str, after: Sequence[Token], t_start: int, q: Quantity) -> bool:
    """"وأفرجت عن اثنين آخرين"، "فيما سلّم اثنان آخران نفسيهما": "others" counted after the trigger of a
    taking, a freeing or a surrender, in its clause, are more of the people the event takes, frees or
    sees surrender."""
    return bool(after) and after[0].stem in _OTHERS and t_start < q.start_char and (
        _CLAUSE_END.search(text, t_start, q.start_char) is None)


def joined_people(toks: Sequence[Token], k: int, cue: Mapping[str, frozenset[str]]) -> tuple[int, int] | None:
    """"قتلت امرأة وطفلة"، "مقتل رجل وزوجته وابنه": the one person named at ``k`` and every single person
    joined to it by و are counted together, as coders write "امرأة وطفلة" as 2: (people, civilians among
    them). A group joined to it ("رجل وأطفاله"، "وأفراد عائلته") has no stated size: None."""
    people, civilians = 1, int(_civilian(toks[k]))
    for tok in toks[k + 1 :]:
        if not tok.clitics.startswith("و"):
            break
        if _one_person(tok, cue):
            people += 1
            civilians += _civilian(tok)
        elif tok.stem in cue["companions"]:
            return None
        else:
            break
    return people, civilians


def _one_person(tok: Token, cue: Mapping[str, frozenset[str]]) -> bool:
    """One person: "وطفلة"، "ورجل", or one of kin ("وزوجته"، "وطفلها"، "وطفلتها")."""
    return tok.stem in _PERSON or tok.stem in cue["kin_one"] or tok.key[1:] in cue["kin_one"] or _possessed(tok) in _PERSON


def _civilian(tok: Token) -> bool:
    return tok.stem in _CIVILIAN_PERSON or tok.key in _CIVILIAN_PERSON or _possessed(tok) in _CIVILIAN_PERSON


def _possessed(tok: Token) -> str:
    """The noun under a possessive pronoun ("طفلها" → "طفل"، "طفلتها" → "طفله"), or "" when none."""
    base = _stem_before_pronoun(tok)
    if base == tok.stem or len(base) < 3:
        return ""
    return base[:-1] + "ه" if base.endswith("ت") else base


def counted_before(prev: Token, cue: Mapping[str, frozenset[str]]) -> bool:
    """The word before a singular person noun makes it part of a group counted already: "إحداهما ناشطة"،
    "بينهم طفل", or a number ("15 شخصاً"، "ثلاثة وعشرين شخصاً")."""
    return prev.stem in _PARTITIVE or prev.key.isdigit() or prev.key in cue["number_words"] or (
        prev.stem in cue["number_words"])


@lru_cache(maxsize=100_000)
def _word_token(word: str) -> Token:
    """A token whose key and stem are ``word``, for ``count_key``, which reads nothing else of it: asked
    for every word with a pronoun suffix, and one kept per word costs less than one made each time."""
    return Token(0, 0, word, word, word, "")


def _suffix_victims(tok: Token, count_key: CountKey) -> int:
    """1 or 2 when the word is a death noun with a singular or dual pronoun suffix ("مقتله"، "بإعدامهما"،
    "تصفيته"), else 0. Each suffix ends in ا or ه, and a word ends in at most one of them."""
    stem = tok.stem
    if stem.endswith("هما"):
        base, n = stem[:-3], 2
    elif stem.endswith("ها"):
        base, n = stem[:-2], 1
    elif stem.endswith("ه"):
        base, n = stem[:-1], 1
    else:
        return 0
    if len(base) < 3:
        return 0
    if count_key(_word_token(base), "") == "fatalities":
        return n
    if base.endswith("ت") and count_key(_word_token(base[:-1] + "ه"), "") == "fatalities":
        return n  # تصفيته → تصفية
    return 0


def pronoun_victims(toks: Sequence[Token], out: dict[str, Quantity], count_key: CountKey, at: int | None = None) -> None:
    """"أشعل مقتله غضباً"، "بإعدامهما"، "أبلغ عائلته بأنه أُعدم": a death word whose pronoun (or the
    pronoun of أنّ before it) is the victim counts one person, or two for the dual. With ``at``, only the
    word that starts there (the event's trigger) is read."""
    if at is None:
        # Only a word with a pronoun suffix (each ends in ا or ه) or one right after أنه can count.
        stems = [t.stem for t in toks]
        candidates: Sequence[int] = [k for k, stem in enumerate(stems) if stem.endswith(("ا", "ه"))
                                     or (k and stems[k - 1] in _THAT_PRONOUN)]  # fmt: skip
    else:
        first = bisect.bisect_left(toks, at, key=_START)
        candidates = range(first, min(first + 1, len(toks)))
    for k in candidates:
        tok = toks[k]
        if at is not None and tok.start_char != at:
            return
        n = _suffix_victims(tok, count_key)
        if not n and k > 0 and toks[k - 1].stem in _THAT_PRONOUN and count_key(tok, "") == "fatalities":
            n = _THAT_PRONOUN[toks[k - 1].stem]
        if n:
            out["fatalities"] = Quantity(n, n, n, "exact", tok.start_char, tok.end_char)
            # "أخبر ذوي طفل ... بأنه أعدمه": the pronoun stands for the person named last before it
            named = next((t for t in reversed(toks[:k]) if t.stem in _PERSON or t.key in _PERSON), None)
            if n == 1 and named is not None and _civilian(named):
                out["civilians_killed"] = out["fatalities"]
            return


def taken_people(text: str, toks: Sequence[Token], t_start: int, cue: Mapping[str, frozenset[str]]) -> Quantity | None:
    """The people an arrest, abduction or release takes or frees when the text gives no number: the
    pronoun on the trigger word ("بعد نحو ستة أشهر من اعتقاله"، "اختطفوهما") or on "عن"/"سراح" after it
    ("أفرجت عنه"), or one person named by a singular noun right after it ("خطفت مجموعة مسلحة شاباً"), with
    the single people joined to it ("اعتقلت شاباً وطفلاً": 2, as coders write "امرأة وطفلة"). A plural
    pronoun ("اعتقالهم") states no number, and a person named with a group or company of no stated size
    ("رجلاً مع أسرته"، "رجل وأفراد عائلته") is one of several: no count."""
    k = bisect.bisect_left(toks, t_start, key=_START)
    if k < len(toks) and toks[k].start_char == t_start and (n := _pronoun_people(toks[k])):
        return Quantity(n, n, n, "exact", toks[k].start_char, toks[k].end_char)
    mark = _CLAUSE_END.search(text, t_start)
    clause_end = mark.start() if mark else len(text)  # where the trigger's clause ends, found once
    for j in range(k + 1, min(k + 7, len(toks))):
        tok = toks[j]
        if clause_end < tok.start_char:
            return None
        if tok.stem not in _FREED_CARRIER and _stem_before_pronoun(tok) in _FREED_CARRIER:
            n = _pronoun_people(tok)  # "عنه"، "عنهما"; "عنهم" states no number
            return Quantity(n, n, n, "exact", tok.start_char, tok.end_char) if n else None
        if tok.stem in _PERSON or tok.key in _PERSON:
            joined = joined_people(toks, j, cue)
            last = j + joined[0] if joined else j
            if tok.clitics.startswith("و") or joined is None or (last < len(toks) and toks[last].stem in ("مع", "برفقه")):
                return None
            return Quantity(joined[0], joined[0], joined[0], "exact", tok.start_char, toks[last - 1].end_char)
    return None


def _pronoun_people(tok: Token) -> int:
    """1 or 2 for a singular or dual object pronoun written on the word (a ة read as ه is no pronoun)."""
    word = strip_tatweel(strip_diacritics(tok.text))
    for suffix, n in _OBJECT_PRONOUN:
        if word.endswith(suffix) and len(tok.stem) - len(suffix) >= 2:
            return n
    return 0


def _stem_before_pronoun(tok: Token) -> str:
    for suffix, _ in _OBJECT_PRONOUN:
        if tok.stem.endswith(suffix):
            return tok.stem[: -len(suffix)]
    return tok.stem


def over_several(text: str, toks: Sequence[Token], q: Quantity, cue: Mapping[str, frozenset[str]]) -> bool:
    """"تعرّض 4 مواطنين للخطف في حادثتين منفصلتين": a number whose clause places it in several incidents
    totals several events; the coders attach it to none of them."""
    if not toks:
        return False
    start = max((m.end() for m in _CLAUSE_END.finditer(text, toks[0].start_char, q.start_char)), default=0)
    end = m.start() if (m := _CLAUSE_END.search(text, q.end_char, toks[-1].end_char)) else len(text)
    clause = toks[bisect.bisect_left(toks, start, key=_START) : bisect.bisect_left(toks, end, key=_START)]
    incidents = cue["incidents"]
    if incidents.isdisjoint(map(_STEM, clause)):
        return False  # no word of incidents at all: the pairs are not read one by one
    return any(
        b.stem in incidents and (a.key == "في" or b.clitics.endswith("ب")) for a, b in pairwise(clause)
    )  # "في حادثتين"، "بحادثين"


def listed(text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Several places named as one list ("من بلدتي الهامة وقدسيا"، "البارة، وإحسم"), not one place
    inside another ("حي البرتقال بقرية الزيتونة"): a number the sentence gives them is their total."""
    ordered = sorted(set(spans))
    return len(ordered) > 1 and all(
        a_end <= b_start and _LIST_GAP.fullmatch(text[a_end:b_start]) for (_, a_end), (b_start, _) in pairwise(ordered))


def defectors(text: str, toks: Sequence[Token], t_start: int) -> Quantity | None:
    """"ساعد الجيش قيادياً في قسد على الانشقاق"، "انشق ضابط": one defector named by a singular noun in the
    trigger's clause; "برفقة أحد مرافقيه"، "مع أحد عناصر حمايته" after the trigger adds the one who went
    with him."""
    k = bisect.bisect_left(toks, t_start, key=_START)
    lo = max((m.end() for m in _CLAUSE_END.finditer(text, toks[0].start_char if toks else 0, t_start)), default=0)
    person = next((t for t in reversed(toks[max(0, k - 10) : k]) if t.start_char >= lo
                   and (t.stem in _PERSON or t.key in _PERSON)), None)  # fmt: skip
    after = []
    mark = _CLAUSE_END.search(text, t_start)
    clause_end = mark.start() if mark else len(text)  # where the trigger's clause ends, found once
    for tok in toks[k + 1 : k + 8]:
        if clause_end < tok.start_char:
            break
        after.append(tok)
    if person is None:
        person = next((t for t in after[:2] if t.stem in _PERSON or t.key in _PERSON), None)
    if person is None:
        return None
    n = 1 + any(a.key in ("برفقه", "مع") and b.key in ("احد", "احدي") for a, b in pairwise(after))
    return Quantity(n, n, n, "exact", person.start_char, person.end_char)
