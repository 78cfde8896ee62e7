-- The join every entity mart repeated: each mention of a resolved entity with its article's
-- publication date. Numeric and temporal mentions (entity_id NULL) are not entities.
-- is_tag: the mention is a label opening a paragraph, not a word of the news: a transcript's
-- speaker tag ("((WN)) Why did you…", "SMITH: We…") — in brackets, or followed by a colon.
-- The view's SQL: int_entity_mentions_rows (sql/macros/views.sql).
{{ int_entity_mentions_rows(ref('stg_mentions'), ref('stg_articles')) }}
