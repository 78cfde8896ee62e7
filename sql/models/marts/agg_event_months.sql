{#- Incremental (sql/macros/changed.sql): a month's rows move only with the events placed in it,
    and an event's row moves only with its article. A scheduled build recomputes the months of
    the changed articles' events, those fct_events deleted (its scope) and those it inserted,
    from the events placed in those months; the others are kept. Rebuilding it read every event
    (3.8 M at 300,000 articles) in every build. -#}
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook=[
            "{{ check_scope('fct_events') }}",
            "{{ incremental_sql('delete from ' ~ this ~ ' where event_month in ('"
            ~ " ~ changed_event_months(ref('fct_events')) ~ ')') }}",
        ],
    )
}}

with

events as (
    select * from {{ ref('fct_events') }}
    {%- if is_incremental() %}
    where {{ event_month('effective_date') }} in ({{ changed_event_months(ref('fct_events')) }})
    {%- endif %}
),

-- Typed events with a date to place them: effective_date is the event's own date when it is
-- known to a month or better, else the publication date (see fct_events).
placed as (
    select
        {{ event_month('effective_date') }} as event_month,
        event_type,
        event_id,
        article_id,
        negated,
        modality
    from events
    where
        event_type is not null
        and effective_date is not null
        and is_reprint is not true  -- a reprinted story's events count once
),

final as (
    select
        event_month,
        event_type,
        count(*) as event_count,
        count(distinct article_id) as article_count,
        count(*) filter (where negated) as negated_count,
        count(*) filter (where modality = 'asserted' and not negated) as asserted_count
    from placed
    group by all
)

select * from final
