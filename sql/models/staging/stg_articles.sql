-- The view's SQL: stg_articles_rows (sql/macros/views.sql).
{{ stg_articles_rows(source('newsetl', 'articles')) }}
