{#- Incremental (sql/macros/changed.sql): a scheduled build recomputes the events of the changed
    articles; the other events naming a renamed entity (a changed entity whose dim_entities
    name moved: changed(…, 'renamed')) as actor, target or place get its name again (a
    post-hook UPDATE of the three name columns: the rest of such a row is its own article's,
    unchanged). Recomputing those events whole (a popular entity's are
    thousands: 9,296 for 50 new stories at 18,992) was most of this model's time; rebuilding
    every event took 31 s of a 50-new build at 100,000 articles. The name columns' SQL is the
    model's own, below (`final`). The months of the events it deletes are kept first
    (main._scope_fct_events): agg_event_months recomputes those months and the new events'. -#}
{%- set names -%}{% raw %}
    {%- set ids = ['actor_entity_id', 'target_entity_id', 'location_entity_id'] %}
    select
        marts.event_rowid,
        coalesce(actors.canonical_name, events.actor_name, events.actor_text) as actor_name,
        coalesce(targets.canonical_name, events.target_name, events.target_text)
            as target_name,
        coalesce(locations.canonical_name, events.location_name) as location_name
    -- the mart's rows naming a renamed entity, and their loaded events, each found by rowid:
    -- a scan of the three id columns alone first (renamed_rows, sql/macros/changed.sql).
    -- Read off stg_events by a list of their ids, every event's names were read (the list is
    -- an optional filter of the scan: 12.6 s of statement wall at 300,000 articles, s14)
    from (
        select row_id as event_rowid, event_id from {{ renamed_rows(this, ids) }}
    ) as marts
    inner join (
        {{ stg_events_rows(renamed_rows(source('newsetl', 'events'), ids)) }}
    ) as events on marts.event_id = events.event_id
    left join {{ ref('dim_entities') }} as actors on events.actor_entity_id = actors.entity_id
    left join {{ ref('dim_entities') }} as targets on events.target_entity_id = targets.entity_id
    left join {{ ref('dim_entities') }} as locations
        on events.location_entity_id = locations.entity_id
{% endraw %}{%- endset %}
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook=[
            "{{ scope_table('fct_events', 'select distinct ' ~ event_month('effective_date') ~ ' as event_month from ' ~ this ~ ' where ' ~ changed('article_id', 'article')) }}",
            "{{ incremental_delete(changed('article_id', 'article')) }}",
        ],
        post_hook="{% if is_incremental() %}update {{ this }} as t set "
        ~ "actor_name = n.actor_name, target_name = n.target_name, "
        ~ "location_name = n.location_name from (" ~ names ~ ") as n "
        ~ "where t.rowid = n.event_rowid and (t.actor_name is distinct from n.actor_name "
        ~ "or t.target_name is distinct from n.target_name "
        ~ "or t.location_name is distinct from n.location_name){% else %}select 1{% endif %}",
    )
}}

with

events as (
    {%- if is_incremental() %}
    -- read off the loaded table (sql/macros/changed.sql, loaded_rows)
    select * from {{ loaded_rows('stg_events') or ref('stg_events') }}
    where {{ changed('article_id', 'article') }}
    {%- else %}
    select * from {{ ref('stg_events') }}
    {%- endif %}
),

-- their articles (an incremental build's: the changed ones)
articles as (
    {%- if is_incremental() %}
    select * from {{ loaded_rows('stg_articles') or ref('stg_articles') }}
    where {{ changed('article_id', 'article') }}
    {%- else %}
    select * from {{ ref('stg_articles') }}
    {%- endif %}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

final as (
    select
        -- ids
        events.event_id,
        events.article_id,
        events.actor_entity_id,
        events.target_entity_id,
        events.location_entity_id,

        -- the event
        events.event_type,
        events.mode,
        events.quad_class,
        events.plover_score,
        events.is_top_event,
        events.trigger_text,
        events.trigger_lemma,
        events.negated,
        events.modality,
        events.confidence,
        events.sentence_index,
        events.start_char,
        events.end_char,

        -- participants: warehouse-wide names where the entity is known
        coalesce(actors.canonical_name, events.actor_name, events.actor_text) as actor_name,
        coalesce(targets.canonical_name, events.target_name, events.target_text)
            as target_name,
        coalesce(locations.canonical_name, events.location_name) as location_name,

        -- when: the event's own date when it is known to a month or better, else the
        -- article's publication date (year-only dates and undated events)
        events.event_date,
        events.date_text,
        events.date_precision,
        articles.published_date,
        articles.outlet,
        articles.duplicate_of is not null as is_reprint,
        case
            when
                events.event_date is not null
                and events.date_precision in (
                    '{{ var("month_placeable_precisions") | join("', '") }}'
                )
                then events.event_date
            else articles.published_date
        end as effective_date,
        case
            when
                events.event_date is not null
                and events.date_precision in (
                    '{{ var("month_placeable_precisions") | join("', '") }}'
                )
                then 'event_date'
            when articles.published_date is not null then 'published_date'
        end as effective_date_source,
        articles.title as article_title

    from events
    inner join articles on events.article_id = articles.article_id
    left join entities as actors on events.actor_entity_id = actors.entity_id
    left join entities as targets on events.target_entity_id = targets.entity_id
    left join entities as locations on events.location_entity_id = locations.entity_id
)

select * from final
