-- Entities ranked the way a reader weighs news: by the number of articles (then of sources)
-- that mention them, not by mentions (one long interview names its subject a hundred times).
-- Left out of the ranking, with the reason: a source's boilerplate (int_entity_articles), names
-- that are not news entities (seed entity_fixes). Labels: a name the gazetteer knows as a
-- country is a place; entity_fixes corrects labels the recognizer often gets wrong.
--
-- Incremental (sql/macros/changed.sql): an entity's row is a function of its own rows in
-- int_entity_articles and dim_entities, so a scheduled build recomputes the entities whose rows
-- there may have changed — the changed entities (dim_entities') and those whose is_boilerplate
-- moved in a row of an article no load changed (an article added to a source moves the share
-- that makes an entity its boilerplate there; int_entity_articles lists them in its scope) —
-- listed first (main._scope_rpt_entity_ranking), then ranks every row again from the table's
-- own columns (a post-hook: the ranks of the others move).
-- Rebuilding it whole read every entity-article row: 4.5-9.9 s of a 50-new build at 100,000.
{%- set rank_order = 'article_count desc, source_count desc, mention_count desc, '
    ~ 'canonical_name, entity_id' %}
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook=[
            "{{ check_scope('int_entity_articles') }}",
            "{{ scope_table('rpt_entity_ranking', 'select key as entity_id from main._changes where ' ~ changed('key', 'entity') ~ ' union select entity_id from main._scope_int_entity_articles where entity_id is not null') }}",
            "{{ incremental_delete(changed_rows(this.identifier)) }}",
        ],
        post_hook="{{ incremental_sql(rerank_entities(this, '" ~ rank_order ~ "')) }}",
    )
}}

with

entity_articles as (
    select * from {{ ref('int_entity_articles') }}
    {%- if is_incremental() %}
    where entity_id in (select entity_id from main._scope_rpt_entity_ranking)
    {%- endif %}
),

entities as (
    select * from {{ ref('dim_entities') }}
    {%- if is_incremental() %}
    where entity_id in (select entity_id from main._scope_rpt_entity_ranking)
    {%- endif %}
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
                    order by {{ rank_order }}
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
