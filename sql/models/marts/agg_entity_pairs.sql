{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook="{{ incremental_delete(changed_rows(this.identifier)) }}",
    )
}}

with

-- The articles that name a changed entity: every pair of a changed entity is in them (listed
-- first and written out when they are few, sql/macros/changed.sql key_list: under a semi join
-- on the view itself, DuckDB computed int_entity_mentions for every mention of the warehouse).
entity_mentions as (
    select * from {{ ref('int_entity_mentions') }}
    {%- if is_incremental() %}
    where {{ key_list(
        'article_id',
        'select distinct article_id from ' ~ ref('int_entity_mentions')
        ~ ' where ' ~ changed('entity_id', 'entity')
    ) }}
    {%- endif %}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

article_entities as (
    select distinct
        article_id,
        entity_id,
        published_date
    from entity_mentions
    where not is_reprint  -- a reprint repeats its story's pairs
),

sentence_entities as (
    select distinct
        article_id,
        sentence_index,
        entity_id
    from entity_mentions
    where not is_reprint
),

-- Each unordered pair once: entity_a_id < entity_b_id.
article_pairs as (
    select
        a.entity_id as entity_a_id,
        b.entity_id as entity_b_id,
        a.article_id,
        a.published_date
    from article_entities as a
    inner join article_entities as b
        on
            a.article_id = b.article_id
            and a.entity_id < b.entity_id
),

sentence_pairs as (
    select
        a.entity_id as entity_a_id,
        b.entity_id as entity_b_id,
        count(*) as sentence_count
    from sentence_entities as a
    inner join sentence_entities as b
        on
            a.article_id = b.article_id
            and a.sentence_index = b.sentence_index
            and a.entity_id < b.entity_id
    group by all
),

pair_stats as (
    select
        entity_a_id,
        entity_b_id,
        count(*) as article_count,
        min(published_date) as first_seen_date,
        max(published_date) as last_seen_date
    from article_pairs
    group by all
),

final as (
    select
        pair_stats.entity_a_id,
        pair_stats.entity_b_id,
        entity_a.canonical_name as entity_a_name,
        entity_a.entity_label as entity_a_label,
        entity_b.canonical_name as entity_b_name,
        entity_b.entity_label as entity_b_label,
        pair_stats.article_count,
        coalesce(sentence_pairs.sentence_count, 0) as sentence_count,
        -- articles with both / articles with either
        round(
            pair_stats.article_count
            / (entity_a.article_count + entity_b.article_count - pair_stats.article_count),
            4
        ) as jaccard,
        pair_stats.first_seen_date,
        pair_stats.last_seen_date
    from pair_stats
    inner join entities as entity_a on pair_stats.entity_a_id = entity_a.entity_id
    inner join entities as entity_b on pair_stats.entity_b_id = entity_b.entity_id
    left join sentence_pairs
        on
            pair_stats.entity_a_id = sentence_pairs.entity_a_id
            and pair_stats.entity_b_id = sentence_pairs.entity_b_id
)

select * from final
{%- if is_incremental() %}
where
    {{ changed('entity_a_id', 'entity') }}
    or {{ changed('entity_b_id', 'entity') }}
{%- endif %}
