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

        -- where from, by whom
        url,
        outlet,
        coalesce(authors, []) as authors,
        dateline,
        language,

        -- reprints: the first occurrence of the story this article repeats
        duplicate_of,
        cast(duplicate_similarity as double) as duplicate_similarity,
        duplicate_of is not null as is_reprint,
        coalesce(duplicate_of, article_id) as story_id,

        -- text
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
        published_at,
        ingested_at

    from source
)

select * from renamed
