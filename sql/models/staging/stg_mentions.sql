-- The view's SQL: stg_mentions_rows (sql/macros/views.sql).
{{ stg_mentions_rows(source('newsetl', 'mentions')) }}
