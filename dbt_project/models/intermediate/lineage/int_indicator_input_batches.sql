-- Source batches behind every indicator value, before indicator_lineage attaches the
-- values, definitions and ledger: one row per indicator × region × spine year × input role
-- × source × batch with the number of rows of that batch that fed the value.

{% set families = [
    'int_lineage__enterprise_counts',
    'int_lineage__above_scale',
    'int_lineage__region_inputs',
    'int_lineage__carriers',
] %}

{% for family in families %}
    select
        indicator_code,
        region_code,
        year,
        input_role,
        source,
        load_id,
        row_count,
        vintage_status,
        '{{ family }}' as computed_by
    from {{ ref(family) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
