-- The strongest co-occurrences: pairs of entities by the number of articles that mention both,
-- among the entities the ranking keeps (no time zones, no boilerplate).
-- One total order (the ids last) for the top-N and the rank, so they agree.
{%- set pair_order = 'article_count desc, jaccard desc, sentence_count desc, entity_a_name, '
    ~ 'entity_b_name, entity_a_id, entity_b_id' %}
with

pairs as (
    select * from {{ ref('agg_entity_pairs') }}
),

ranking as (
    select * from {{ ref('rpt_entity_ranking') }}
),

kept as (
    select
        pairs.*,
        entity_a.entity_label as entity_a_shown_label,
        entity_b.entity_label as entity_b_shown_label
    from pairs
    inner join ranking as entity_a on pairs.entity_a_id = entity_a.entity_id
    inner join ranking as entity_b on pairs.entity_b_id = entity_b.entity_id
    where entity_a.excluded_reason is null and entity_b.excluded_reason is null
),

-- The first pairs alone, by a top-N (ORDER BY ... LIMIT: a heap of N rows) rather than a
-- rank over every pair (a sort of them all: 14.6 s at 100,000 articles); the order is total
-- (the ids last), so these are the rows the rank kept.
top_pairs as (
    select *
    from kept
    order by {{ pair_order }}
    limit {{ var('report_top_pairs') }}
),

final as (
    select
        row_number() over (
            order by {{ pair_order }}
        ) as pair_rank,
        entity_a_id,
        entity_b_id,
        entity_a_name,
        entity_a_shown_label as entity_a_label,
        entity_b_name,
        entity_b_shown_label as entity_b_label,
        article_count,
        sentence_count,
        jaccard
    from top_pairs
)

select * from final
