{{ config(materialized="view") }}

-- The figures at the top of the report: one row.
with

articles as (
    select * from {{ ref('stg_articles') }}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

mentions as (
    select * from {{ ref('stg_mentions') }}
),

quotes as (
    select * from {{ ref('fct_quotes') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

runs as (
    select * from {{ ref('stg_runs') }}
),

article_sources as (
    select * from {{ ref('int_article_sources') }}
),

final as (
    select
        (select count(*) from articles) as article_count,
        (select count(distinct source_name) from article_sources) as source_count,
        (select min(published_date) from articles) as first_published_date,
        (select max(published_date) from articles) as last_published_date,
        (select count(*) from articles where published_date is null) as undated_article_count,
        (select count(*) from entities) as entity_count,
        (select count(*) from mentions) as mention_count,
        (select count(*) from quotes) as quote_count,
        (select count(*) from events) as event_count,
        (select count(*) from runs) as run_count
)

select * from final
