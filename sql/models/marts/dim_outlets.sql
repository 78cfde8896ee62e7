with

articles as (
    select * from {{ ref('stg_articles') }}
),

quotes as (
    select * from {{ ref('fct_quotes') }}
),

article_stats as (
    select
        coalesce(outlet, '(unknown)') as outlet,
        count(*) as article_count,
        count(*) filter (where duplicate_of is null) as original_count,
        count(*) filter (where duplicate_of is not null) as reprint_count,
        count(distinct language) as language_count,
        mode(language) as main_language,
        min(published_date) as first_published_date,
        max(published_date) as last_published_date
    from articles
    group by all
),

quote_stats as (
    select
        coalesce(outlet, '(unknown)') as outlet,
        count(*) as quote_count,
        count(*) filter (where is_direct) as direct_quote_count,
        count(distinct speaker_entity_id) as speaker_count
    from quotes
    group by all
),

final as (
    select
        article_stats.outlet,
        article_stats.article_count,
        article_stats.original_count,
        article_stats.reprint_count,
        coalesce(quote_stats.quote_count, 0) as quote_count,
        coalesce(quote_stats.direct_quote_count, 0) as direct_quote_count,
        coalesce(quote_stats.speaker_count, 0) as speaker_count,
        article_stats.main_language,
        article_stats.language_count,
        article_stats.first_published_date,
        article_stats.last_published_date
    from article_stats
    left join quote_stats on article_stats.outlet = quote_stats.outlet
)

select * from final
