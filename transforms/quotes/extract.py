"""Quotations and reported statements of one article: the rows of the ``quotes`` table.

:func:`extract_quotes` reads the article's :class:`~transforms.analysis.Analysis` (its
quotation segments, quoted-token mask, mentions and pronoun answers) and returns
:class:`~transforms.quotes.rows.Quote` rows in text order: the direct quotes
(:mod:`transforms.quotes.direct`), then the indirect statements
(:mod:`transforms.quotes.indirect`), each span once per kind; common-noun and document
speakers are linked to whom they stand for, in text order (:mod:`transforms.quotes.referents`).
"""

from __future__ import annotations

from transforms.analysis import Analysis
from transforms.quotes.direct import direct_quotes
from transforms.quotes.indirect import indirect_statements
from transforms.quotes.partial import reported_partial
from transforms.quotes.referents import Referents
from transforms.quotes.rows import Quote


def extract_quotes(an: Analysis) -> list[Quote]:
    """Every quotation and reported statement of one article, in text order."""
    if not an.text.strip() or len(an.doc) == 0:
        return []
    quotes: list[Quote] = []
    seen: set[tuple[int, int, bool]] = set()
    direct = direct_quotes(an)
    indirect = indirect_statements(an)
    Referents(an).resolve_all([item.attr for item in direct] + [attr for _, attr in indirect])
    for item in direct:
        seg = item.seg
        partial = reported_partial(an, item)
        q = Quote.of(
            an.article_id, an.text, (seg.start, seg.end), True, partial, item.sentence, item.attr
        )
        key = (q.start_char, q.end_char, True)
        if key not in seen:
            seen.add(key)
            quotes.append(q)
    for span, attr in indirect:
        sentence = an.sentence_of(span.start)
        q = Quote.of(
            an.article_id, an.text, (span.start_char, span.end_char), False, False, sentence, attr
        )
        key = (q.start_char, q.end_char, False)
        if key not in seen:
            seen.add(key)
            quotes.append(q)
    quotes.sort(key=lambda q: (q.start_char, q.end_char, not q.is_direct))
    return quotes
