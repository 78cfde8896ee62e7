"""Language routing: which spaCy pipeline analyses an article, and the NLP version it carries.

English (or an undetermined language) goes to the main model; a language named in
``NEWSETL_LANGUAGE_MODELS`` to its own pipeline; any other is loaded without NLP rows. Another
language's pipeline contributes its entity mentions only (with OntoNotes labels): quotes and
events rely on English lexicons.
"""

from __future__ import annotations

from flows.settings import Settings
from transforms.nlp import nlp_version as current_nlp_version

#: The nlp_version of an article in a language no pipeline is configured for: loaded, no NLP.
NO_NLP_VERSION = "none:language"
#: OntoNotes labels (sql var entity_labels): other pipelines' mentions must use them.
ENTITY_LABELS = {
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
}  # fmt: skip


def model_for(language: str | None, settings: Settings) -> str | None:
    """The spaCy pipeline for an article's language: English (or undetermined) → the main
    model; a language in NEWSETL_LANGUAGE_MODELS → its model; any other → None (no NLP)."""
    if language in (None, "en"):
        return settings.model
    return dict(settings.language_models).get(language)


def expected_version(
    language: str | None, settings: Settings, main_version: str | None
) -> str | None:
    """The nlp_version an up-to-date article in this language carries."""
    model = model_for(language, settings)
    if model is None:
        return NO_NLP_VERSION
    if model == settings.model:
        return main_version
    return current_nlp_version(model)


def foreign_rows(table: str, rows: list[dict]) -> list[dict]:
    """Rows of another language's pipeline: its entity mentions with OntoNotes labels only
    (quotes and events rely on English lexicons and are not extracted)."""
    if table != "mentions":
        return []
    return [r for r in rows if r["label"] in ENTITY_LABELS]
