-- The top entities of rpt_entity_ranking month by month: the articles that mention them as
-- news, every month from the first to the last month with a dated article (0 when none).
with

entity_articles as (
    select * from {{ ref('int_entity_articles') }}
),

top_entities as (
    select * from {{ ref('rpt_top_entities') }}
),

article_sources as (
    select * from {{ ref('int_article_sources') }}
),

bounds as (
    select
        date_trunc('month', min(published_date)) as first_month,
        date_trunc('month', max(published_date)) as last_month
    from article_sources
),

months as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date)
        as month
    from bounds
    where first_month is not null
),

monthly as (
    select
        entity_id,
        cast(date_trunc('month', published_date) as date) as month,
        count(*) as article_count,
        sum(mention_count)::bigint as mention_count
    from entity_articles
    where
        not is_boilerplate
        and published_date is not null
        and entity_id in (select entity_id from top_entities)
    group by all
),

final as (
    select
        top_entities.entity_rank,
        top_entities.entity_id,
        top_entities.canonical_name,
        top_entities.entity_label,
        months.month,
        coalesce(monthly.article_count, 0) as article_count,
        coalesce(monthly.mention_count, 0) as mention_count
    from top_entities
    cross join months
    left join monthly
        on
            top_entities.entity_id = monthly.entity_id
            and months.month = monthly.month
)

select * from final
