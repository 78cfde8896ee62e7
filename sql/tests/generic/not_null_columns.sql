{#-
    Not NULL, for several columns of a model in one test: one row per column holding NULLs,
    with how many (column_name, null_rows). The same check as dbt's not_null on each column,
    in one node instead of one per column (a node costs dbt ~40 ms in every build, whatever
    its SQL; docs/performance.md, "dbt's cost per run"). One scan of the model.
-#}
{% test not_null_columns(model, columns) %}

with counts as (
    select
        {%- for column in columns %}
        count(*) filter (where {{ adapter.quote(column) }} is null) as {{ adapter.quote('n_' ~ loop.index) }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
)
{%- for column in columns %}
select '{{ column }}' as column_name, {{ adapter.quote('n_' ~ loop.index) }} as null_rows
from counts where {{ adapter.quote('n_' ~ loop.index) }} > 0
{{ 'union all' if not loop.last }}
{%- endfor %}

{% endtest %}
