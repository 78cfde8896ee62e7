-- The strongest co-occurrences: pairs of entities by the number of articles that mention both,
-- among the entities the ranking keeps (no time zones, no boilerplate).
-- One total order (the ids last) for the top-N and the rank, so they agree.
{%- set pair_order = 'article_count desc, jaccard desc, sentence_count desc, entity_a_name, '
    ~ 'entity_b_name, entity_a_id, entity_b_id' %}
{#- Candidates (every build reads them, not every pair): the pairs whose article_count is at
    least the CANDIDATES-th largest one, a top-N of that one column (a heap; ties kept). Any other
    pair has fewer articles than each of them, so it ranks after them all (article_count leads
    the order): when at least report_top_pairs candidates are kept by the ranking, the top
    pairs are among them — the same rows. Otherwise (most of the largest pairs name excluded
    entities) every pair is read, as before. Joining every pair to the ranking twice was the
    cost of this model: 0.53-0.71 CPU-s at 100,000 articles (3.9 M pairs), each build. -#}
{%- set candidates = 1000 -%}
{%- set bound -%}
    select min(article_count) from (
        select article_count from {{ ref('agg_entity_pairs') }}
        order by article_count desc limit {{ candidates }}
    )
{%- endset -%}
{%- set kept_sql -%}
    select count(*) from {{ ref('agg_entity_pairs') }} as pairs
    inner join {{ ref('rpt_entity_ranking') }} as entity_a on pairs.entity_a_id = entity_a.entity_id
    inner join {{ ref('rpt_entity_ranking') }} as entity_b on pairs.entity_b_id = entity_b.entity_id
    where entity_a.excluded_reason is null and entity_b.excluded_reason is null
    and pairs.article_count >= ({{ bound }})
{%- endset -%}
{%- set use_bound = execute and run_query(kept_sql).columns[0].values()[0] >= var('report_top_pairs') %}

with

pairs as (
    select * from {{ ref('agg_entity_pairs') }}
    {%- if use_bound %}
    where article_count >= ({{ bound }})
    {%- endif %}
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
