"""Sentences and tokens, with proclitics split off, all with offsets into the original text."""

from __future__ import annotations

import bisect
import re
from operator import attrgetter

from raqib.model import Sentence, Token, fast_maker
from raqib.normalize import Normalized, normalize, strip_clitics

# A sentence ends at . ! ? ؟ … or ؛ (with the closing quotes or brackets right after it) followed
# by white space (so "3.5" and "U.S" stay whole; a one-letter abbreviation such as "د." does not end
# one), and at every line break: news texts put one paragraph per line and titles carry no full
# stop. A full stop glued to the next Arabic word ("عنهما.ويذكر", a common typing slip) ends a
# sentence too, unless a tatweel stands before it ("القـ.صف": a word broken on purpose, see
# normalize._MASK_DOT).
_SENTENCE_END = re.compile(
    r"(?<![\s(][\u0621-\u064aA-Za-z][.])(?<=[.!?؟…؛])([\"'”’»)]*)\s+"
    r"|(?<=[\u0621-\u063f\u0641-\u064a][\u0621-\u063f\u0641-\u064a][.!?؟])(?=[\u0621-\u064a])"
)
# Tokens are runs of letters and digits in the matching key, where tatweel and zero-width
# characters are already gone, so "لـ”قسد”" yields ل and قسد.
_TOKEN = re.compile(r"[^\W_]+")
# Every match of _SENTENCE_END begins right after one of these characters (both alternatives look
# back at one); trying the pattern only there gives the same matches as ``finditer`` without
# running its look-behinds at every character of the text.
_END_CHAR = re.compile(r"[.!?؟…؛]")
_START = attrgetter("start_char")
_make_token = fast_maker(Token)


def _sentence_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of each sentence, trimmed of surrounding white space."""
    spans: list[tuple[int, int, int]] = []
    pos = 0
    for paragraph, line in enumerate(text.split("\n")):
        start = 0
        for c in _END_CHAR.finditer(line):
            m = _SENTENCE_END.match(line, c.end())
            if m is None:
                continue
            # closing quotes and brackets after the full stop belong to the sentence they close
            end = m.end(1) if m.end(1) >= 0 else m.start()
            spans.append((pos + start, pos + end, paragraph))
            start = m.end()
        spans.append((pos + start, pos + len(line), paragraph))
        pos += len(line) + 1
    trimmed = []
    for s, e, p in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e, p))
    return trimmed


def _words(norm: Normalized) -> list[str]:
    """``_TOKEN.findall(norm.key)``, a third faster: white space never stands inside a token, and most
    white-space separated chunks are a whole word, which ``str.isalnum`` tells in C without the
    regular expression's per-character work."""
    findall = _TOKEN.findall
    words: list[str] = []
    for chunk in norm.chunks:
        if chunk.isalnum():
            words.append(chunk)
        else:
            words += findall(chunk)
    return words


def tokens(text: str, norm: Normalized | None = None) -> list[Token]:
    """All word tokens of ``text`` in order."""
    norm = norm or normalize(text)
    # The loop runs for every word of every document: ``Normalized.span`` is inlined (a token is
    # never empty) and names are bound locally. Each word's offset is the first place it occurs
    # from the end of the word before, as only non-word characters stand between two words.
    key = norm.key
    offsets = norm.offsets
    split = strip_clitics
    make = _make_token  # model.fast_maker: Token(...), twice as fast
    out = []
    append = out.append
    find = key.find
    e = 0
    for word in _words(norm):
        k = find(word, e)
        e = k + len(word)
        start = offsets[k]
        end = offsets[e - 1] + 1
        clitics, stem = split(word)
        append(make(start, end, text[start:end], word, stem, clitics))
    return out


def segment(text: str, norm: Normalized | None = None) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences with their tokens."""
    toks = tokens(text, norm)
    starts = list(map(_START, toks))
    out = []
    for s, e, p in _sentence_spans(text):
        lo = bisect.bisect_left(starts, s)
        hi = bisect.bisect_left(starts, e)
        out.append(Sentence(s, e, text[s:e], tuple(toks[lo:hi]), p))
    return tuple(out)
