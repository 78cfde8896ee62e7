with

events as (
    select * from {{ ref('fct_events') }}
),

-- Typed events with a date to place them: effective_date is the event's own date when it is
-- known to a month or better, else the publication date (see fct_events).
placed as (
    select
        cast(date_trunc('month', effective_date) as date) as event_month,
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
