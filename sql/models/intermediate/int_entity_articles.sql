-- Each entity in each article that mentions it, with the article's source, and whether it is
-- boilerplate there rather than news: named in nearly every article of its source (a by-line,
-- a wire credit), only as a transcript's speaker tag in this article (int_entity_mentions), or
-- the outlet naming itself (an organisation whose name is a word of the source's address: a
-- URL's host, the folder of a feed or corpus). Such mentions say who wrote or who speaks, not
-- what the articles are about.
--
-- A table, not a view like the other intermediate models: it aggregates every mention with its
-- article, and its seven data tests and two reporting models each recomputed the view (at
-- 100,000 articles 527-1,128 s per test; on Wikinews 7 of the 229 tests took half the
-- build's test time). Built once per build instead (docs/performance.md).
--
-- Incremental (sql/macros/changed.sql): the counts are per source, so a scheduled build
-- recomputes the rows of every source that a changed article belongs or belonged to — the
-- sources and their articles' ids are listed first (main._scope_int_entity_articles, kept
-- until the next build: rpt_entity_ranking reads it), then their rows deleted and recomputed
-- from the views filtered by those articles' ids written out (key_list below). The other
-- sources' rows cannot change.
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook=[
            "{{ scope_table('int_entity_articles', 'with sources as (select source_name from ' ~ ref('int_article_sources') ~ ' where ' ~ changed('article_id', 'article') ~ ' union select source_name from ' ~ this ~ ' where ' ~ changed('article_id', 'article') ~ ') select sources.source_name, articles.article_id from sources left join ' ~ ref('int_article_sources') ~ ' as articles on articles.source_name = sources.source_name') }}",
            "{{ incremental_delete('source_name in (select source_name from main._scope_int_entity_articles)') }}",
        ],
    )
}}

{#- the scope's articles again, written out when they are few (key_list: DuckDB filters the
    scans of the views' tables by a list of constants, and computed int_entity_mentions for
    every mention under a semi join on the scope table: 72-111 s for 101 articles at 100,000).
    Rendered before the pre-hooks run, on the same tables. -#}
{%- if is_incremental() -%}
{%- set scope_articles -%}
    with sources as (
        select source_name from {{ ref('int_article_sources') }}
        where {{ changed('article_id', 'article') }}
        union
        select source_name from {{ this }} where {{ changed('article_id', 'article') }}
    )
    select articles.article_id
    from sources
    inner join {{ ref('int_article_sources') }} as articles
        on articles.source_name = sources.source_name
{%- endset -%}
{%- set in_scope = key_list('article_id', scope_articles) -%}
{%- endif %}

with

article_sources as (
    select * from {{ ref('int_article_sources') }}
    {%- if is_incremental() %}
    where {{ in_scope }}
    {%- endif %}
),

entity_mentions as (
    select * from {{ ref('int_entity_mentions') }}
    {%- if is_incremental() %}
    where {{ in_scope }}
    {%- endif %}
),

entity_articles as (
    select
        entity_mentions.entity_id,
        entity_mentions.article_id,
        article_sources.source_name,
        article_sources.published_date,
        any_value(entity_mentions.article_tone) as article_tone,
        -- the outlet naming itself
        bool_or(
            entity_mentions.label = 'ORG'
            and length(entity_mentions.canonical_name) >= 3
            -- a pattern made of each row's name is compiled for each row: only for the rows
            -- whose source holds the name at all (79 s -> 0.7 s over 2 M mentions)
            and case
                when
                    contains(
                        lower(article_sources.source_name),
                        lower(entity_mentions.canonical_name)
                    ) is not false
                    then regexp_matches(
                        lower(article_sources.source_name),
                        '(^|[^a-z0-9])' || regexp_escape(lower(entity_mentions.canonical_name))
                        || '([^a-z]|$)'
                    )
                else false
            end
        ) as is_self_reference,
        count(*) as mention_count,
        count(*) filter (where not entity_mentions.is_tag) as news_mention_count
    from entity_mentions
    inner join article_sources on entity_mentions.article_id = article_sources.article_id
    group by all
),

source_sizes as (
    select
        source_name,
        count(*) as source_article_count
    from article_sources
    group by all
),

entity_source_shares as (
    select
        entity_articles.entity_id,
        entity_articles.source_name,
        count(*) as source_entity_article_count,
        any_value(source_sizes.source_article_count) as source_article_count
    from entity_articles
    inner join source_sizes on entity_articles.source_name = source_sizes.source_name
    group by all
),

final as (
    select
        entity_articles.entity_id,
        entity_articles.article_id,
        entity_articles.source_name,
        entity_articles.published_date,
        entity_articles.article_tone,
        entity_articles.is_self_reference,
        entity_articles.mention_count,
        entity_articles.news_mention_count,
        entity_source_shares.source_entity_article_count,
        entity_source_shares.source_article_count,
        entity_articles.news_mention_count = 0
        or entity_articles.is_self_reference
        or (
            entity_source_shares.source_article_count
            >= {{ var('report_boilerplate_min_articles') }}
            and entity_source_shares.source_entity_article_count
            > {{ var('report_boilerplate_share') }} * entity_source_shares.source_article_count
        ) as is_boilerplate
    from entity_articles
    inner join entity_source_shares
        on
            entity_articles.entity_id = entity_source_shares.entity_id
            and entity_articles.source_name = entity_source_shares.source_name
)

select * from final
