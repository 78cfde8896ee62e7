with

source as (
    select * from {{ source('newsetl', 'rejects') }}
),

renamed as (
    select
        -- ids
        source_uri,
        run_id,

        -- the verdict
        reason,
        detail,
        content_sha256,

        -- when
        rejected_at

    from source
)

select * from renamed
