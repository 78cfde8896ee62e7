with

mentions as (
    select * from {{ ref('stg_mentions') }}
),

articles as (
    select * from {{ ref('stg_articles') }}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

-- An article counts once for an entity however often it names it.
entity_articles as (
    select
        entity_id,
        article_id,
        count(*) as mention_count
    from mentions
    where entity_id is not null
    group by all
),

-- Placed in the month of the article's publication; undated articles, and articles without a
-- tone (loaded before tone existed and not reprocessed yet), are left out.
placed as (
    select
        entity_articles.entity_id,
        entity_articles.article_id,
        entity_articles.mention_count,
        cast(date_trunc('month', articles.published_date) as date) as month_start,
        articles.tone
    from entity_articles
    inner join articles on entity_articles.article_id = articles.article_id
    where
        articles.published_date is not null
        and articles.tone is not null
),

monthly as (
    select
        entity_id,
        month_start,
        count(*) as article_count,
        sum(mention_count) as mention_count,
        round(avg(tone), 4) as avg_tone,
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
