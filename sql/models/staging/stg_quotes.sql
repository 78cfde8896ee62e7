with

source as (
    select * from {{ source('newsetl', 'quotes') }}
),

renamed as (
    select
        -- ids
        quote_id,
        article_id,
        speaker_entity_id,
        speaker_mention_id,

        -- position
        sentence_index,
        start_char,
        end_char,

        -- the quote
        text as quote_text,
        is_direct,
        is_partial,

        -- the speaker
        speaker_text,
        speaker_start_char,
        speaker_end_char,
        speaker_name,
        speaker_kind,

        -- the speech verb ("said", "according to")
        cue,
        cue_start_char,
        cue_end_char,

        -- how the quote reads (VADER, transforms/tone.py)
        cast(tone as double) as tone

    from source
)

select * from renamed
