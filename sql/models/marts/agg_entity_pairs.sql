{#- Incremental (sql/macros/changed.sql): a pair's counts and dates move only with an article that
    names both its entities, and every entity a changed article names (before and after) is a
    changed entity: so only the pairs of two changed entities are deleted and recomputed, from
    the mentions of the changed entities alone. A pair with one changed entity keeps its counts;
    its names, labels and jaccard (the entities' article counts) are set again from
    dim_entities where they moved (a post-hook UPDATE, the same expressions as `final`).
    Recomputing every pair of a changed entity read every article naming it: 77,345 pairs from
    353,295 article pairs for 50 new stories at 18,992 (a popular entity's pairs are much of
    the table). -#}
{%- set names -%}{% raw %}
    select
        t.pair_rowid,
        entity_a.canonical_name as entity_a_name,
        entity_a.entity_label as entity_a_label,
        entity_b.canonical_name as entity_b_name,
        entity_b.entity_label as entity_b_label,
        round(
            t.article_count
            / (entity_a.article_count + entity_b.article_count - t.article_count),
            4
        ) as jaccard
    -- the pairs of a changed entity, by rowid: a scan of each id column alone first (`a in (…)
    -- or b in (…)` on the table read every column of every pair: 0.83 s -> 0.35 s at 100,000)
    -- (and updated by rowid: a join on the two ids read both columns of every pair)
    from (
        select rowid as pair_rowid, * from {{ this }}
        where rowid in (
            select rowid from {{ this }} where {{ changed('entity_a_id', 'entity') }}
            union all
            select rowid from {{ this }} where {{ changed('entity_b_id', 'entity') }}
        )
    ) as t
    inner join {{ ref('dim_entities') }} as entity_a on t.entity_a_id = entity_a.entity_id
    inner join {{ ref('dim_entities') }} as entity_b on t.entity_b_id = entity_b.entity_id
{% endraw %}{%- endset %}
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook=[
            "{{ check_scope('entity_mentions') }}",
            "{{ incremental_delete(changed('entity_a_id', 'entity') ~ ' and '"
            ~ " ~ changed('entity_b_id', 'entity')) }}",
        ],
        post_hook="{% if is_incremental() %}update {{ this }} as t set "
        ~ "entity_a_name = n.entity_a_name, entity_a_label = n.entity_a_label, "
        ~ "entity_b_name = n.entity_b_name, entity_b_label = n.entity_b_label, "
        ~ "jaccard = n.jaccard from (" ~ names ~ ") as n "
        ~ "where t.rowid = n.pair_rowid "
        ~ "and (t.entity_a_name is distinct from n.entity_a_name "
        ~ "or t.entity_a_label is distinct from n.entity_a_label "
        ~ "or t.entity_b_name is distinct from n.entity_b_name "
        ~ "or t.entity_b_label is distinct from n.entity_b_label "
        ~ "or t.jaccard is distinct from n.jaccard){% else %}select 1{% endif %}",
    )
}}

with

-- In an incremental build, the mentions of the changed entities: the pairs of two of them
-- (sql/macros/changed.sql, entity_mentions_scope).
entity_mentions as (
    {{ entity_mentions_scope(ref('int_entity_mentions')) }}
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
