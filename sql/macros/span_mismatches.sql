{#-
    The span contract (model_checks' `spans`): for every row of `rows` with a span (text and
    both offsets non-NULL), body[start_column:end_column] == column, body being the article's
    text in `articles`, and the span lies inside the body. A query of the rows breaking it.
    Offsets are Python string indices (code points); DuckDB's substring counts code points too.
    Whether text and offsets are NULL together is a separate row rule.
-#}
{% macro span_mismatches(rows, column, start_column, end_column, articles) %}

with

spans as (
    select
        article_id,
        {{ start_column }} as span_start,
        {{ end_column }} as span_end,
        {{ column }} as span_text
    from {{ rows }}
    where
        {{ column }} is not null
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
)

select *
from compared
where
    span_start < 0
    or span_end > body_length
    or body_text is distinct from span_text

{% endmacro %}
