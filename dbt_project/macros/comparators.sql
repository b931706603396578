{#
  Plan-target comparators (DESIGN §2 plan_targets.比较: `>`, `>=`, `=`, `<=`), written once
  for fct_target_progress and its tests.

  Figures are doubles computed from sums and ratios, so equality has a tolerance: two numbers
  are equal when they differ by at most 1e-9 relative to the larger magnitude (absolute
  1e-9 below magnitude 1). With that:
    `>`  : a > b and not approximately equal (strict: a value equal to the target does not meet `>`)
    `>=` : a > b or approximately equal
    `=`  : approximately equal
    `<=` : a < b or approximately equal
  An unknown comparator gives NULL (the accepted_values test on `comparator` names it).
#}

{% macro approx_equal(a, b) -%}
    (abs(({{ a }}) - ({{ b }})) <= 1e-9 * greatest(1.0, abs({{ a }}), abs({{ b }})))
{%- endmacro %}

{% macro meets_comparator(actual, comparator, target) -%}
    (case {{ comparator }}
        when '>' then ({{ actual }}) > ({{ target }}) and not {{ approx_equal(actual, target) }}
        when '>=' then ({{ actual }}) > ({{ target }}) or {{ approx_equal(actual, target) }}
        when '=' then {{ approx_equal(actual, target) }}
        when '<=' then ({{ actual }}) < ({{ target }}) or {{ approx_equal(actual, target) }}
    end)
{%- endmacro %}

{#
  Whether an actual value that does not yet meet its target is on track: compared with the
  straight-line path value at the actual's year (`path`).
    `>`, `>=` : actual >= path (at or above the line);
    `<=`      : actual <= path (at or below the line);
    `=`       : the actual is at least as close to the target as the path is,
                |actual - target| <= |path - target| — it has covered at least the share of
                the distance the line has by then, from either side, and has not overshot
                the target by more than the line still has to go.
  "At the line" uses the same tolerance as approx_equal.
#}
{% macro on_track_against_path(actual, comparator, path, target) -%}
    (case {{ comparator }}
        when '>' then ({{ actual }}) > ({{ path }}) or {{ approx_equal(actual, path) }}
        when '>=' then ({{ actual }}) > ({{ path }}) or {{ approx_equal(actual, path) }}
        when '<=' then ({{ actual }}) < ({{ path }}) or {{ approx_equal(actual, path) }}
        when '=' then
            abs(({{ actual }}) - ({{ target }})) < abs(({{ path }}) - ({{ target }}))
            or {{ approx_equal('abs((' ~ actual ~ ') - (' ~ target ~ '))', 'abs((' ~ path ~ ') - (' ~ target ~ '))') }}
    end)
{%- endmacro %}

{#
  The order of target statuses for "worse than before" (fct_indicator_alert):
  achieved 4 > on_track 3 > behind 2 > missed 1; no_data and not_measurable are not ranked.
#}
{% macro target_status_step(status_column) -%}
    case {{ status_column }}
        when 'achieved' then 4
        when 'on_track' then 3
        when 'behind' then 2
        when 'missed' then 1
    end
{%- endmacro %}
