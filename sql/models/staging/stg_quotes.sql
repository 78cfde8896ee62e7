-- The view's SQL: stg_quotes_rows (sql/macros/views.sql).
{{ stg_quotes_rows(source('newsetl', 'quotes')) }}
