"""Control claims: who holds which place, as a report states it.

Claims come from two places:

* takeovers: X took V → X holds V from that day (a takeover of V's outskirts or parts makes
  the claim ``partial``);
* statements of control: "المناطق الخاضعة لسيطرة X ... A، B، C"، "تحت سيطرة X"، "ما زال X يسيطر
  على A"، "معاقل X"، "X يتحصن في A". The places listed in the clause are X's. Where such a
  statement says that X's areas "shrank to" the listed places (انحسرت، تقلصت، اقتصرت) it is a
  closed-world statement: the timeline (a later stage) treats X's other places in that area as
  no longer X's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from raqib.events import Located
from raqib.model import ActorMention, ControlClaim, DateRef, Event, Sentence

# Statement cues, matched on token keys/stems (see normalize.py). "سيطره" is only a statement when
# it follows one of the words in _STATE_BEFORE ("الخاضعة لسيطرة", "تحت سيطرة", "مناطق سيطرة").
_STATE_BEFORE = frozenset(["خاضعه", "الخاضعه", "تحت", "مناطق", "المناطق", "نفوذ", "معاقل"])
_HOLD_VERBS = re.compile(r"(ي|ت)سيطر(ون)?|(ي|ت)تحصن(ون)?|(ي|ت)حتفظ(ون)?|معاقل|معقل")
_STILL = frozenset(["زال", "يزال", "تزال", "مازال", "لازال", "لايزال", "مازالت", "لاتزال"])
_CLOSED = re.compile(r"(ا|ت|ي)?نحسر\w*|(ت|ي)?قلص\w*|اقتصر\w*|تنحصر|انحصر\w*|باتت|بات|تبقي|تبقت|بقيت")


def claims_from_events(events: Sequence[Event]) -> list[ControlClaim]:
    """A takeover makes its actor the holder of the place (partial for outskirts or parts)."""
    out = []
    for n, ev in enumerate(events):
        if ev.kind != "takeover" or ev.place is None or not ev.actor1 or ev.actor1 == "UNKNOWN":
            continue
        status = "held" if ev.extent in (None, "whole") else "partial"
        out.append(
            ControlClaim(
                place_name=ev.place.name_ar,
                place=ev.place,
                controller=ev.actor1,
                status=status,
                as_of=ev.date,
                evidence_start=ev.evidence_start,
                evidence_end=ev.evidence_end,
                rule_id=f"control.from_event:{ev.rule_id}",
                source_event=n,
            )
        )
    return out


def claims_from_statements(
    text: str,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    places: Sequence[Located],
    dates: Sequence[DateRef],
) -> list[ControlClaim]:
    """Claims from sentences that state who holds what."""
    out: list[ControlClaim] = []
    for sentence in sentences:
        toks = sentence.tokens
        for k, tok in enumerate(toks):
            is_state = (
                tok.stem in ("سيطره", "سيطرته", "سيطرتها", "قبضه", "سلطه")
                and k > 0
                and (toks[k - 1].key in _STATE_BEFORE or toks[k - 1].stem in _STATE_BEFORE)
            ) or bool(_HOLD_VERBS.fullmatch(tok.stem) and (k == 0 or toks[k - 1].key not in ("لم", "لن")))
            if not is_state:
                continue
            # Present tense is a statement when "still" precedes it or it is not the headline
            # form of a fresh capture (the title line uses the present for news).
            if (
                _HOLD_VERBS.fullmatch(tok.stem)
                and tok.stem.startswith(("ي", "ت"))
                and sentence.paragraph == 0
                and not any(t.key in _STILL for t in toks[max(0, k - 3) : k])
            ):
                continue
            controller = _controller(toks, k, sentence, actors)
            if controller is None:
                continue
            clause_end = _clause_end(text, sentence, toks, k)
            closed = any(_CLOSED.fullmatch(t.stem) for t in toks[:k])
            listed = [
                p
                for p in places
                if not p.context_only and tok.end_char <= p.start < clause_end
            ]
            if (k > 0 and toks[k - 1].key in ("تحت", "الخاضعه", "خاضعه")) or tok.stem in ("معاقل", "معقل"):
                # "المدينة الواقعة تحت سيطرة X"، "إدلب الخاضعة لسيطرة X"، "الشعفة التي تعد أهم معاقل X":
                # the place named earlier in the same clause.
                clause_start = max(sentence.start_char, *(text.rfind(c, sentence.start_char, toks[k - 1].start_char) + 1 for c in "،,؛"))
                listed = [
                    p for p in places
                    if not p.context_only and clause_start <= p.start < toks[k - 1].start_char
                ] + listed  # fmt: skip
            date = next((d for d in dates if sentence.start_char <= d.start_char < sentence.end_char), None)
            for loc in listed:
                status = "partial" if _outskirts(text, loc) else "held"
                out.append(
                    ControlClaim(
                        place_name=loc.mention.name,
                        place=loc.place,
                        controller=controller,
                        status=status,
                        as_of=date,
                        evidence_start=sentence.start_char,
                        evidence_end=clause_end,
                        rule_id="control.closed_world.v1" if closed else "control.statement.v1",
                    )
                )
    return out


def _controller(
    toks: Sequence, k: int, sentence: Sentence, actors: Sequence[ActorMention]
) -> str | None:
    """The actor of a control statement: right after "سيطرة", else the subject before the verb."""
    after_start = toks[k].end_char
    limit = toks[min(len(toks) - 1, k + 3)].end_char
    for m in actors:
        if after_start <= m.start_char <= limit:
            return m.actor
    before = [m for m in actors if sentence.start_char <= m.start_char and m.end_char <= toks[k].start_char]
    return before[-1].actor if before else None


def _clause_end(text: str, sentence: Sentence, toks: Sequence, k: int) -> int:
    """End of the list that follows a control cue: the sentence end, or an earlier full stop."""
    rest = text[toks[k].end_char : sentence.end_char]
    m = re.search(r"[.؛;]\s|\s(بسبب|نتيجة|لكون|حيث|كونها)\s", rest)
    return toks[k].end_char + m.start() if m else sentence.end_char


def _outskirts(text: str, loc: Located) -> bool:
    before = text[max(0, loc.start - 12) : loc.start]
    return bool(re.search(r"(أطراف|اطراف|مشارف|محيط)\s*$", before))


def dedupe_claims(claims: Sequence[ControlClaim]) -> list[ControlClaim]:
    """One claim per (place, controller, status, day); the first one's evidence is kept."""
    seen: set[tuple[str, str, str, object]] = set()
    out = []
    for c in claims:
        key = (c.place.gazetteer_id if c.place and c.place.gazetteer_id else c.place_name, c.controller, c.status,
               c.as_of.start if c.as_of else None)  # fmt: skip
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out
