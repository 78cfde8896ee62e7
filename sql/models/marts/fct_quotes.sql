{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook="{{ incremental_delete(changed_rows(this.identifier, this)) }}",
    )
}}

with

-- A quote of a changed article, or whose speaker is a changed entity (its name may change).
quotes as (
    select * from {{ ref('stg_quotes') }}
    {%- if is_incremental() %}
    where {{ changed_rows('fct_quotes', ref('stg_quotes')) }}
    {%- endif %}
),

articles as (
    select * from {{ ref('stg_articles') }}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

final as (
    select
        -- ids
        quotes.quote_id,
        quotes.article_id,
        quotes.speaker_entity_id,
        quotes.speaker_mention_id,

        -- the article
        articles.published_date,
        articles.outlet,
        articles.duplicate_of is not null as is_reprint,
        articles.title as article_title,

        -- the quote
        quotes.quote_text,
        length(quotes.quote_text) as quote_length,
        quotes.is_direct,
        quotes.is_partial,
        quotes.cue,
        quotes.tone,
        quotes.sentence_index,
        quotes.start_char,
        quotes.end_char,

        -- the speaker: the entity's warehouse-wide name, else the name or words of this article
        quotes.speaker_text,
        quotes.speaker_name,
        quotes.speaker_kind,
        entities.canonical_name as speaker_canonical_name,
        entities.entity_label as speaker_label,
        coalesce(entities.canonical_name, quotes.speaker_name, quotes.speaker_text)
            as speaker_display_name,
        quotes.speaker_entity_id is not null as has_speaker_entity

    from quotes
    inner join articles on quotes.article_id = articles.article_id
    left join entities on quotes.speaker_entity_id = entities.entity_id
)

select * from final
