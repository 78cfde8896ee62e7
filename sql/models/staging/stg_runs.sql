with

source as (
    select * from {{ source('newsetl', 'runs') }}
),

renamed as (
    select
        -- ids
        run_id,
        flow_run_id,

        -- what ran
        status,
        sources,
        nlp_version,
        full_refresh,
        error,

        -- figures
        records_seen,
        articles_new,
        articles_changed,
        articles_unchanged,
        articles_reprocessed,
        rejected,
        rows_written,
        nlp_articles,
        seconds,

        -- when
        started_at,
        finished_at

    from source
)

select * from renamed
