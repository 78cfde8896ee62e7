{{ config(materialized="view") }}

-- The last runs, oldest first, numbered for the chart's axis.
with

runs as (
    select * from {{ ref('stg_runs') }}
),

last_runs as (
    select *
    from runs
    order by started_at desc, run_id desc
    limit {{ var('report_runs') }}
),

final as (
    select
        row_number() over (order by started_at, run_id) as run_number,
        run_id,
        status,
        started_at,
        finished_at,
        seconds,
        sources,
        error,
        records_seen,
        articles_new,
        articles_changed,
        articles_unchanged,
        articles_reprocessed,
        rejected,
        rows_written
    from last_runs
)

select * from final
