{#-
    Every data check of one model in one data test, one dbt node: a node costs dbt ~17-40 ms
    in every build whatever its SQL (docs/performance.md, "dbt's cost per run"). Each kind
    checks what dbt's test of that kind checks and counts its failures the same way:

    * not_null: [column, ...]: the rows where the column is NULL (dbt's not_null);
    * unique: [column, ...]: the values (not NULL) held by more than one row (unique);
    * accepted_values: {column: [value, ...]}: the distinct values (not NULL) outside the list
      (accepted_values);
    * relationships: [{column, to, field, in_article}]: the rows whose column (not NULL) names
      no row of `to` (relationships); in_article: true when the parent is a row of the child's
      own article by construction (looked up there first in an incremental build, below);
    * combinations: [{columns: [...], where: condition}]: the combinations of values held by
      more than one row (of those meeting `where`, if given; unique_combination_of_columns);
    * spans: {name: {column, start, end, articles}}: the rows whose span is not the article's
      text there (span_matches_body);
    * expressions: {name: expression}: the rows where the expression is not true
      (expression_is_true).

    A failing row per failing check, (check_name, failing_rows): check_name is the check's name
    (an expression's or span's own, else "unique(article_id)", "relationships(run_id ->
    stg_runs.run_id)", ...); the test fails on the sum of failing_rows (flows/models.py names
    the failing checks). Each check reads the rows its kind reads in this build (test_scope,
    sql/macros/changed.sql: in a scheduled build, those the build can have changed). The row
    checks (not_null, accepted_values, expressions) are counted in one scan of the model.
    A per-article view's spans are compared with its changed articles' bodies alone (a changed
    article's rows are loaded with it).
-#}
{% test model_checks(
    model, not_null=[], unique=[], accepted_values={}, relationships=[], combinations=[],
    spans={}, expressions={}
) %}
{{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
{%- if model is string -%}
    {{ exceptions.raise_compiler_error('model_checks takes no `where` config: ' ~ model) }}
{%- endif -%}
{#- a per-article view's changed rows in an incremental build: read off the loaded table's
    rows of the changed articles (loaded_rows), not by a filter on the view -#}
{%- set loaded = loaded_rows(model.identifier) -%}
{#- agg_speakers: every build ranks every row again (rerank), its other columns move only in
    its changed rows: those are read for every row check but the rank's not_null, which
    reads the whole column (test_scope reads every row of it for any test) -#}
{%- set reranked = {'agg_speakers': 'speaker_rank'}.get(model.identifier) -%}
{%- set incremental = changes_since_now() is not none and changes_since_now() >= 0 -%}
{%- set row_scope = changed_rows(model.identifier, model) if reranked and incremental
    else test_scope(model, 'row') -%}
{#- an incremental table's changed rows: fetched by rowid (changed_rows_read); either read
    once (a materialized CTE) for every check that reads them -#}
{%- set scoped = loaded if loaded else (changed_rows_read(model) if row_scope else none) -%}
{%- set rows = 'scoped_rows' if scoped else model -%}
{%- set row_names = [] -%}
{%- set row_counts = [] -%}
{%- set whole = [] -%}
{%- for column in not_null -%}
    {%- if scoped and column == reranked -%}
        {%- do whole.append(['not_null(' ~ column ~ ')',
            'select 1 from ' ~ model ~ ' where ' ~ column ~ ' is null']) -%}
    {%- else -%}
        {%- do row_names.append('not_null(' ~ column ~ ')') -%}
        {%- do row_counts.append('count(*) filter (where ' ~ column ~ ' is null)') -%}
    {%- endif -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}
        {%- do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- do row_names.append('accepted_values(' ~ column ~ ')') -%}
    {%- do row_counts.append('count(distinct ' ~ column ~ ') filter (where ' ~ column
        ~ ' not in (' ~ listed | join(', ') ~ '))') -%}
{%- endfor -%}
{%- for name, expression in expressions.items() -%}
    {%- do row_names.append(name) -%}
    {%- do row_counts.append('count(*) filter (where (' ~ expression ~ ') is not true)') -%}
{%- endfor -%}
{%- set checks = whole -%}
{#- the loaded tables' keys, unique by the loader in every load: none has a PRIMARY KEY
    since schema version 3, and flows/warehouse._check_unique_keys checks each (a load that
    would duplicate one fails whole); rows added otherwise (a count moved by no load) make the next build a full one
    (flows/models._untracked_writes). An incremental build
    leaves them to it: each was a scan of every key of the table (the nightly full build and
    `newsetl models` test them) -#}
{%- set loader_keys = {
    'stg_articles': 'article_id', 'stg_mentions': 'mention_id', 'stg_quotes': 'quote_id',
    'stg_events': 'event_id',
} -%}
{#- a set check whose columns hold every column the changed rows are told by reads the
    changed rows alone (covers_changed, sql/macros/changed.sql); the others, test_scope's rows -#}
{%- for column in unique if not (loaded and loader_keys.get(model.identifier) == column) -%}
    {%- set covered = scoped and covers_changed(model.identifier, [column]) -%}
    {%- set scope = none if covered else test_scope(model, 'set', column) -%}
    {%- do checks.append(['unique(' ~ column ~ ')',
        'select ' ~ column ~ ' from ' ~ (rows if covered else model) ~ ' where ' ~ column
        ~ ' is not null' ~ (' and ' ~ scope if scope else '') ~ ' group by ' ~ column
        ~ ' having count(*) > 1']) -%}
{%- endfor -%}
{%- for check in relationships -%}
    {#- in_article: the parent is, by construction, a row of the child's own article (a quote's
        speaker mention, an event's actors and place: mentions of its article), loaded with it.
        In an incremental build the child is looked up among the changed articles' loaded rows
        of the parent first, and only the values not found there among every row of the parent:
        the same failing rows, and none of the whole parent read when all are found (every
        mention's key was read for each check: 2.7 and 3.5 CPU-s at 100,000 articles) -#}
    {%- set near = loaded_rows(check.to.identifier) if loaded and check.get('in_article') else none -%}
    {%- set children = 'select child.' ~ check.column ~ ' as value from ' ~ rows
        ~ ' as child where child.' ~ check.column ~ ' is not null' -%}
    {%- if near -%}
        {%- set children = children ~ ' and not exists (select 1 from ' ~ near
            ~ ' as parent where parent.' ~ check.field ~ ' = child.' ~ check.column ~ ')' -%}
    {%- endif -%}
    {%- do checks.append([
        'relationships(' ~ check.column ~ ' -> ' ~ check.to.identifier ~ '.' ~ check.field ~ ')',
        'select 1 from (' ~ children ~ ') as child where not exists (select 1 from ' ~ check.to
        ~ ' as parent where parent.' ~ check.field ~ ' = child.value)']) -%}
{%- endfor -%}
{%- for check in combinations -%}
    {%- set covered = scoped and covers_changed(model.identifier, check.columns) -%}
    {%- set scope = none if covered else test_scope(model, 'set', check.columns[0]) -%}
    {%- set conditions = [check.where] if check.where else [] -%}
    {%- do conditions.append(scope) if scope -%}
    {%- do checks.append(['unique_combination(' ~ check.columns | join(', ') ~ ')',
        'select ' ~ check.columns | join(', ') ~ ' from ' ~ (rows if covered else model)
        ~ (' where (' ~ conditions | join(') and (') ~ ')' if conditions else '')
        ~ ' group by all having count(*) > 1']) -%}
{%- endfor -%}
{%- for name, span in spans.items() -%}
    {%- do checks.append([name,
        span_mismatches(rows, span.column, span.start, span.end,
            (loaded_rows(span.articles.identifier) or span.articles) if loaded
            else span.articles)]) -%}
{%- endfor %}

with

{% if scoped -%}
scoped_rows as materialized (
    select * from {{ scoped }}
),

{% endif -%}
{% if row_names -%}
row_counts as (
    select [
        {%- for count in row_counts %}
        {{ count }}{{ ',' if not loop.last }}
        {%- endfor %}
    ] as failing
    from {{ rows }}
),

{% endif -%}
checks as (
    {%- if row_names %}
    select
        unnest([{% for name in row_names %}'{{ name }}'{{ ', ' if not loop.last }}{% endfor %}])
            as check_name,
        unnest(failing) as failing_rows
    from row_counts
    {%- endif %}
    {%- for name, sql in checks %}
    {{ 'union all' if row_names or not loop.first }}
    select '{{ name }}' as check_name, (select count(*) from ({{ sql }}) as failing) as failing_rows
    {%- endfor %}
)

select check_name, failing_rows
from checks
where failing_rows > 0

{% endtest %}
