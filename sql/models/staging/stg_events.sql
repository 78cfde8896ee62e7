-- The view's SQL: stg_events_rows (sql/macros/views.sql).
{{ stg_events_rows(source('newsetl', 'events')) }}
