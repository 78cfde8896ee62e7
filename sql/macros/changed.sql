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
    then and writes the plain condition for that case (the keys written out, below); the same
    condition written for either case (`since < 0 or column in (…)`) is not pushed to the
    scans, and read every row (20 s instead of 0.6 s for a test of int_entity_mentions at
    100,000 articles). While dbt parses, nothing is read.
-#}
{% macro changes_since_now() -%}
    {#- a full refresh rebuilds and tests everything; a DuckLake (flows/ducklake_models.py,
        always --full-refresh) has no _meta -#}
    {%- if flags.FULL_REFRESH -%}
        {%- do return(-1) -%}
    {%- endif -%}
    {%- if execute -%}
        {#- read once per dbt invocation (a query through dbt costs ~10 ms, and every test and
            pre-hook asks, some several times) -#}
        {%- set memo = invocation_memo() -%}
        {%- if 'changes_since' not in memo -%}
            {%- do memo.update({'changes_since':
                run_query('select ' ~ changes_since()).columns[0].values()[0]}) -%}
        {%- endif -%}
        {%- do return(memo['changes_since']) -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}

{#- A dict for values read once per dbt invocation (_changes does not change during a build):
    kept in the dict dbt's nodes share as `graph`, under this invocation's id, so no value
    outlives the build that read it -#}
{% macro invocation_memo() -%}
    {%- set memo = graph.get('newsetl_memo') -%}
    {%- if not memo or memo[0] != invocation_id -%}
        {%- set memo = [invocation_id, {}] -%}
        {%- do graph.update({'newsetl_memo': memo}) -%}
    {%- endif -%}
    {%- do return(memo[1]) -%}
{%- endmacro %}

{#-
    When the changed keys are few (a scheduled run's), changed() writes them out: `column in
    ('k1', 'k2', …)`. DuckDB pushes a list of constants down to the table's scan, under a view's
    joins and computed columns; it keeps a semi join on a subquery above them, so a view like
    int_entity_mentions (a regular expression per mention) was computed for every mention of
    the warehouse, then filtered (int_entity_articles: 72-111 s for 101 articles at 100,000;
    5 s with the list). More keys than key_list_max: the subquery (the same rows).
-#}
{% macro changed(column, kind) -%}
    {%- set since = changes_since_now() -%}
    {%- if kind == 'renamed' -%}
    {{ renamed(column) }}
    {%- elif since is none -%}
    ({{ changes_since() }} < 0 or {{ column }} in (
        select key from main._changes
        where kind = '{{ kind }}' and change_seq > {{ changes_since() }}
    ))
    {%- elif since < 0 -%}
    true
    {%- else -%}
    {%- set sql = "select distinct key from main._changes where kind = '" ~ kind
        ~ "' and change_seq > " ~ since -%}
    {#- the keys read once per invocation and kind, as changes_since_now -#}
    {%- set memo = invocation_memo() -%}
    {%- set memo_key = 'keys ' ~ kind ~ ' ' ~ since -%}
    {%- if memo_key not in memo -%}
        {%- do memo.update({memo_key: key_values(sql)}) -%}
    {%- endif -%}
    {{ key_list(column, sql, memo[memo_key]) }}
    {%- endif -%}
{%- endmacro %}

{#-
    changed(column, 'renamed'): `column` names a changed entity whose name or label moved in this
    build — its row in dim_entities as it was (main._scope_dim_entities, dim_entities' pre-hook)
    and as it is differ in canonical_name or entity_label, or it is gone. What the marts that
    copy those columns (fct_events' names, fct_quotes' speakers) set again in their rows of
    unchanged articles: an entity named in a new article keeps its name almost always, and
    updating every row of every changed entity read a popular entity's thousands of rows. An
    entity new to dim_entities is named by no unchanged article's row (an event's or quote's
    entities are its own article's mentions: that article's mentions would have made the row).
    When the scope is not this build's (dim_entities not built first: it has no row of the last
    change number), every changed entity, as changed(column, 'entity').
-#}
{% macro renamed(column) -%}
    {%- set since = changes_since_now() -%}
    {%- if since is none or since < 0 or not execute -%}
    {{ changed(column, 'entity') }}
    {%- else -%}
    {%- set memo = invocation_memo() -%}
    {%- if 'renamed' not in memo -%}
        {%- set current = run_query(
            "select count(*) from duckdb_tables() where schema_name = 'main' "
            ~ "and table_name = '_scope_dim_entities'").columns[0].values()[0] > 0
            and run_query("select count(*) from main._scope_dim_entities where scope_change_seq "
            ~ "= (select coalesce(max(change_seq), -1) from main._changes)")
            .columns[0].values()[0] > 0 -%}
        {%- set sql = "select o.entity_id from "
            ~ "(select * from main._scope_dim_entities where entity_id is not null) as o "
            ~ "left join (select entity_id, canonical_name, entity_label from "
            ~ ref('dim_entities') ~ " where " ~ changed('entity_id', 'entity') ~ ") as n "
            ~ "on o.entity_id = n.entity_id where n.entity_id is null "
            ~ "or o.canonical_name is distinct from n.canonical_name "
            ~ "or o.entity_label is distinct from n.entity_label" -%}
        {%- do memo.update({'renamed': [sql, key_values(sql)] if current else none}) -%}
    {%- endif -%}
    {%- if memo['renamed'] is none -%}
    {{ changed(column, 'entity') }}
    {%- else -%}
    {{ key_list(column, memo['renamed'][0], memo['renamed'][1]) }}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- renamed_rows(relation, columns): the rows of `relation` where one of `columns` names a
    renamed entity (changed(…, 'renamed')), with their rowid as `row_id`, as a relation to
    read: their rowids found first (one scan of each column alone), then those rows fetched.
    The key list on the table itself is an optional filter of its scan (zone maps only), so
    every column the query reads was read for every row and filtered above the scan
    (fct_quotes' name update read every quote's text: 27.5 s of 33 s at 300,000 articles). -#}
{% macro renamed_rows(relation, columns) -%}
    {%- set selects = [] -%}
    {%- for column in columns -%}
        {%- do selects.append('select rowid from ' ~ relation ~ ' where '
            ~ changed(column, 'renamed')) -%}
    {%- endfor -%}
    (select rowid as row_id, * from {{ relation }}
    where rowid in ({{ selects | join(' union all ') }}))
{%- endmacro %}

{#- the keys `sql` selects (its first column), or none when more than key_list_max -#}
{% macro key_values(sql, key_list_max=5000) -%}
    {%- if not execute -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set keys = run_query('select * from (' ~ sql ~ ') limit ' ~ (key_list_max + 1)).columns[0].values() -%}
    {%- do return(none if keys | length > key_list_max else keys) -%}
{%- endmacro %}

{#- `column in (…)`: the keys `sql` selects (its first column, never NULL; read now unless
    given) written out when there are at most key_list_max of them, else `sql` itself as the
    subquery -#}
{% macro key_list(column, sql, keys='read') -%}
    {%- if keys == 'read' -%}
        {%- set keys = key_values(sql) -%}
    {%- endif -%}
    {%- if keys is none -%}
    {{ column }} in ({{ sql }})
    {%- elif keys | length == 0 -%}
    false
    {%- else -%}
    {{ column }} in (
        {%- for key in keys -%}
        '{{ key | replace("'", "''") }}'{{ ', ' if not loop.last }}
        {%- endfor -%}
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

{#-
    scope_table: a pre-hook's table of what an incremental build recomputes (main._scope_NAME,
    replaced by each incremental build; dropped by a full one), for a model whose changed rows
    are not a plain condition on its input (int_entity_articles: the sources; rpt_entity_ranking:
    the entities of those sources). With the last change number it was made for in a row of its
    own (every other column NULL): check_scope fails a build that would read a scope made before
    the last load (its model not rebuilt first).
-#}
{% macro scope_table(name, sql) -%}
    {%- if is_incremental() -%}
        create or replace table main._scope_{{ name }} as
        select *, null::bigint as scope_change_seq from ({{ sql }})
        union all by name
        select (select coalesce(max(change_seq), -1) from main._changes) as scope_change_seq
    {%- else -%}
        drop table if exists main._scope_{{ name }}
    {%- endif -%}
{%- endmacro %}

{% macro check_scope(name) -%}
    {%- if is_incremental() -%}
        select error('main._scope_{{ name }} is not of this build: build {{ name }} first')
        where not exists (
            select 1 from main._scope_{{ name }}
            where scope_change_seq = (select coalesce(max(change_seq), -1) from main._changes)
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- the month an event is placed in (agg_event_months; fct_events' scope of the months it
    deletes events from) -#}
{% macro event_month(column) -%}
    cast(date_trunc('month', {{ column }}) as date)
{%- endmacro %}

{#-
    dim_stories, incremental by story: the stories a scheduled build recomputes are those the
    changed articles belong or belonged to — the article's own, or the first occurrence it
    repeats (the loader records both versions' duplicate_of: _changes kind 'story') — and
    those of the articles that repeat a changed article (its load or removal moves whether
    they stand for their own story). story_keys(column, 'stories') is the condition "column is
    one of them"; story_keys(column, 'articles'): "column is an article of one of them (the
    first occurrence or a reprint), or the first occurrence such an article repeats" (whether
    that one is loaded decides its story). Keys written out (key_list), read once per build;
    `true` in a build of everything.
-#}
{% macro changed_stories() -%}
    select key as story_id from main._changes
    where kind in ('article', 'story') and change_seq > {{ changes_since_now() }}
    union
    select article_id from main.articles where {{ changed('duplicate_of', 'article') }}
{%- endmacro %}

{% macro story_keys(column, which) -%}
    {%- set since = changes_since_now() -%}
    {%- if since is not none and since < 0 -%}
    true
    {%- else -%}
    {%- set sql = changed_stories() if which == 'stories' else
        'with stories as (' ~ changed_stories() ~ '), members as (select article_id, '
        ~ 'duplicate_of from main.articles where article_id in (select story_id from stories) '
        ~ 'or duplicate_of in (select story_id from stories)) select article_id from members '
        ~ 'union select duplicate_of from members where duplicate_of is not null' -%}
    {%- set memo = invocation_memo() -%}
    {%- if ('stories ' ~ sql) not in memo -%}
        {%- do memo.update({'stories ' ~ sql: key_values(sql)}) -%}
    {%- endif -%}
    {{ key_list(column, sql, memo['stories ' ~ sql]) }}
    {%- endif -%}
{%- endmacro %}

{#- the months agg_event_months recomputes: those fct_events deleted events from (its scope)
    and those of the changed articles' events it inserted -#}
{% macro changed_event_months(fct_events) -%}
    select event_month from main._scope_fct_events where event_month is not null
    union
    select {{ event_month('effective_date') }} from {{ fct_events }}
    where {{ changed('article_id', 'article') }}
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
      relationships; model_checks' checks but unique and combinations) on a view whose every
      row belongs to one article and is a function of that article's loaded rows alone (the
      staging views,
      int_article_sources, int_entity_mentions): the changed articles' rows.
    * A test of one row at a time on an incremental mart: the rows its pre-hook deleted and its
      model recomputed (changed_rows below). A relationships test's parent (dim_entities,
      stg_articles) changes only for the changed entities and articles, and every row naming
      one of those is among the recomputed ones.
      changed_rows is the one definition of those rows: each incremental mart's pre-hook
      deletes `changed_rows(this.identifier)`, but fct_events and fct_quotes, which delete and
      recompute their changed articles' rows and update the names of the others.
    * A set-level test (unique, a grain) on those views or on an incremental mart: the rows
      that share the tested (first) column's value with a row the build changed — a duplicate
      has a changed row on one side (the others passed together before), and both sides share
      that value. A mart's changed rows are those its pre-hook deleted and its model
      recomputed (changed_rows below; int_entity_articles: the rows of the sources its build
      changed); a rank that every build rewrites (agg_speakers' speaker_rank,
      rpt_entity_ranking's entity_rank) is tested whole.
-#}
{#-
    any_changed: the rows of `relation` where any of `columns` ([column, kind]) names a changed
    key. Given the relation, in an incremental build: their keys (`key`) listed first, one
    filtered scan per column, and written out (key_list) — an OR of conditions is not pushed
    into DuckDB's scan, which then read every column of every row before filtering
    (fct_events' model 4.4 s of its 7.1 CPU-s at 100,000 articles, and each of its tests).
-#}
{% macro any_changed(relation, key, columns) -%}
    {%- set conditions = [] -%}
    {%- for column, kind in columns -%}
        {%- do conditions.append(changed(column, kind)) -%}
    {%- endfor -%}
    {%- set since = changes_since_now() -%}
    {%- if relation is none or since is none or since < 0 -%}
        {%- do return(conditions | join(' or ')) -%}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for condition in conditions -%}
        {%- do selects.append('select ' ~ key ~ ' from ' ~ relation ~ ' where ' ~ condition) -%}
    {%- endfor -%}
    {#- read once per invocation: each check of a mart's test asks (fct_events_checks read
        them three times, 1.5-2 s of wall each at 300,000 articles); the relation does not
        change after its model ran, and its tests run after it -#}
    {%- set sql = selects | join(' union ') -%}
    {%- set memo = invocation_memo() -%}
    {%- if ('any ' ~ sql) not in memo -%}
        {%- do memo.update({'any ' ~ sql: key_values(sql)}) -%}
    {%- endif -%}
    {%- do return(key_list(key, sql, memo['any ' ~ sql])) -%}
{%- endmacro %}

{#- changed_rows_read(relation): the rows of the incremental table `relation` that changed_rows
    names, as a relation to read: their rowids found first (a scan of the condition's columns
    alone), then those rows fetched — the condition on the table itself is a mark join above
    a scan of every column of every row (a key list of more than a few keys is one): 0.52 ->
    0.02 CPU-s for agg_entity_monthly_tone's row checks at 100,000 articles. An OR of
    conditions is a union of their rowids (one filtered scan each). None when every row is
    read (a full build). -#}
{% macro changed_rows_read(relation) -%}
    {%- set conditions = changed_rows(relation.identifier, relation, joined=false) -%}
    {%- if conditions is none -%}
        {%- do return(none) -%}
    {%- endif -%}
    {#- fct_quotes, fct_events: the rows of each condition (their changed articles', their
        renamed entities'), each looked up in the column's key index, not by the keys listed
        (any_changed: no index on quote_id / event_id, a scan of every key: 0.3 CPU-s of
        fct_events' checks at 300,000 articles). The same rows: a key names one row -#}
    {%- if relation.identifier in ['fct_quotes', 'fct_events'] -%}
        {%- set conditions = [] -%}
        {%- for column, kind in changed_row_columns(relation.identifier) -%}
            {%- do conditions.append(changed(column, kind)) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for condition in conditions -%}
        {%- do selects.append('select rowid from ' ~ relation ~ ' where ' ~ condition) -%}
    {%- endfor -%}
    {%- do return('(select * from ' ~ relation ~ ' where rowid in ('
        ~ selects | join(' union all ') ~ '))') -%}
{%- endmacro %}

{#- changed_row_columns(name): the columns changed_rows(name) tests, each with its kind
    ([column, kind]: kind 'article', 'entity', 'renamed', or none for a scope of the model's own);
    none for a model it does not scope. The one list of them (changed_rows, covers_changed). -#}
{% macro changed_row_columns(name) -%}
    {%- set by_article = [
        'stg_articles', 'stg_mentions', 'stg_quotes', 'stg_events',
        'int_article_sources', 'int_entity_mentions',
    ] -%}
    {%- set columns = {
        'fct_quotes': [['article_id', 'article'], ['speaker_entity_id', 'renamed']],
        'fct_events': [
            ['article_id', 'article'], ['actor_entity_id', 'renamed'],
            ['target_entity_id', 'renamed'], ['location_entity_id', 'renamed'],
        ],
        'dim_entities': [['entity_id', 'entity']],
        'agg_entity_daily_mentions': [['entity_id', 'entity']],
        'agg_entity_monthly_tone': [['entity_id', 'entity']],
        'agg_speakers': [['speaker_entity_id', 'entity']],
        'agg_speaker_monthly_tone': [['speaker_entity_id', 'entity']],
        'agg_entity_pairs': [['entity_a_id', 'entity'], ['entity_b_id', 'entity']],
        'dim_stories': [['story_id', none]],
        'int_entity_articles': [['source_name', none]],
        'rpt_entity_ranking': [['entity_id', none]],
    } -%}
    {%- do return([['article_id', 'article']] if name in by_article else columns.get(name)) -%}
{%- endmacro %}

{#- covers_changed(name, tested): the columns of a set-level test (`tested`: unique's one
    column, a grain's columns) hold every column the model's changed rows are told by. Then a
    row sharing its tested values with a changed row is a changed row itself (the condition
    reads only those values): the test's rows are the changed rows alone (model_checks), not
    every row sharing its first column's value with one (test_scope: a semi join that read the
    tested columns of every row). fct_quotes and fct_events: their keys, which tell their
    article (made from its id, transforms/ids.stable_id): a duplicate this build made is a
    recomputed row of a changed article, and its twin a row of that article too (a renamed
    entity's rows are updated in place, never added). int_entity_articles: article_id, which
    tells the source (the scope holds a changed article's sources before and after): the
    build adds only its changed articles' rows (the per-source columns are updated in place),
    so a duplicate's twin is a row of the same changed article (the first column's entities'
    rows were every article of those entities: 41,162 rows found in a scan of 5.7 M at
    300,000 articles). -#}
{% macro covers_changed(name, tested) -%}
    {%- set keys = {
        'fct_quotes': ['quote_id'], 'fct_events': ['event_id'],
        'int_entity_articles': ['article_id'],
    } -%}
    {%- set columns = changed_row_columns(name) -%}
    {%- if columns is none -%}
        {%- do return(false) -%}
    {%- endif -%}
    {%- set needed = keys.get(name) or columns | map('first') | list -%}
    {%- for column in needed if column not in tested -%}
        {%- do return(false) -%}
    {%- endfor -%}
    {%- do return(true) -%}
{%- endmacro %}

{#- changed_rows(name, relation, joined): the condition (joined=false: the list of conditions
    whose OR it is) -#}
{% macro changed_rows(name, relation=none, joined=true) -%}
    {%- set incremental = changes_since_now() is not none and changes_since_now() >= 0 -%}
    {%- set columns = changed_row_columns(name) -%}
    {%- set conditions = [] -%}
    {%- if columns is none -%}
        {%- do return(none) -%}
    {%- elif name in ['fct_quotes', 'fct_events'] -%}
        {%- do conditions.append(any_changed(relation,
            'quote_id' if name == 'fct_quotes' else 'event_id', columns)) -%}
    {%- elif name == 'dim_stories' -%}
        {%- do conditions.append(story_keys('story_id', 'stories') if incremental else 'true') -%}
    {%- elif name == 'int_entity_articles' -%}
        {#- its rows the build deleted and inserted or updated: those of its scope's sources -#}
        {%- do conditions.append(key_list('source_name', 'select source_name from '
            ~ 'main._scope_int_entity_articles where source_name is not null')
            if incremental else 'true') -%}
    {%- elif name == 'rpt_entity_ranking' -%}
        {%- do conditions.append(
            'entity_id in (select entity_id from main._scope_rpt_entity_ranking)'
            if incremental else changed('entity_id', 'entity')
        ) -%}
    {%- else -%}
        {%- for column, kind in columns -%}
            {%- do conditions.append(changed(column, kind)) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return(conditions | join(' or ') if joined else conditions) -%}
{%- endmacro %}

{#- test_scope: the rows of `relation` that a data test of `kind` reads in this build, as a
    condition (none: every row). `kind` is 'row' (a test of one row at a time) or 'set' (unique
    or a grain, on `column`, its first column); see above. -#}
{% macro test_scope(relation, kind, column=none) -%}
    {%- set since = changes_since_now() -%}
    {%- if since is none or since < 0 -%}
        {#- a full build (or dbt parsing): every row -#}
        {%- do return(none) -%}
    {%- elif kind == 'row' and relation.identifier != 'agg_speakers' -%}
        {%- do return(changed_rows(relation.identifier, relation)) -%}
    {%- elif kind == 'set' and column and loaded_rows(relation.identifier) -%}
        {%- do return(column ~ ' in (select ' ~ column ~ ' from '
            ~ loaded_rows(relation.identifier) ~ ')') -%}
    {%- elif kind == 'set' and column and (relation.identifier, column) not in [
        ('agg_speakers', 'speaker_rank'), ('rpt_entity_ranking', 'entity_rank')
    ] -%}
        {%- set rows = changed_rows(relation.identifier, relation) -%}
        {%- if rows is not none -%}
            {%- do return(column ~ ' in (select ' ~ column ~ ' from ' ~ relation
                ~ ' where ' ~ rows ~ ')') -%}
        {%- endif -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}

{#- dbt wraps a generic test's model in get_where_subquery; this one (overriding dbt's, which
    applies the `where` config) also scopes the test to test_scope's rows. model_checks gets
    the relation itself and scopes each of its checks. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set row_tests = [
        'not_null', 'accepted_values', 'expression_is_true', 'relationships',
    ] -%}
    {%- set metadata = (model.test_metadata or {}) if model is mapping else {} -%}
    {%- set test_name = metadata.get('name') -%}
    {%- set kwargs = metadata.get('kwargs') or {} -%}
    {%- set only_changed = none -%}
    {%- if test_name == 'model_checks' -%}
        {%- do return(relation) -%}
    {%- elif test_name in row_tests -%}
        {%- set only_changed = test_scope(relation, 'row') -%}
    {%- elif test_name == 'unique' -%}
        {%- set only_changed = test_scope(relation, 'set', kwargs.get('column_name')) -%}
    {%- endif -%}
    {%- set loaded = loaded_rows(relation.identifier) if test_name in row_tests else none -%}
    {%- if loaded -%}
        {#- a per-article view's changed rows: read off the loaded table (loaded_rows) -#}
        {%- do return('(select * from ' ~ loaded ~ (' where ' ~ where if where else '')
            ~ ') dbt_subquery') -%}
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

{#- rerank_entities: rerank for rpt_entity_ranking, whose rank is NULL for an excluded entity -#}
{% macro rerank_entities(relation, order_by) -%}
    update {{ relation }} as t set entity_rank = r.entity_rank
    from (
        select
            entity_id,
            case when excluded_reason is null then row_number() over (
                partition by excluded_reason is null order by {{ order_by }}
            ) end as entity_rank
        from {{ relation }}
    ) as r
    where t.entity_id = r.entity_id and t.entity_rank is distinct from r.entity_rank
{%- endmacro %}

{#-
    loaded_rows(name): in an incremental build, the rows of the per-article view `name` (a
    staging view or int_article_sources / int_entity_mentions) of the changed articles, as a
    relation: the view's own SQL (sql/macros/views.sql) on those articles' loaded rows alone;
    none otherwise (every row: the view itself).

    A filter on the view's article_id is a list of keys that DuckDB 1.5 applies above the
    table's scan: every row of the loaded table was read (stg_mentions' checks read 5.1 M rows
    for the 787 mentions of 50 new stories at 100,000 articles). The loaded rows are read
    with `rowid > N` as well, N the last row of the table at the last passing build
    (flows/models.py checks that it still is before a build, and writes it to _meta
    'models_rows_after'): the rows loaded since lie after it, and DuckDB skips the row groups
    before it. No bound for a table (not checked, or a row before it moved): the keys alone.
-#}
{% macro loaded_rows(name) -%}
    {%- set since = changes_since_now() -%}
    {%- if since is none or since < 0 -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- if name == 'stg_articles' -%}
        {%- do return('(' ~ stg_articles_rows(changed_loaded('articles')) ~ ')') -%}
    {%- elif name == 'stg_mentions' -%}
        {%- do return('(' ~ stg_mentions_rows(changed_loaded('mentions')) ~ ')') -%}
    {%- elif name == 'stg_quotes' -%}
        {%- do return('(' ~ stg_quotes_rows(changed_loaded('quotes')) ~ ')') -%}
    {%- elif name == 'stg_events' -%}
        {%- do return('(' ~ stg_events_rows(changed_loaded('events')) ~ ')') -%}
    {%- elif name == 'int_article_sources' -%}
        {%- do return('(' ~ int_article_sources_rows(loaded_rows('stg_articles')) ~ ')') -%}
    {%- elif name == 'int_entity_mentions' -%}
        {%- do return('(' ~ int_entity_mentions_rows(
            loaded_rows('stg_mentions'), loaded_rows('stg_articles')) ~ ')') -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}

{#-
    The changed entities' mentions, read once per incremental build: dim_entities' pre-hook
    makes main._scope_entity_mentions (scope_table) and dim_entities, agg_entity_pairs,
    agg_entity_daily_mentions and agg_entity_monthly_tone read it (entity_mentions_scope)
    instead of each filtering int_entity_mentions by the changed entities: four scans of every
    mention's entity_id (16.8 M at 300,000 articles: 0.4-0.8 CPU-s each) become one lookup in
    mentions' entity_id index (flows/models.py, LOOKUP_INDEXES; a scan below its threshold).
    DuckDB 1.5 looks a list of keys up in an index only when it is the scan's one filter: in a
    materialized CTE, not under the view's join (whose join filter joins it). The view's own
    SQL (sql/macros/views.sql) on those rows, without is_tag (the marts do not read it; it
    would read every article's body).
-#}
{% macro entity_mentions_scope_sql() -%}
    {{ scope_table('entity_mentions',
        'with scoped as materialized (select * from main.mentions where '
        ~ changed('entity_id', 'entity') ~ ') select * exclude (is_tag) from ('
        ~ int_entity_mentions_rows('(' ~ stg_mentions_rows('scoped') ~ ')',
            '(' ~ stg_articles_rows('main.articles') ~ ')') ~ ')') }}
{%- endmacro %}

{#- a mart's changed entities' mentions: the scope in an incremental build (checked to be this
    build's by the mart's pre-hook, check_scope('entity_mentions')), else every row of
    `int_entity_mentions` -#}
{% macro entity_mentions_scope(int_entity_mentions) -%}
    {%- if is_incremental() -%}
    select * exclude (scope_change_seq) from main._scope_entity_mentions
    where scope_change_seq is null
    {%- else -%}
    select * from {{ int_entity_mentions }}
    {%- endif -%}
{%- endmacro %}

{#- the changed articles' rows of the loaded table `table` (an incremental build's) -#}
{% macro changed_loaded(table) -%}
    {%- set memo = invocation_memo() -%}
    {%- if 'rows_after' not in memo -%}
        {%- set value = run_query("select value from main._meta where key = 'models_rows_after'")
            .columns[0].values() -%}
        {%- do memo.update({'rows_after': fromjson(value[0]) if value and value[0] else {}}) -%}
    {%- endif -%}
    {%- set after = memo['rows_after'].get(table) -%}
    (select * from main.{{ table }} where
    {%- if after is not none %} rowid > {{ after | int }} and{% endif %}
    {{ changed('article_id', 'article') }})
{%- endmacro %}

{#-
    key_indexes(): an ART index on each column of an incremental mart that a scheduled build
    looks its changed keys up in (its pre-hook's delete, its tests' changed rows, the marts
    that read it by key): the marts' post-hook (dbt_project.yml) creates those missing.
    Without one, each lookup was a scan of the whole column whatever the number of keys
    (agg_entity_daily_mentions, 5.4 M rows at 300,000 articles: 0.16 CPU-s for one key, 0.21
    for 283; 0.003 with the index). The keys are written out (key_list): DuckDB uses an
    index for a list of constants when the rows they match are fewer than
    index_scan_max_count (2,048) or index_scan_percentage (0.1 %) of the table — about where
    the index stops paying (docs/performance.md), so the defaults are kept; past them, the
    scan as before. A full build drops them all first, before any node runs
    (drop_key_indexes, on-run-start): DuckDB renames no table with an index, dbt swaps a
    rebuilt table in by renames, and indexes dropped in the nodes' own transactions (or by
    dbt-duckdb's `indexes` config) failed the statements of the nodes running beside them
    ("Table with name …__dbt_backup does not exist"). A DuckLake has no indexes.
-#}
{% macro key_index_columns() -%}
    {%- do return({
        'agg_entity_daily_mentions': ['entity_id'],
        'agg_entity_monthly_tone': ['entity_id'],
        'agg_entity_pairs': ['entity_a_id', 'entity_b_id'],
        'agg_speaker_monthly_tone': ['speaker_entity_id'],
        'fct_quotes': ['article_id', 'speaker_entity_id'],
        'fct_events': [
            'article_id', 'actor_entity_id', 'target_entity_id', 'location_entity_id',
        ],
        'dim_entities': ['entity_id'],
    } if target.name != 'ducklake' else {}) -%}
{%- endmacro %}

{% macro key_indexes() -%}
    {%- set statements = [] -%}
    {%- for column in key_index_columns().get(this.identifier, []) -%}
        {%- do statements.append('create index if not exists ' ~ this.identifier ~ '__'
            ~ column ~ ' on ' ~ this ~ ' (' ~ column ~ ')') -%}
    {%- endfor -%}
    {{ statements | join(';\n') if statements else 'select 1' }}
{%- endmacro %}

{% macro drop_key_indexes() -%}
    {%- set statements = [] -%}
    {%- if flags.FULL_REFRESH -%}
        {%- for name, columns in key_index_columns().items() -%}
            {%- for column in columns -%}
                {%- do statements.append('drop index if exists ' ~ target.database ~ '.'
                    ~ 'marts.' ~ name ~ '__' ~ column) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ statements | join(';\n') if statements else 'select 1' }}
{%- endmacro %}
