{#-
    Row rule: every row satisfies `expression` (a SQL boolean over the model's columns).
    A NULL result counts as a failure, so write rules that say what NULL should mean, e.g.
    `speaker_start_char is null or speaker_end_char > speaker_start_char`.
-#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where ({{ expression }}) is not true

{% endtest %}
