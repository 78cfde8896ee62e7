"""The row class of the ``quotes`` table, and how an attribution becomes a row."""

from __future__ import annotations

from dataclasses import dataclass

from transforms.ids import stable_id
from transforms.quotes.referents import speaker_kind
from transforms.quotes.speakers import Attribution


@dataclass
class Quote:
    """One quotation (direct) or reported statement (indirect) with its speaker and cue.

    Its fields are the columns of ``schemas.QUOTES`` but ``quote_id``, derived from the
    article, the span and the kind (:attr:`quote_id`); :meth:`row` is the table's row.
    """

    article_id: str
    start_char: int
    end_char: int
    text: str
    is_direct: bool
    is_partial: bool
    sentence_index: int
    speaker_text: str | None = None
    speaker_start_char: int | None = None
    speaker_end_char: int | None = None
    speaker_name: str | None = None
    speaker_entity_id: str | None = None
    speaker_mention_id: str | None = None
    speaker_kind: str = "none"
    cue: str | None = None
    cue_start_char: int | None = None
    cue_end_char: int | None = None
    tone: float | None = None  # transforms.tone, set by transforms.pipeline.extract

    @property
    def quote_id(self) -> str:
        role = "direct" if self.is_direct else "indirect"
        return stable_id("quote", self.article_id, self.start_char, self.end_char, role)

    def row(self) -> dict:
        """The row of the ``quotes`` table."""
        return {
            "quote_id": self.quote_id,
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "text": self.text,
            "is_direct": self.is_direct,
            "is_partial": self.is_partial,
            "speaker_text": self.speaker_text,
            "speaker_start_char": self.speaker_start_char,
            "speaker_end_char": self.speaker_end_char,
            "speaker_name": self.speaker_name,
            "speaker_entity_id": self.speaker_entity_id,
            "speaker_mention_id": self.speaker_mention_id,
            "speaker_kind": self.speaker_kind,
            "cue": self.cue,
            "cue_start_char": self.cue_start_char,
            "cue_end_char": self.cue_end_char,
            "tone": self.tone,
        }

    @classmethod
    def of(
        cls,
        article_id: str,
        text: str,
        span: tuple[int, int],
        direct: bool,
        partial: bool,
        sentence: int,
        attr: Attribution,
    ) -> Quote:
        """The quote of the characters ``span`` of ``text``, attributed by ``attr``."""
        start, end = span
        q = cls(
            article_id=article_id,
            start_char=start,
            end_char=end,
            text=text[start:end],
            is_direct=direct,
            is_partial=partial,
            sentence_index=sentence,
        )
        q.speaker_kind = attr.kind or speaker_kind(attr)
        if attr.speaker is not None:
            sp = attr.speaker
            q.speaker_text = sp.text
            q.speaker_start_char, q.speaker_end_char = sp.start_char, sp.end_char
        if attr.mention is not None and attr.mention.entity is not None:
            q.speaker_name = attr.mention.canonical_name
            q.speaker_entity_id = attr.mention.entity_id
            q.speaker_mention_id = attr.mention.mention_id
        if attr.cue is not None:
            q.cue = attr.cue.text
            q.cue_start_char, q.cue_end_char = attr.cue.start_char, attr.cue.end_char
        return q
