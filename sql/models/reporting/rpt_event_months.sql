-- Typed events per month, for the months the articles were published in: an event dated
-- decades before its article (a history recalled) is not news of that month, and would
-- stretch the chart over empty decades. The most frequent types have a series each, the rest
-- share one ("other types"); every month is present, 0 when it has no events.
with

events as (
    select * from {{ ref('agg_event_months') }}
),

article_sources as (
    select * from {{ ref('int_article_sources') }}
),

bounds as (
    select
        cast(date_trunc('month', min(published_date)) as date) as first_month,
        cast(date_trunc('month', max(published_date)) as date) as last_month
    from article_sources
),

in_window as (
    select events.*
    from events
    cross join bounds
    where events.event_month between bounds.first_month and bounds.last_month
),

type_totals as (
    select
        event_type,
        sum(event_count) as event_count
    from in_window
    group by all
),

type_ranks as (
    select
        event_type,
        row_number() over (order by event_count desc, event_type) as type_rank
    from type_totals
),

series as (
    select
        event_type,
        case
            when type_rank <= {{ var('report_event_types') }} then event_type else 'other types'
        end as series,
        least(type_rank, {{ var('report_event_types') }} + 1) as series_rank
    from type_ranks
),

months as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date)
        as event_month
    from bounds
    where first_month is not null
),

grid as (
    select distinct
        months.event_month,
        series.series,
        series.series_rank
    from months
    cross join series
),

final as (
    select
        grid.event_month,
        grid.series as event_type,
        grid.series_rank,
        coalesce(sum(in_window.event_count), 0)::bigint as event_count
    from grid
    left join series on grid.series = series.series
    left join in_window
        on
            series.event_type = in_window.event_type
            and grid.event_month = in_window.event_month
    group by all
)

select * from final
