"""Geocoding: a place name as the text writes it, plus the context the text gives, to a ``Place``.

Order of attempts (the first that yields a candidate consistent with the context wins):

1. exact: the name's key (``normalize.bare`` words) in the gazetteer's Arabic name index, with or
   without a leading generic word (قرية، بلدة، ناحية ...);
2. variant: the part in parentheses, the name written without spaces (كفرصفرة / كفر صفرة),
   البو ↔ ابو, a gazetteer name one qualifier longer (الباغوز → الباغوز فوقاني);
3. cross-script: the name romanised (``gazetteer.romanize``) and compared with rapidfuzz to the
   English names of the places of the context's area (sub-district, district, the vicinity of
   the context's towns, governorate, in that order): places known only in English (Wikipedia map
   marks, IOM communities without coordinates, which give their sub-district) match on the
   romanisation alone (matched_by "cross-script"); places with a differently spelled Arabic name
   must also be close in Arabic (matched_by "variant");
4. context: a landmark's namesake (سد مأرب → مأرب), places named inside a descriptive name, the
   parent (التابعة لبلدة X), else the most specific place of the context (town, sub-district,
   district, governorate), with ``precision`` saying how coarse that is;
5. none: ``lat``/``lon`` None, ``precision`` "unknown".

Ambiguous names are resolved by the context's governorate/district/town and by ``near`` (the
positions of the other places of the same report). Context parses, area pools and parents are
cached on the ``Gazetteer`` (bounded).

The modules: ``names`` (vocabulary, name parsing), ``candidates`` (the name index, area pools,
cross-script matching, scoring), ``context`` (``parse_context``, ``resolve_context``) and
``locate`` (``geocode``). Import from ``raqib.geocode``.
"""

from __future__ import annotations

from raqib.gazetteer import romanize
from raqib.geocode.context import Anchor, ContextInfo, parse_context, resolve_context
from raqib.geocode.locate import geocode
from raqib.geocode.names import _parse_name as _parse_name

__all__ = ["Anchor", "ContextInfo", "geocode", "parse_context", "resolve_context", "romanize"]
