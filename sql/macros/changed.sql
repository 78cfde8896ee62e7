{#-
    Incremental marts (flows/models.py): a scheduled build rebuilds only the rows of what the
    loads since the last passing build changed. The loader records, in the transaction of each
    load, the articles it replaced or inserted and the entities their mentions and quotes name
    (main._changes, kinds 'article' and 'entity', numbered by main._meta 'change_seq'); before
    an incremental build, flows/models.py writes the last passing build's number into
    main._meta 'models_changes_since' and resets it to -1 after.

    changed(column, kind) is the condition "column names a changed article/entity": true for
    every row when there is no such number (-1: a full build, or dbt run by hand), so a model
    built without it recomputes everything. incremental_delete(condition) is the pre-hook that
    removes the rows about to be recomputed (nothing on a first or --full-refresh build).
    Both are read at run time from the warehouse: no var, so dbt's partial parse holds.
-#}
{% macro changes_since() -%}
    coalesce((select try_cast(value as bigint) from main._meta where key = 'models_changes_since'), -1)
{%- endmacro %}

{#-
    changed() is rendered when the node runs (dbt compiles a node then), so it reads the number
    then and writes the plain condition: `column in (select key …)` is a semi join DuckDB
    pushes under the views' joins to the scans; the same condition written for either case
    (`since < 0 or column in (…)`) is not, and read every row (20 s instead of 0.6 s for a
    test of int_entity_mentions at 100,000 articles). While dbt parses, nothing is read.
-#}
{% macro changes_since_now() -%}
    {#- a full refresh rebuilds and tests everything; a DuckLake (flows/ducklake_models.py,
        always --full-refresh) has no _meta -#}
    {%- if flags.FULL_REFRESH -%}
        {%- do return(-1) -%}
    {%- endif -%}
    {%- if execute -%}
        {#- read once per dbt invocation (a query through dbt costs ~10 ms, and every test and
            pre-hook asks, some several times): kept in the dict dbt's nodes share as `graph`,
            under this invocation's id, so no value outlives the build that read it -#}
        {%- set memo = graph.get('newsetl_changes_since') -%}
        {%- if memo and memo[0] == invocation_id -%}
            {%- do return(memo[1]) -%}
        {%- endif -%}
        {%- set since = run_query('select ' ~ changes_since()).columns[0].values()[0] -%}
        {%- do graph.update({'newsetl_changes_since': [invocation_id, since]}) -%}
        {%- do return(since) -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}

{% macro changed(column, kind) -%}
    {%- set since = changes_since_now() -%}
    {%- if since is none -%}
    ({{ changes_since() }} < 0 or {{ column }} in (
        select key from main._changes
        where kind = '{{ kind }}' and change_seq > {{ changes_since() }}
    ))
    {%- elif since < 0 -%}
    true
    {%- else -%}
    {{ column }} in (
        select key from main._changes where kind = '{{ kind }}' and change_seq > {{ since }}
    )
    {%- endif -%}
{%- endmacro %}

{% macro incremental_delete(condition) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ condition }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- a statement of an incremental build's hooks (nothing otherwise) -#}
{% macro incremental_sql(sql) -%}
    {%- if is_incremental() -%}{{ sql }}{%- else -%}select 1{%- endif -%}
{%- endmacro %}

{% macro incremental_filter(column, kind) -%}
    {%- if is_incremental() -%}{{ changed(column, kind) }}{%- else -%}true{%- endif -%}
{%- endmacro %}

{#-
    The data tests of an incremental build read only the rows that build can have changed, where
    that is sound. The rows of the articles no load has changed since the last passing build
    passed its tests then, with the same SQL (a build is incremental only when the project is
    unchanged); the nightly full build and `newsetl models` test every row. dbt wraps a generic
    test's model in get_where_subquery (this overrides dbt's own, which applies the `where`
    config).

    * A test of one row at a time (not_null, accepted_values, expression_is_true,
      relationships, span_matches_body) on a view whose every row belongs to one article and
      is a function of that article's loaded rows alone (the staging views,
      int_article_sources, int_entity_mentions): the changed articles' rows.
    * A test of one row at a time on an incremental mart: the rows its pre-hook deleted and its
      model recomputed (changed_rows below). A relationships test's parent (dim_entities,
      stg_articles) changes only for the changed entities and articles, and every row naming
      one of those is among the recomputed ones.
      changed_rows is the one definition of those rows: each incremental mart's pre-hook
      deletes `changed_rows(this.identifier)` (fct_events also reads its input by it).
    * A set-level test (unique, a grain) on those views or on an incremental mart: the rows
      that share the tested (first) column's value with a row the build changed — a duplicate
      has a changed row on one side (the others passed together before), and both sides share
      that value. A mart's changed rows are those its pre-hook deleted and its model
      recomputed (changed_rows below); a rank that every build rewrites (agg_speakers'
      speaker_rank) and int_entity_articles (whose rows are recomputed by source) are tested
      whole.
