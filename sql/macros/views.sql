{#-
    The SQL of the per-article views (the staging views of the loaded tables and the
    intermediate views on them), each a macro of the relations it reads: the view itself is
    the macro of its `source()`/`ref()`s (its model file), and an incremental build reads the
    changed articles' rows through the same SQL on those articles' loaded rows alone
    (loaded_rows, sql/macros/changed.sql) — a filter on a view's column cannot reach the
    loaded table's rowid, which bounds the scan (docs/performance.md).
-#}

{% macro stg_articles_rows(articles) %}
with

source as (
    select * from {{ articles }}
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
{% endmacro %}

{% macro stg_mentions_rows(mentions) %}
with

source as (
    select * from {{ mentions }}
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
{% endmacro %}

{% macro stg_quotes_rows(quotes) %}
with

source as (
    select * from {{ quotes }}
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
{% endmacro %}

{% macro stg_events_rows(events) %}
with

source as (
    select * from {{ events }}
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
{% endmacro %}

{% macro int_article_sources_rows(articles) %}
with

articles as (
    select * from {{ articles }}
),

final as (
    select
        article_id,
        regexp_replace(split_part(source_uri, '#', 1), '/[^/]*$', '') as source_name,
        published_date
    from articles
)

select * from final
{% endmacro %}

{% macro int_entity_mentions_rows(mentions, articles) %}
with

mentions as (
    select * from {{ mentions }}
),

articles as (
    select * from {{ articles }}
),

located as (
    select
        mentions.*,
        articles.published_date,
        articles.tone as article_tone,
        -- a reprint belongs to the story of its first occurrence
        coalesce(articles.duplicate_of, articles.article_id) as story_id,
        articles.duplicate_of is not null as is_reprint,
        -- the characters before the mention back to its line start (a newline stands for the
        -- start of the body), and the 3 after it
        case
            when mentions.start_char <= 8 then chr(10) || substr(articles.body, 1, mentions.start_char)
            else substr(articles.body, mentions.start_char - 7, 8)
        end as before_text,
        substr(articles.body, mentions.end_char + 1, 3) as after_text
    from mentions
    inner join articles on mentions.article_id = articles.article_id
    where mentions.entity_id is not null
),

final as (
    select
        mention_id,
        entity_id,
        article_id,
        sentence_index,
        label,
        canonical_name,
        country_code,
        published_date,
        article_tone,
        story_id,
        is_reprint,
        regexp_matches(before_text, '\n[ \t]*[(\[]{1,2}$') and regexp_matches(after_text, '^[)\]]')
        or regexp_matches(before_text, '\n[ \t]*$') and regexp_matches(after_text, '^ ?:')
            as is_tag
    from located
)

select * from final
{% endmacro %}
