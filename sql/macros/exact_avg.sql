{#-
    exact_avg(column): the mean of a tone column (DOUBLE, at most 4 decimals: transforms/tone.py)
    rounded to 4 decimals, half away from zero, the same whatever the order DuckDB reads the
    rows in. round(avg(x), 4) depends on that order: a float sum does (parallel scans, a view
    or a table upstream), and a mean on a rounding tie came out one way or the other (eight
    tones averaging exactly 0.03305 gave 0.033 or 0.0331; two averaging -0.06785, -0.0678 or
    -0.0679 by the floats' representation). Here the sum is exact (DECIMAL, then an integer of
    1e-8 units) and so is the rounding. NULL when every value is NULL, like avg.
-#}
{% macro exact_avg(column) -%}
    (
        sign(sum({{ column }}::decimal(18, 8)))
        * (
            (abs(sum({{ column }}::decimal(18, 8))) * 100000000)::hugeint * 2
            + count({{ column }}) * 10000
        ) // (count({{ column }}) * 20000)
        / 10000
    )
{%- endmacro %}