-#}
{% macro changed_rows(name) -%}
    {%- set by_article = [
        'stg_articles', 'stg_mentions', 'stg_quotes', 'stg_events',
        'int_article_sources', 'int_entity_mentions',
    ] -%}
    {%- if name in by_article -%}
        {%- do return(changed('article_id', 'article')) -%}
    {%- elif name == 'fct_quotes' -%}
        {%- do return(changed('article_id', 'article') ~ ' or ' ~ changed('speaker_entity_id', 'entity')) -%}
    {%- elif name == 'fct_events' -%}
        {%- do return(
            changed('article_id', 'article')
            ~ ' or ' ~ changed('actor_entity_id', 'entity')
            ~ ' or ' ~ changed('target_entity_id', 'entity')
            ~ ' or ' ~ changed('location_entity_id', 'entity')
        ) -%}
    {%- elif name in ['dim_entities', 'agg_entity_daily_mentions', 'agg_entity_monthly_tone'] -%}
        {%- do return(changed('entity_id', 'entity')) -%}
    {%- elif name in ['agg_speakers', 'agg_speaker_monthly_tone'] -%}
        {%- do return(changed('speaker_entity_id', 'entity')) -%}
    {%- elif name == 'agg_entity_pairs' -%}
        {%- do return(changed('entity_a_id', 'entity') ~ ' or ' ~ changed('entity_b_id', 'entity')) -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set by_article = [
        'stg_articles', 'stg_mentions', 'stg_quotes', 'stg_events',
        'int_article_sources', 'int_entity_mentions',
    ] -%}
    {%- set row_tests = [
        'not_null', 'accepted_values', 'expression_is_true', 'relationships', 'span_matches_body',
    ] -%}
    {%- set metadata = (model.test_metadata or {}) if model is mapping else {} -%}
    {%- set test_name = metadata.get('name') -%}
    {%- set kwargs = metadata.get('kwargs') or {} -%}
    {%- set since = changes_since_now() -%}
    {%- set only_changed = none -%}
    {%- if since is none or since < 0 -%}
        {#- a full build (or dbt parsing): every row -#}
    {%- elif relation.identifier in by_article and test_name in row_tests -%}
        {%- set only_changed = changed('article_id', 'article') -%}
    {%- elif test_name in row_tests and relation.identifier != 'agg_speakers' -%}
        {%- set only_changed = changed_rows(relation.identifier) -%}
    {%- elif test_name in ['unique', 'unique_combination_of_columns'] -%}
        {%- set rows = changed_rows(relation.identifier) -%}
        {%- set column = kwargs.get('column_name') if test_name == 'unique'
            else (kwargs.get('combination_of_columns') or [none])[0] -%}
        {%- if rows is not none and column
            and (relation.identifier, column) != ('agg_speakers', 'speaker_rank') -%}
            {%- set only_changed = column ~ ' in (select ' ~ column ~ ' from ' ~ relation
                ~ ' where ' ~ rows ~ ')' -%}
        {%- endif -%}
    {%- endif -%}
    {%- if only_changed is not none -%}
        {%- set where = '(' ~ where ~ ') and ' ~ only_changed if where else only_changed -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#-
    rerank: the post-hook of an incremental mart holding a rank over all its rows (a rank moves
    when other rows change): every row ranked again from the table's own columns, in the order
    the model ranks them; only the ranks that moved are written.
-#}
{% macro rerank(relation, rank_column, key_column, order_by) -%}
    update {{ relation }} as t set {{ rank_column }} = r.{{ rank_column }}
    from (
        select {{ key_column }}, row_number() over (order by {{ order_by }}) as {{ rank_column }}
        from {{ relation }}
    ) as r
    where
        t.{{ key_column }} = r.{{ key_column }}
        and t.{{ rank_column }} is distinct from r.{{ rank_column }}
{%- endmacro %}
