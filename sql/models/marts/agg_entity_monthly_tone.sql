{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook=[
            "{{ check_scope('entity_mentions') }}",
            "{{ incremental_delete(changed_rows(this.identifier)) }}",
        ],
    )
}}

with

-- the changed entities' mentions (sql/macros/changed.sql, entity_mentions_scope)
entity_mentions as (
    {{ entity_mentions_scope(ref('int_entity_mentions')) }}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

-- An article counts once for an entity however often it names it. Placed in the month of the
-- article's publication; undated articles, and articles without a tone (loaded before tone
-- existed and not reprocessed yet), are left out.
placed as (
    select
        entity_id,
        article_id,
        count(*) as mention_count,
        cast(date_trunc('month', any_value(published_date)) as date) as month_start,
        any_value(article_tone) as tone
    from entity_mentions
    where
        published_date is not null
        and article_tone is not null
    group by entity_id, article_id
),

monthly as (
    select
        entity_id,
        month_start,
        count(*) as article_count,
        sum(mention_count) as mention_count,
        {{ exact_avg("tone") }} as avg_tone,
        count(*) filter (where tone < 0) as negative_article_count
    from placed
    group by all
),

final as (
    select
        monthly.entity_id,
        monthly.month_start,
        entities.canonical_name,
        entities.entity_label,
        monthly.article_count,
        monthly.mention_count,
        monthly.avg_tone,
        monthly.negative_article_count
    from monthly
    inner join entities on monthly.entity_id = entities.entity_id
)

select * from final
