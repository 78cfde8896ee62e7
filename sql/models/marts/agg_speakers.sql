-- Incremental (sql/macros/changed.sql): a scheduled build recomputes the rows of the changed
-- speaker entities (the loader records the speakers of every quote of a changed article), then
-- ranks every row again from the table's own columns (the ranks of the others move).
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook="{{ incremental_delete(changed_rows(this.identifier)) }}",
        post_hook="{{ incremental_sql(rerank(this, 'speaker_rank', 'speaker_entity_id', 'quote_count desc, article_count desc, speaker_name, speaker_entity_id')) }}",
    )
}}


with

quotes as (
    select * from {{ ref('fct_quotes') }}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

attributed as (
    select *
    from quotes
    where
        speaker_entity_id is not null and is_reprint is not true  -- a reprinted quote counts once
        and {{ incremental_filter('speaker_entity_id', 'entity') }}
),

speaker_stats as (
    select
        speaker_entity_id,
        count(*) as quote_count,
        count(*) filter (where is_direct) as direct_quote_count,
        count(distinct article_id) as article_count,
        min(published_date) as first_quoted_date,
        max(published_date) as last_quoted_date
    from attributed
    group by all
),

-- The example quote: a direct, whole quotation if there is one, the longest of those.
example_quote as (
    select
        speaker_entity_id,
        quote_id as example_quote_id,
        quote_text as example_quote_text,
        article_title as example_article_title,
        published_date as example_published_date
    from attributed
    qualify row_number() over (
        partition by speaker_entity_id
        order by is_direct desc, is_partial asc, quote_length desc, quote_id
    ) = 1
),

final as (
    select
        row_number() over (
            order by
                speaker_stats.quote_count desc,
                speaker_stats.article_count desc,
                entities.canonical_name,
                speaker_stats.speaker_entity_id
        ) as speaker_rank,
        speaker_stats.speaker_entity_id,
        entities.canonical_name as speaker_name,
        entities.entity_label as speaker_label,
        speaker_stats.quote_count,
        speaker_stats.direct_quote_count,
        speaker_stats.article_count,
        speaker_stats.first_quoted_date,
        speaker_stats.last_quoted_date,
        example_quote.example_quote_id,
        example_quote.example_quote_text,
        example_quote.example_article_title,
        example_quote.example_published_date
    from speaker_stats
    inner join entities on speaker_stats.speaker_entity_id = entities.entity_id
    inner join example_quote on speaker_stats.speaker_entity_id = example_quote.speaker_entity_id
)

select * from final
