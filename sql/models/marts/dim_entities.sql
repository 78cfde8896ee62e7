{#- Incremental (sql/macros/changed.sql): a scheduled build deletes and recomputes the changed
    entities. Their rows as they were are kept first (main._scope_dim_entities): the marts that
    copy an entity's name (fct_events, fct_quotes) set it again only where it moved
    (changed(…, 'renamed')), not in every row of every changed entity. -#}
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook=[
            "{{ entity_mentions_scope_sql() }}",
            "{{ scope_table('dim_entities', 'select entity_id, canonical_name, entity_label from ' ~ this ~ ' where ' ~ changed('entity_id', 'entity')) }}",
            "{{ incremental_delete(changed_rows(this.identifier)) }}",
        ],
    )
}}

with

-- the changed entities' mentions (sql/macros/changed.sql, entity_mentions_scope)
entity_mentions as (
    {{ entity_mentions_scope(ref('int_entity_mentions')) }}
),

-- An entity can carry different labels (GPE in one article, ORG in another) and spellings
-- ("US Senate", "U.S. Senate"): keep the most frequent; ties go to the first in byte order.
-- Demonyms ("French", label NORP) are mentions of their country's entity: a country is a place
-- even when it is named more often by its adjective, so NORP only wins when it is all there is.
label_votes as (
    select
        entity_id,
        label,
        count(*) as n_mentions
    from entity_mentions
    group by all
),

entity_label as (
    select
        entity_id,
        label as entity_label
    from label_votes
    qualify row_number() over (
        partition by entity_id order by label = 'NORP', n_mentions desc, label
    ) = 1
),

name_votes as (
    select
        entity_id,
        canonical_name,
        count(*) as n_mentions
    from entity_mentions
    group by all
),

entity_name as (
    select
        entity_id,
        canonical_name
    from name_votes
    qualify row_number() over (
        partition by entity_id order by n_mentions desc, canonical_name
    ) = 1
),

country_votes as (
    select
        entity_id,
        country_code,
        count(*) as n_mentions
    from entity_mentions
    where country_code is not null
    group by all
),

entity_country as (
    select
        entity_id,
        country_code
    from country_votes
    qualify row_number() over (
        partition by entity_id order by n_mentions desc, country_code
    ) = 1
),

-- Reprints are counted once: a story's mentions of an entity are those of the article of the
-- story that mentions it most (the original and its reprints say the same thing).
story_mentions as (
    select
        entity_id,
        story_id,
        max(n_mentions) as n_mentions
    from (
        select
            entity_id,
            story_id,
            article_id,
            count(*) as n_mentions
        from entity_mentions
        group by all
    )
    group by all
),

story_stats as (
    select
        entity_id,
        sum(n_mentions)::bigint as mention_count,
        count(*) as article_count
    from story_mentions
    group by all
),

entity_stats as (
    select
        entity_mentions.entity_id,
        min(entity_mentions.published_date) as first_seen_date,
        max(entity_mentions.published_date) as last_seen_date,
        any_value(story_stats.mention_count) as mention_count,
        any_value(story_stats.article_count) as article_count,
        count(distinct entity_mentions.label) as label_count,
        count(distinct entity_mentions.canonical_name) as name_count
    from entity_mentions
    inner join story_stats on entity_mentions.entity_id = story_stats.entity_id
    group by all
),

final as (
    select
        entity_stats.entity_id,
        entity_name.canonical_name,
        entity_label.entity_label,
        entity_country.country_code,
        entity_stats.first_seen_date,
        entity_stats.last_seen_date,
        entity_stats.mention_count,
        entity_stats.article_count,
        entity_stats.label_count,
        entity_stats.name_count
    from entity_stats
    inner join entity_name on entity_stats.entity_id = entity_name.entity_id
    inner join entity_label on entity_stats.entity_id = entity_label.entity_id
    left join entity_country on entity_stats.entity_id = entity_country.entity_id
)

select * from final
