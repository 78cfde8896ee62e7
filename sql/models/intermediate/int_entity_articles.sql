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
-- Incremental (sql/macros/changed.sql): a scheduled build deletes and recomputes the rows of the
-- changed articles only (their per-article columns, from the views filtered by those articles'
-- ids written out), then sets the per-source columns (the counts, and is_boilerplate) of the
-- rows of the sources a changed article belongs or belonged to (main._scope_int_entity_articles,
-- listed first) where they moved: a post-hook UPDATE of three columns, no view recomputed (an
-- article added to a source moves its size, so the share that makes an entity its boilerplate
-- there). Recomputing those sources' rows from the views was most of a 50-new build into the
-- 18,992 Reuters stories, all of one source (docs/performance.md). The entities whose
-- is_boilerplate moved in a row no load changed are added to the scope (its entity_id):
-- rpt_entity_ranking recomputes them with the changed entities. Other sources' rows cannot
-- change.
{#- The post-hooks' SQL, rendered when they run (a hook does not see this file's variables):
    the per-source columns of the scope's sources' rows, computed as the full build does -#}
{%- set per_source -%}{% raw %}
    with scope as (
        select source_name from main._scope_int_entity_articles where source_name is not null
    ),
    sizes as (
        select source_name, count(*) as source_article_count
        from {{ ref('int_article_sources') }}
        where source_name in (select source_name from scope)
        group by all
    ),
    shares as (
        select entity_id, source_name, count(*) as source_entity_article_count
        from {{ this }}
        where source_name in (select source_name from scope)
        group by all
    )
    select
        r.rowid as row_id,
        r.entity_id,
        r.is_boilerplate as was_boilerplate,
        shares.source_entity_article_count,
        sizes.source_article_count,
        r.news_mention_count = 0
        or r.is_self_reference
        or (
            sizes.source_article_count >= {{ var('report_boilerplate_min_articles') }}
            and shares.source_entity_article_count
            > {{ var('report_boilerplate_share') }} * sizes.source_article_count
        ) as is_boilerplate
    from {{ this }} as r
    inner join shares on r.entity_id = shares.entity_id and r.source_name = shares.source_name
    inner join sizes on r.source_name = sizes.source_name
{% endraw %}{%- endset %}
{#- computed once into a temporary table the next two hooks read, then dropped; its rows
    matched by rowid (a join on the two ids read both columns of every row of the table) -#}
{%- set per_source_table = 'int_entity_articles_per_source' %}
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook=[
            "{{ scope_table('int_entity_articles', 'select source_name, null::varchar as entity_id from ' ~ (loaded_rows('int_article_sources') or ref('int_article_sources')) ~ ' where ' ~ changed('article_id', 'article') ~ ' union select source_name, null from ' ~ this ~ ' where ' ~ changed('article_id', 'article')) }}",
            "{{ incremental_delete(changed('article_id', 'article')) }}",
        ],
        post_hook=[
            "{% if is_incremental() %}create or replace temporary table " ~ per_source_table
            ~ " as " ~ per_source ~ "{% else %}select 1{% endif %}",
            "{% if is_incremental() %}insert into main._scope_int_entity_articles (entity_id) "
            ~ "select distinct entity_id from " ~ per_source_table
            ~ " where was_boilerplate <> is_boilerplate{% else %}select 1{% endif %}",
            "{% if is_incremental() %}update {{ this }} as t set "
            ~ "source_entity_article_count = n.source_entity_article_count, "
            ~ "source_article_count = n.source_article_count, is_boilerplate = n.is_boilerplate "
            ~ "from " ~ per_source_table ~ " as n where t.rowid = n.row_id"
            ~ " and (t.source_entity_article_count is distinct from n.source_entity_article_count"
            ~ " or t.source_article_count is distinct from n.source_article_count"
            ~ " or t.is_boilerplate is distinct from n.is_boilerplate)"
            ~ "{% else %}select 1{% endif %}",
            "{% if is_incremental() %}drop table if exists " ~ per_source_table
            ~ "{% else %}select 1{% endif %}",
        ],
    )
}}

with

article_sources as (
    {%- if is_incremental() %}
    -- read off the loaded tables (sql/macros/changed.sql, loaded_rows)
    select * from {{ loaded_rows('int_article_sources') or ref('int_article_sources') }}
    where {{ changed('article_id', 'article') }}
    {%- else %}
    select * from {{ ref('int_article_sources') }}
    {%- endif %}
),

entity_mentions as (
    {%- if is_incremental() %}
    -- read off the loaded tables (sql/macros/changed.sql, loaded_rows)
    select * from {{ loaded_rows('int_entity_mentions') or ref('int_entity_mentions') }}
    where {{ changed('article_id', 'article') }}
    {%- else %}
    select * from {{ ref('int_entity_mentions') }}
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

{%- if is_incremental() %}
-- the changed articles' rows: their per-source columns are set by the post-hook, with those of
-- every other row of their sources
select
    *,
    null::bigint as source_entity_article_count,
    null::bigint as source_article_count,
    null::boolean as is_boilerplate
from entity_articles
{%- else %}
select * from final
{%- endif %}
