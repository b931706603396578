-- Source batches behind the above-scale ratio indicators (int_indicators__above_scale):
-- per indicator × region × spine year × input role × batch, the number of current source
-- rows that fed the numerator, the denominator, or qualified them ("input").
--   roster ratios: roster(Y) rows in the region's subtree — the denominator's rows, and of
--     those the rows the numerator keeps (certified, with R&D activity, high-tech
--     manufacturing, or simply a non-empty money column);
--   hightech_share_of_above_scale, input: the certificates valid at Y-12-31 (any region)
--     that certified those roster firms;
--   above_scale_share_of_hightech: certificates valid at Y-12-31 in the subtree
--     (denominator), those of enterprises on roster(Y) (numerator), and the roster(Y) rows
--     (any region) of those enterprises (input, once per enterprise).
-- Rows are aggregated per region before the closure roll-up, except the last input, which
-- must count each enterprise once per ancestor.

with closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

roster as (

    select * from {{ ref('int_above_scale_roster_by_year') }}

),

valid_certificates as (

    select
        year,
        uscc,
        region_code,
        _load_id
    from {{ ref('int_hightech_certificates_valid_by_year') }}

),

roster_enterprises as (

    select
        year,
        uscc,
        _load_id
    from roster

),

roster_rows as (

    select
        closure.ancestor_code as region_code,
        per_region.year,
        per_region._load_id,
        sum(per_region.n_rows) as n_rows,
        sum(per_region.n_certified) as n_certified,
        sum(per_region.n_with_rd) as n_with_rd,
        sum(per_region.n_gross_output) as n_gross_output,
        sum(per_region.n_hightech_output) as n_hightech_output,
        sum(per_region.n_value_added) as n_value_added,
        sum(per_region.n_hightech_value_added) as n_hightech_value_added,
        sum(per_region.n_hightech_manufacturing_value_added) as n_hightech_manufacturing_value_added,
        sum(per_region.n_revenue) as n_revenue,
        sum(per_region.n_rd_expenditure) as n_rd_expenditure
    from (
        select
            year,
            region_code,
            _load_id,
            count(*) as n_rows,
            count(*) filter (where has_valid_hightech_certificate) as n_certified,
            count(*) filter (where has_rd_activity) as n_with_rd,
            count(gross_output) as n_gross_output,
            count(hightech_output) as n_hightech_output,
            count(value_added) as n_value_added,
            count(hightech_value_added) as n_hightech_value_added,
            count(value_added) filter (where is_hightech_manufacturing)
                as n_hightech_manufacturing_value_added,
            count(revenue) as n_revenue,
            count(rd_expenditure) as n_rd_expenditure
        from roster
        group by all
    ) as per_region
    inner join closure
        on closure.descendant_code = per_region.region_code
    group by all

),

-- certificates (any region) that certified roster firms of the subtree
certifying_certificates as (

    select
        closure.ancestor_code as region_code,
        per_region.year,
        per_region._load_id,
        sum(per_region.n_rows) as n_rows
    from (
        select
            roster.year,
            roster.region_code,
            valid_certificates._load_id,
            count(*) as n_rows
        from roster
        inner join valid_certificates
            on valid_certificates.uscc = roster.uscc
            and valid_certificates.year = roster.year
        group by all
    ) as per_region
    inner join closure
        on closure.descendant_code = per_region.region_code
    group by all

),

-- certificates valid in the subtree, split by whether the enterprise is on roster(Y)
hightech_certificates as (

    select
        closure.ancestor_code as region_code,
        per_region.year,
        per_region._load_id,
        sum(per_region.n_rows) as n_rows,
        sum(per_region.n_rows) filter (where per_region.is_on_roster) as n_on_roster
    from (
        select
            valid_certificates.year,
            valid_certificates.region_code,
            valid_certificates._load_id,
            roster_enterprises.uscc is not null as is_on_roster,
            count(*) as n_rows
        from valid_certificates
        left join roster_enterprises
            on roster_enterprises.uscc = valid_certificates.uscc
            and roster_enterprises.year = valid_certificates.year
        group by all
    ) as per_region
    inner join closure
        on closure.descendant_code = per_region.region_code
    group by all

),

-- roster rows (any region) of the valid high-tech enterprises of the subtree
hightech_roster_rows as (

    select
        closure.ancestor_code as region_code,
        valid_certificates.year,
        roster_enterprises._load_id,
        count(distinct valid_certificates.uscc) as n_rows
    from valid_certificates
    inner join roster_enterprises
        on roster_enterprises.uscc = valid_certificates.uscc
        and roster_enterprises.year = valid_certificates.year
    inner join closure
        on closure.descendant_code = valid_certificates.region_code
    group by all

),

inputs as (

    select
        'hightech_share_of_above_scale' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_certified as row_count
    from roster_rows
    union all
    select
        'hightech_share_of_above_scale' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_rows as row_count
    from roster_rows
    union all
    select
        'hightech_share_of_above_scale' as indicator_code,
        region_code,
        year,
        'input' as input_role,
        'hightech_certificates' as source,
        _load_id,
        n_rows as row_count
    from certifying_certificates

    union all

    select
        'above_scale_share_of_hightech' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'hightech_certificates' as source,
        _load_id,
        n_on_roster as row_count
    from hightech_certificates
    union all
    select
        'above_scale_share_of_hightech' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        'hightech_certificates' as source,
        _load_id,
        n_rows as row_count
    from hightech_certificates
    union all
    select
        'above_scale_share_of_hightech' as indicator_code,
        region_code,
        year,
        'input' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_rows as row_count
    from hightech_roster_rows

    union all

    select
        'hightech_output_share' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_hightech_output as row_count
    from roster_rows
    union all
    select
        'hightech_output_share' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_gross_output as row_count
    from roster_rows

    union all

    select
        'hightech_va_share' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_hightech_value_added as row_count
    from roster_rows
    union all
    select
        'hightech_va_share' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_value_added as row_count
    from roster_rows

    union all

    select
        'hightech_manufacturing_va_share' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_hightech_manufacturing_value_added as row_count
    from roster_rows
    union all
    select
        'hightech_manufacturing_va_share' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_value_added as row_count
    from roster_rows

    union all

    select
        'above_scale_rd_intensity' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_rd_expenditure as row_count
    from roster_rows
    union all
    select
        'above_scale_rd_intensity' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_revenue as row_count
    from roster_rows

    union all

    select
        'above_scale_rd_coverage' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_with_rd as row_count
    from roster_rows
    union all
    select
        'above_scale_rd_coverage' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        'above_scale_industry' as source,
        _load_id,
        n_rows as row_count
    from roster_rows

)

select
    indicator_code,
    region_code,
    cast(year as integer) as year,
    input_role,
    source,
    _load_id as load_id,
    cast(row_count as bigint) as row_count,
    cast(null as varchar) as vintage_status

from inputs
where row_count > 0
