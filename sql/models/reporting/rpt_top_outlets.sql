-- The outlets the report shows: the most articles first.
with

outlets as (
    select * from {{ ref('dim_outlets') }}
),

ranked as (
    select
        row_number() over (order by article_count desc, outlet) as outlet_rank,
        outlet,
        article_count,
        reprint_count,
        quote_count
    from outlets
),

final as (
    select *
    from ranked
    where outlet_rank <= {{ var('report_top_outlets') }}
)

select * from final
