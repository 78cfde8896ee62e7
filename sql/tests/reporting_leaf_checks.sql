{#-
    The checks of the reporting relations nothing is built from (the leaves of the DAG), in one
    data test, one dbt node instead of seven: a node costs dbt's Python whatever its SQL. Each
    relation's checks are model_checks' (sql/tests/generic/model_checks.sql), as its own test
    had them; a failing check is named "relation: check". A leaf's test skipped nothing below
    it, so one test after all of them stops what theirs stopped: the build, and its state.
-#}
{{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
{%- set leaves = [
    (ref('rpt_top_outlets'), {
        'not_null': ['outlet_rank', 'outlet'], 'unique': ['outlet_rank', 'outlet']}),
    (ref('rpt_top_pairs'), {
        'not_null': ['pair_rank', 'entity_a_id', 'entity_b_id'], 'unique': ['pair_rank']}),
    (ref('rpt_event_months'), {
        'not_null': ['event_month', 'event_type', 'series_rank'],
        'combinations': [{'columns': ['event_month', 'event_type']}],
        'expressions': {'rpt_event_months_counts_not_negative': 'event_count >= 0'}}),
    (ref('rpt_entity_months'), {
        'not_null': ['entity_rank', 'entity_id', 'month'],
        'combinations': [{'columns': ['entity_id', 'month']}],
        'expressions': {'rpt_entity_months_counts_consistent':
            'article_count >= 0 and mention_count >= article_count'}}),
    (ref('rpt_run_history'), {
        'not_null': ['run_number', 'run_id'], 'unique': ['run_number', 'run_id']}),
    (ref('rpt_summary'), {
        'not_null': ['article_count', 'run_count'],
        'expressions': {'rpt_summary_counts_not_negative':
            'least(article_count, source_count, undated_article_count, entity_count, '
            ~ 'mention_count, quote_count, event_count, run_count) >= 0'}}),
    (ref('rpt_speaker_quotes'), {
        'not_null': ['speaker_entity_id', 'quote_rank', 'quote_id'], 'unique': ['quote_id'],
        'relationships': [{'column': 'speaker_entity_id', 'to': ref('rpt_top_speakers'),
            'field': 'speaker_entity_id'}],
        'combinations': [{'columns': ['speaker_entity_id', 'quote_rank']}]}),
] -%}
{%- for relation, checks in leaves %}
{{ 'union all' if not loop.first }}
select '{{ relation.identifier }}: ' || check_name as check_name, failing_rows
from ({{ test_model_checks(relation, **checks) }}) as {{ relation.identifier }}_checks
{%- endfor %}
