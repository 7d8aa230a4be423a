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
_END_CHARS = ".!?؟…؛"
_START = attrgetter("start_char")
_make_token = fast_maker(Token)
_make_sentence = fast_maker(Sentence)
# Proclitics and stem of each word key (``strip_clitics``): a plain dict is read without the call the
# ``lru_cache`` wrapper costs, for every word of every document.
_SPLITS: dict[str, tuple[str, str]] = {}


def _after_end_chars(text: str) -> list[int]:
    """The offset right after each of ``_END_CHARS`` in ``text``, in order: ``str.find`` runs through the
    text in C, far fewer instructions than a character class of a regular expression at every character."""
    found = []
    for c in _END_CHARS:
        i = text.find(c)
        while i != -1:
            i += 1
            found.append(i)
            i = text.find(c, i)
    found.sort()
    return found


def _sentence_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of each sentence, trimmed of surrounding white space."""
    spans: list[tuple[int, int, int]] = []
    after = _after_end_chars(text)
    n_after = len(after)
    k = 0
    pos = 0
    for paragraph, line in enumerate(text.split("\n")):
        start = 0
        line_end = pos + len(line)
        while k < n_after and after[k] <= line_end:  # the end characters of this line
            m = _SENTENCE_END.match(line, after[k] - pos)
            k += 1
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


def tokens(text: str, norm: Normalized | None = None) -> list[Token]:
    """All word tokens of ``text`` in order: the runs of letters and digits of the matching key
    (``_TOKEN``)."""
    norm = norm or normalize(text)
    # The loop runs for every word of every document: ``Normalized.span`` is inlined (a token is never
    # empty) and names are bound locally. The key's chunks are its pieces between single spaces, so each
    # chunk's offset follows from the one before; most chunks are a whole word, which ``str.isalnum``
    # tells in C, and the pattern only runs on the others (with punctuation, a line break).
    key = norm.key
    offsets = norm.offsets
    splits = _SPLITS
    make = _make_token  # model.fast_maker: Token(...), twice as fast
    out: list[Token] = []
    append = out.append
    pos = 0
    for chunk in norm.chunks:
        n = len(chunk)
        # ``_SPLITS`` only holds words of letters and digits: a chunk found there needs no ``isalnum``
        parts = splits.get(chunk)
        if parts is None:
            if not chunk.isalnum():
                if n:
                    out += _glued_tokens(text, key, offsets, chunk, pos)
                pos += n + 1
                continue
            parts = _split(chunk)
        start = offsets[pos]
        end = offsets[pos + n - 1] + 1
        append(make(start, end, text[start:end], chunk, parts[1], parts[0]))
        pos += n + 1
    return out


def _glued_tokens(text: str, key: str, offsets: tuple[int, ...], chunk: str, pos: int) -> list[Token]:
    """The tokens of a chunk of the key that holds more than a word, at key offset ``pos``. Each word's
    offset is the first place it occurs from the end of the word before, as only non-word characters
    stand between two words."""
    out = []
    e = pos
    for word in _TOKEN.findall(chunk):
        k = key.find(word, e)
        e = k + len(word)
        start = offsets[k]
        end = offsets[e - 1] + 1
        clitics, stem = _split(word)
        out.append(_make_token(start, end, text[start:end], word, stem, clitics))
    return out


def _split(word: str) -> tuple[str, str]:
    """``strip_clitics(word)``, kept in ``_SPLITS``."""
    parts = _SPLITS.get(word)
    if parts is None:
        if len(_SPLITS) >= 200_000:
            _SPLITS.clear()
        parts = _SPLITS[word] = strip_clitics(word)
    return parts


def segment(text: str, norm: Normalized | None = None) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences with their tokens."""
    toks = tokens(text, norm)
    starts = list(map(_START, toks))
    out = []
    for s, e, p in _sentence_spans(text):
        lo = bisect.bisect_left(starts, s)
        hi = bisect.bisect_left(starts, e)
        out.append(_make_sentence(s, e, text[s:e], tuple(toks[lo:hi]), p))
    return tuple(out)
