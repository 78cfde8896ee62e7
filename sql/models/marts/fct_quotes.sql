{#- Incremental (sql/macros/changed.sql): a scheduled build recomputes the quotes of the changed
    articles; the other quotes of a renamed entity (a changed entity whose dim_entities name or
    label moved: changed(…, 'renamed')) get the speaker's name and label again (a post-hook
    UPDATE of those columns: the rest of such a row is its own article's, unchanged). The columns' SQL is the model's own, below (`final`). -#}
{%- set speakers -%}{% raw %}
    select
        quotes.row_id as quote_rowid,
        entities.canonical_name as speaker_canonical_name,
        entities.entity_label as speaker_label,
        coalesce(entities.canonical_name, quotes.speaker_name, quotes.speaker_text)
            as speaker_display_name
    -- the mart's own rows of a renamed speaker, by rowid (renamed_rows, sql/macros/changed.sql):
    -- their speaker_name and speaker_text are their loaded quote's, copied by `final`. Read
    -- off stg_quotes by the key list, every quote's text was read (27.5 s of statement wall at
    -- 300,000 articles, s14)
    from {{ renamed_rows(this, ['speaker_entity_id']) }} as quotes
    left join {{ ref('dim_entities') }} as entities
        on quotes.speaker_entity_id = entities.entity_id
{% endraw %}{%- endset %}
{{
    config(
        materialized="incremental",
        incremental_strategy="append",
        pre_hook="{{ incremental_delete(changed('article_id', 'article')) }}",
        post_hook="{% if is_incremental() %}update {{ this }} as t set "
        ~ "speaker_canonical_name = n.speaker_canonical_name, speaker_label = n.speaker_label, "
        ~ "speaker_display_name = n.speaker_display_name from (" ~ speakers ~ ") as n "
        ~ "where t.rowid = n.quote_rowid "
        ~ "and (t.speaker_canonical_name is distinct from n.speaker_canonical_name "
        ~ "or t.speaker_label is distinct from n.speaker_label "
        ~ "or t.speaker_display_name is distinct from n.speaker_display_name)"
        ~ "{% else %}select 1{% endif %}",
    )
}}

with

-- A quote of a changed article (the others: the post-hook).
quotes as (
    {%- if is_incremental() %}
    -- read off the loaded table (sql/macros/changed.sql, loaded_rows)
    select * from {{ loaded_rows('stg_quotes') or ref('stg_quotes') }}
    where {{ changed('article_id', 'article') }}
    {%- else %}
    select * from {{ ref('stg_quotes') }}
    {%- endif %}
),

-- their articles (an incremental build's: the changed ones)
articles as (
    {%- if is_incremental() %}
    select * from {{ loaded_rows('stg_articles') or ref('stg_articles') }}
    where {{ changed('article_id', 'article') }}
    {%- else %}
    select * from {{ ref('stg_articles') }}
    {%- endif %}
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
