{#- Incremental (sql/macros/changed.sql, story_keys): a scheduled build deletes and recomputes
    the stories the changed articles belong or belonged to and those of the articles repeating
    them, from those stories' articles alone (their ids written out). Rebuilding it whole
    grouped every article: the largest node of a 50-new build at 300,000 articles
    (docs/performance.md). -#}
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook="{{ incremental_delete(changed_rows(this.identifier)) }}",
    )
}}

with

articles as (
    select * from {{ ref('stg_articles') }}
    {%- if is_incremental() %}
    -- the changed stories' articles and the first occurrences they repeat
    where {{ story_keys('article_id', 'articles') }}
    {%- endif %}
),

-- A story is its first occurrence and the reprints linked to it (duplicate_of). A reprint
-- whose first occurrence is no longer loaded stands for its own story.
story_of as (
    select
        articles.*,
        case
            when articles.duplicate_of in (select article_id from articles)
                then articles.duplicate_of
            else articles.article_id
        end as story_key
    from articles
),

stats as (
    select
        story_key as story_id,
        count(*) as article_count,
        count(*) - 1 as reprint_count,
        count(distinct outlet) as outlet_count,
        list(distinct outlet order by outlet) filter (where outlet is not null) as outlets,
        max(duplicate_similarity) filter (where article_id <> story_key) as max_similarity,
        min(published_date) as first_published_date,
        max(published_date) as last_published_date
    from story_of
    {%- if is_incremental() %}
    where {{ story_keys('story_key', 'stories') }}
    {%- endif %}
    group by all
),

final as (
    select
        stats.story_id,
        first.title,
        first.outlet as first_outlet,
        first.url as first_url,
        first.language,
        stats.article_count,
        stats.reprint_count,
        stats.outlet_count,
        coalesce(stats.outlets, []) as outlets,
        stats.max_similarity,
        stats.first_published_date,
        stats.last_published_date
    from stats
    inner join articles as first on stats.story_id = first.article_id
)

select * from final
