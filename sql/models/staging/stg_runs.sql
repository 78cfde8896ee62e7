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
        coalesce(fetched, 0) as fetched,
        coalesce(not_modified, 0) as not_modified,
        coalesce(robots_skipped, 0) as robots_skipped,
        coalesce(fetch_failed, 0) as fetch_failed,
        coalesce(nlp_skipped_language, 0) as nlp_skipped_language,
        seconds,

        -- when
        started_at,
        finished_at

    from source
)

select * from renamed
