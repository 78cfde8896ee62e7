-- The join every entity mart repeated: each mention of a resolved entity with its article's
-- publication date. Numeric and temporal mentions (entity_id NULL) are not entities.
-- is_tag: the mention is a label opening a paragraph, not a word of the news: a transcript's
-- speaker tag ("((WN)) Why did you…", "SMITH: We…") — in brackets, or followed by a colon.
with

mentions as (
    select * from {{ ref('stg_mentions') }}
),

articles as (
    select * from {{ ref('stg_articles') }}
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
