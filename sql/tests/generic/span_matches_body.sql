{#-
    The span contract: for every row with a span (text and both offsets non-NULL),
    body[start_column:end_column] == column_name, body being the article's text, and the span
    lies inside the body. Offsets are Python string indices (code points); DuckDB's substring
    counts code points too. Whether text and offsets are NULL together is a separate row rule.
-#}
{% test span_matches_body(model, column_name, start_column, end_column, articles) %}

with

spans as (
    select
        article_id,
        {{ start_column }} as span_start,
        {{ end_column }} as span_end,
        {{ column_name }} as span_text
    from {{ model }}
    where
        {{ column_name }} is not null
        and {{ start_column }} is not null
        and {{ end_column }} is not null
),

articles as (
    select
        article_id,
        body
    from {{ articles }}
),

compared as (
    select
        spans.*,
        length(articles.body) as body_length,
        substring(articles.body, spans.span_start + 1, spans.span_end - spans.span_start)
            as body_text
    from spans
    inner join articles on spans.article_id = articles.article_id
),

mismatches as (
    select *
    from compared
    where
        span_start < 0
        or span_end > body_length
        or body_text is distinct from span_text
)

select * from mismatches

{% endtest %}
