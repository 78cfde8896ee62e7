with

source as (
    select * from {{ source('newsetl', 'mentions') }}
),

renamed as (
    select
        -- ids
        mention_id,
        article_id,
        entity_id,

        -- position
        sentence_index,
        start_char,
        end_char,

        -- the mention
        text as mention_text,
        label,
        canonical_name,
        country_code,
        origin

    from source
)

select * from renamed
