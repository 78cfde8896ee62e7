{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook="{{ incremental_delete(changed_rows(this.identifier)) }}",
    )
}}

with

quotes as (
    select * from {{ ref('fct_quotes') }}
    where {{ incremental_filter('speaker_entity_id', 'entity') }}
),

-- Quotes attributed to an entity, placed in the month of their article's publication;
-- quotes in undated articles, and quotes without a tone (loaded before tone existed and not
-- reprocessed yet), are left out.
placed as (
    select
        speaker_entity_id,
        speaker_canonical_name,
        speaker_label,
        quote_id,
        article_id,
        cast(date_trunc('month', published_date) as date) as month_start,
        tone
    from quotes
    where
        speaker_entity_id is not null
        and published_date is not null
        and tone is not null
),

final as (
    select
        speaker_entity_id,
        month_start,
        any_value(speaker_canonical_name) as speaker_name,
        any_value(speaker_label) as speaker_label,
        count(*) as quote_count,
        count(distinct article_id) as article_count,
        {{ exact_avg("tone") }} as avg_tone,
        count(*) filter (where tone < 0) as negative_quote_count
    from placed
    group by speaker_entity_id, month_start
)

select * from final
