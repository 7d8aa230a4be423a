"""Actor mentions from the actor dictionary, with the country and day of the report deciding
which alias applies ("الجيش" is a different army in Syria, Sudan and Libya), and generic
back-references ("التنظيم", "الأخير") resolved to the actor most recently named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

from raqib.model import ActorMention, Sentence, fast_maker

# Words that point back to the last actor named ("the latter"). Kept here, not in the
# dictionary, because they name no actor of their own.
_ANAPHORS = frozenset(["اخير", "اخيره", "اخيرين"])
# Nouns of a kind of organisation: with the article and no name after them ("مسلحو الحزب") they refer
# back to the last actor named with that noun ("حزب العمال الكردستاني").
_KIND_NOUNS = frozenset(["حزب"])
_make_mention = fast_maker(ActorMention)


_LONE_CLITICS = frozenset(["ل", "ب", "و", "ف"])  # proclitics left alone by a tatweel or quote mark

class AliasLike(Protocol):
    """What the finder needs of a dictionary alias (see ``raqib.actors.Alias``)."""

    actor: str
    kind: str

    def applies(self, country: str | None = None, day: dt.date | None = None) -> bool:
        """Whether the alias names its actor in a report about ``country`` on ``day``."""
        ...


class ActorFinder:
    """Longest-match actor look-up over token stems (the same form as ``normalize.bare``)."""

    def __init__(self, index: Mapping[tuple[str, ...], Sequence[AliasLike]]) -> None:
        self.index = index
        self.max_words = max((len(k) for k in index), default=1)
        self.first_words = frozenset(k[0] for k in index)
        self.starts = self.first_words | _ANAPHORS  # the stems a mention or a back-reference can begin with
        # every beginning of an alias, so that a longest match stops as soon as none can follow
        self.prefixes = frozenset(k[:n] for k in index for n in range(1, len(k) + 1))

    def find(
        self,
        text: str,
        sentences: Sequence[Sentence],
        country: str | None = None,
        day: dt.date | None = None,
    ) -> list[ActorMention]:
        """Actor mentions of a whole document in text order (anaphora need the earlier ones)."""
        out: list[ActorMention] = []
        # The aliases of a word sequence that apply to this report: its country and day are fixed,
        # and a report names the same sides again and again.
        applicable: dict[tuple[str, ...], list[AliasLike]] = {}
        starts, first_words, prefixes, index = self.starts, self.first_words, self.prefixes, self.index
        reach = self.max_words + 1  # + a lone proclitic
        for sentence in sentences:
            toks = sentence.tokens
            after = 0  # the first token past the last mention found
            for i, tok in enumerate(toks):
                # one test for most words: can the word begin a mention or point back?
                if (tok.stem not in starts and tok.key not in first_words) or i < after:
                    continue
                if tok.stem in _ANAPHORS and tok.clitics.endswith("ال") and out:
                    out.append(ActorMention(out[-1].actor, tok.start_char, tok.end_char, tok.stem, True))
                    continue
                if tok.stem not in first_words and tok.key not in first_words:
                    continue
                best: tuple[int, AliasLike, bool] | None = None
                stop = min(len(toks), i + reach)
                for first in (tok.stem,) if tok.stem == tok.key else (tok.stem, tok.key):  # the stem, then the word
                    key: tuple[str, ...] = (first,)
                    j = i  # the last token of ``key``
                    while key in prefixes:
                        candidates = applicable.get(key)
                        if candidates is None:
                            candidates = applicable[key] = [a for a in index.get(key, ()) if a.applies(country, day)]
                        if candidates and (best is None or j + 1 - i > best[0]):
                            best = (j + 1 - i, self._choose(candidates, out), first == tok.key)
                        j += 1
                        while j < stop and toks[j].key in _LONE_CLITICS:
                            j += 1  # "المعارضين لـ”خليفة” التنظيم": a proclitic cut off by a quote mark
                        if j == stop:
                            break
                        key = (*key, toks[j].stem)
                if best is None:
                    if tok.stem in _KIND_NOUNS and tok.clitics.endswith("ال") and (back := _named_with(tok.stem, out)):
                        start = _after_clitics(text, tok.start_char, tok.end_char, tok.clitics[:-2])
                        out.append(ActorMention(back, start, tok.end_char, tok.stem, True))
                    continue
                n, alias, whole = best
                start = tok.start_char
                if not whole and tok.clitics and not tok.clitics.endswith("ال"):
                    start = _after_clitics(text, tok.start_char, tok.end_char, tok.clitics)
                elif not whole and tok.clitics.endswith("ال") and len(tok.clitics) > 2:
                    start = _after_clitics(text, tok.start_char, tok.end_char, tok.clitics[:-2])
                end = toks[i + n - 1].end_char
                out.append(_make_mention(alias.actor, start, end, text[start:end], alias.kind == "generic"))
                after = i + n
        return out

    @staticmethod
    def _choose(candidates: Sequence[AliasLike], earlier: Sequence[ActorMention]) -> AliasLike:
        """Of several actors an alias may name, the one named most recently, else the first."""
        if len(candidates) > 1:
            ids = {a.actor: a for a in candidates}
            for mention in reversed(earlier):
                if mention.actor in ids:
                    return ids[mention.actor]
        return candidates[0]


def _named_with(noun: str, earlier: Sequence[ActorMention]) -> str | None:
    """The actor of the last mention named with ``noun`` ("حزب العمال الكردستاني" for "حزب"), if any."""
    return next((m.actor for m in reversed(earlier) if not m.anaphor and m.alias.split()[:1] == [noun]), None)


def _after_clitics(text: str, start: int, end: int, clitics: str) -> int:
    """Offset just past the proclitic letters at the front of a token (tatweel skipped)."""
    pos = start
    for _ in clitics:
        while pos < end and text[pos] == "\u0640":
            pos += 1
        pos += 1
    while pos < end and text[pos] == "\u0640":
        pos += 1
    return min(pos, end)
