-- The source of each article, for rules that look at one source at a time (an outlet's
-- boilerplate): the folder its file was read from (a JSON record: its file's folder), a
-- corpus or a feed's download folder being one collection.
-- The view's SQL: int_article_sources_rows (sql/macros/views.sql).
{{ int_article_sources_rows(ref('stg_articles')) }}
