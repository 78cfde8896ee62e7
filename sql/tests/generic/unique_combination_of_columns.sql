{#- Grain test: no two rows share the values of `combination_of_columns`. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

duplicates as (
    select
        {% for column in combination_of_columns -%}
            {{ column }},
        {% endfor -%}
        count(*) as n_rows
    from {{ model }}
    group by all
    having count(*) > 1
)

select * from duplicates

{% endtest %}
