-- The most quoted speakers, ranked like the entities: by the number of articles that quote
-- them, then by quotes (a single long interview does not outrank the week's news). Speakers
-- left out of the entity ranking (not news entities, boilerplate) are left out here too.
with

speakers as (
    select * from {{ ref('agg_speakers') }}
),

ranking as (
    select * from {{ ref('rpt_entity_ranking') }}
),

quotes as (
    select * from {{ ref('fct_quotes') }}
),

ranked as (
    select
        row_number() over (
            order by
                speakers.article_count desc,
                speakers.quote_count desc,
                speakers.speaker_name,
                speakers.speaker_entity_id
        ) as speaker_rank,
        speakers.speaker_entity_id,
        speakers.speaker_name,
        ranking.entity_label as speaker_label,
        speakers.quote_count,
        speakers.direct_quote_count,
        speakers.article_count,
        speakers.first_quoted_date,
        speakers.last_quoted_date
    from speakers
    inner join ranking on speakers.speaker_entity_id = ranking.entity_id
    where ranking.excluded_reason is null
),

top_speakers as (
    select *
    from ranked
    where speaker_rank <= {{ var('report_top_speakers') }}
),

-- the tone of the top speakers' quotes alone, not of every speaker's (it grows with the quotes)
speaker_tone as (
    select
        speaker_entity_id,
        {{ exact_avg("tone") }} as avg_tone
    from quotes
    where speaker_entity_id in (select speaker_entity_id from top_speakers)
    group by all
),

final as (
    select
        top_speakers.*,
        speaker_tone.avg_tone
    from top_speakers
    left join speaker_tone on top_speakers.speaker_entity_id = speaker_tone.speaker_entity_id
)

select * from final
