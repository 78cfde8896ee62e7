-- Example quotes of the top speakers: direct, whole quotations first, the longest, each from
-- a different article while there are others.
with

quotes as (
    select * from {{ ref('fct_quotes') }}
),

speakers as (
    select * from {{ ref('rpt_top_speakers') }}
),

candidates as (
    select
        quotes.speaker_entity_id,
        quotes.quote_id,
        quotes.article_id,
        quotes.quote_text,
        quotes.is_direct,
        quotes.is_partial,
        quotes.quote_length,
        quotes.article_title,
        quotes.published_date,
        -- the best quote of each article first
        row_number() over (
            partition by quotes.speaker_entity_id, quotes.article_id
            order by
                quotes.is_direct desc,
                quotes.is_partial asc,
                quotes.quote_length desc,
                quotes.quote_id
        ) as rank_in_article
    from quotes
    inner join speakers on quotes.speaker_entity_id = speakers.speaker_entity_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by speaker_entity_id
            order by
                rank_in_article,
                is_direct desc,
                is_partial asc,
                quote_length desc,
                quote_id
        ) as quote_rank
    from candidates
),

final as (
    select
        speaker_entity_id,
        quote_rank,
        quote_id,
        article_id,
        quote_text,
        is_direct,
        is_partial,
        article_title,
        published_date
    from ranked
    where quote_rank <= {{ var('report_speaker_quotes') }}
)

select * from final
