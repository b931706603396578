-- Numerator and denominator of every indicator for every region × spine year, before the
-- catalogue decides which rows are published (fct_indicator_value).

{% set families = [
    'int_indicators__enterprise_counts',
    'int_indicators__above_scale',
    'int_indicators__region_inputs',
    'int_indicators__carriers',
] %}

{% for family in families %}
    select
        indicator_code,
        region_code,
        year,
        numerator,
        denominator,
        '{{ family }}' as computed_by
    from {{ ref(family) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
