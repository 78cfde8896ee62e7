with

source as (
    select * from {{ source('newsetl', 'events') }}
),

renamed as (
    select
        -- ids
        event_id,
        article_id,
        actor_entity_id,
        target_entity_id,
        location_entity_id,

        -- position
        sentence_index,
        start_char,
        end_char,

        -- the event
        trigger as trigger_text,
        trigger_lemma,
        event_type,
        mode,
        quad_class,
        cast(plover_score as decimal(3, 1)) as plover_score,
        is_top_event,
        negated,
        modality,
        cast(confidence as decimal(5, 4)) as confidence,

        -- participants
        actor_text,
        actor_name,
        target_text,
        target_name,
        location_name,

        -- when
        event_date,
        date_text,
        date_precision

    from source
)

select * from renamed
