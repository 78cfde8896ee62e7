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

-- A mention is dated by its article's publication date; undated articles are left out.
dated_mentions as (
    select
        mentions.entity_id,
        mentions.article_id,
        articles.published_date as mention_date
    from mentions
    inner join articles on mentions.article_id = articles.article_id
    where
        mentions.entity_id is not null
        and articles.published_date is not null
        and articles.duplicate_of is null  -- a reprinted story counts once
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
