with

source as (
    select * from {{ source('newsetl', 'articles') }}
),

renamed as (
    select
        -- ids
        article_id,
        source_uri,
        source_id,
        run_id,

        -- text
        url,
        title,
        body,
        cast(word_count as integer) as word_count,
        content_sha256,
        encoding,
        flags,
        nlp_version,

        -- how the text reads (VADER, transforms/tone.py)
        cast(tone as double) as tone,

        -- dates
        cast(published_date as date) as published_date,
        ingested_at

    from source
)

select * from renamed
