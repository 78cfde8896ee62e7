{#-
    After a build, drop the tables and views of the project's schemas that no model or seed
    builds any more (a renamed or deleted model): a stale relation would keep answering
    queries with data that no longer updates. Runs as the project's on-run-end hook.
-#}
{% macro drop_orphan_relations(schemas) %}
    {%- if execute -%}
        {%- set expected = [] -%}
        {%- for node in graph.nodes.values() if node.resource_type in ('model', 'seed') -%}
            {%- do expected.append((node.schema ~ '.' ~ (node.alias or node.name)) | lower) -%}
        {%- endfor -%}
        {%- set found = run_query(
            "select table_schema, table_name, table_type from information_schema.tables "
            ~ "where table_catalog = current_database() and table_schema in ('"
            ~ schemas | join("', '") ~ "')"
        ) -%}
        {%- for row in found.rows -%}
            {%- if (row[0] ~ '.' ~ row[1]) | lower not in expected -%}
                {%- set kind = 'view' if row[2] == 'VIEW' else 'table' -%}
                {%- do run_query('drop ' ~ kind ~ ' if exists "' ~ row[0] ~ '"."' ~ row[1] ~ '"') -%}
                {{- log('dropped ' ~ kind ~ ' ' ~ row[0] ~ '.' ~ row[1] ~ ': no model builds it any more', info=True) -}}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
