-- Entities ranked the way a reader weighs news: by the number of articles (then of sources)
-- that mention them, not by mentions (one long interview names its subject a hundred times).
-- Left out of the ranking, with the reason: a source's boilerplate (int_entity_articles), names
-- that are not news entities (seed entity_fixes). Labels: a name the gazetteer knows as a
-- country is a place; entity_fixes corrects labels the recognizer often gets wrong.
with

entity_articles as (
    select * from {{ ref('int_entity_articles') }}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

fixes as (
    select * from {{ ref('entity_fixes') }}
),

news_stats as (
    select
        entity_id,
        count(*) as article_count,
        count(distinct source_name) as source_count,
        sum(mention_count)::bigint as mention_count,
        {{ exact_avg("article_tone") }} as avg_tone,
        min(published_date) as first_seen_date,
        max(published_date) as last_seen_date
    from entity_articles
    where not is_boilerplate
    group by all
),

boilerplate_stats as (
    select
        entity_id,
        count(*) as boilerplate_article_count
    from entity_articles
    where is_boilerplate
    group by all
),

labelled as (
    select
        entities.entity_id,
        entities.canonical_name,
        case
            when label_fixes.label is not null then label_fixes.label
            when entities.country_code is not null and entities.entity_label = 'NORP' then 'GPE'
            else entities.entity_label
        end as entity_label,
        entities.entity_label as recognized_label,
        entities.country_code,
        exclusions.reason as excluded_by_name
    from entities
    left join fixes as label_fixes
        on
            lower(entities.canonical_name) = lower(label_fixes.name)
            and label_fixes.fix = 'label'
    left join fixes as exclusions
        on
            lower(entities.canonical_name) = lower(exclusions.name)
            and exclusions.fix = 'exclude'
),

scored as (
    select
        labelled.*,
        coalesce(news_stats.article_count, 0) as article_count,
        coalesce(news_stats.source_count, 0) as source_count,
        coalesce(news_stats.mention_count, 0) as mention_count,
        coalesce(boilerplate_stats.boilerplate_article_count, 0) as boilerplate_article_count,
        news_stats.avg_tone,
        news_stats.first_seen_date,
        news_stats.last_seen_date,
        case
            when labelled.excluded_by_name is not null then labelled.excluded_by_name
            when news_stats.entity_id is null then 'boilerplate: a credit, by-line, speaker tag or the outlet naming itself'
        end as excluded_reason
    from labelled
    left join news_stats on labelled.entity_id = news_stats.entity_id
    left join boilerplate_stats on labelled.entity_id = boilerplate_stats.entity_id
),

final as (
    select
        case
            when excluded_reason is null
                then row_number() over (
                    partition by excluded_reason is null
                    order by
                        article_count desc,
                        source_count desc,
                        mention_count desc,
                        canonical_name,
                        entity_id
                )
        end as entity_rank,
        entity_id,
        canonical_name,
        entity_label,
        recognized_label,
        country_code,
        article_count,
        source_count,
        mention_count,
        boilerplate_article_count,
        avg_tone,
        first_seen_date,
        last_seen_date,
        excluded_reason
    from scored
)

select * from final
