-- Early warnings a bureau acts on (DESIGN §4), one row per alert. The rules live in the
-- int_alerts__* models; their thresholds in the seed alert_rules, the one place to set them.

{% set rules = ['int_alerts__renewal_due', 'int_alerts__stock_fall', 'int_alerts__target_worsened'] %}

{% for rule in rules %}
    select
        alert_code,
        indicator_code,
        region_code,
        cast(year as integer) as year,
        severity,
        cast(value as double) as value,
        cast(threshold as double) as threshold,
        message_zh,
        message_en
    from {{ ref(rule) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
