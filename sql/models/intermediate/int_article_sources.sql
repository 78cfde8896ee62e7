-- The source of each article, for rules that look at one source at a time (an outlet's
-- boilerplate): the folder its file was read from (a JSON record: its file's folder), a
-- corpus or a feed's download folder being one collection.
with

articles as (
    select * from {{ ref('stg_articles') }}
),

final as (
    select
        article_id,
        regexp_replace(split_part(source_uri, '#', 1), '/[^/]*$', '') as source_name,
        published_date
    from articles
)

select * from final
