-- The entities the report shows: the top of rpt_entity_ranking.
with

ranking as (
    select * from {{ ref('rpt_entity_ranking') }}
),

final as (
    select
        entity_rank,
        entity_id,
        canonical_name,
        entity_label,
        article_count,
        source_count,
        mention_count,
        avg_tone,
        first_seen_date,
        last_seen_date
    from ranking
    where entity_rank <= {{ var('report_top_entities') }}
)

select * from final
