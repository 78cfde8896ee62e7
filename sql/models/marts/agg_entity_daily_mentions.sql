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

-- A mention is dated by its article's publication date; undated articles are left out.
dated_mentions as (
    select
        entity_id,
        article_id,
        published_date as mention_date
    from entity_mentions
    where
        published_date is not null
        and not is_reprint  -- a reprinted story counts once
),

daily as (
    select
        entity_id,
        mention_date,
        count(*) as mention_count,
        count(distinct article_id) as article_count
    from dated_mentions
    group by all
),

final as (
    select
        daily.entity_id,
        daily.mention_date,
        entities.canonical_name,
        entities.entity_label,
        daily.mention_count,
        daily.article_count
    from daily
    inner join entities on daily.entity_id = entities.entity_id
)

select * from final
