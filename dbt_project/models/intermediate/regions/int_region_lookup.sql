-- Every way a source row may name a region (DESIGN §2): its code, its current name, or any
-- name the code has had in an earlier `regions` batch ("region codes are stable; names may
-- change: every name a code has ever had keeps resolving to it").
--
-- One key, one code. Precedence (docs/decisions.md, "Region names after a rename"):
--   1. a region code: a code match wins over a name match should a name equal another code;
--   2. a current name (int_regions: unique across codes);
--   3. a former name; should the same former name have been held by several codes, the
--      code that held it most recently (the latest batch naming it so) wins.

with current_regions as (

    select
        region_code,
        region_name
    from {{ ref('int_regions') }}

),

-- every (name, code) pair of every published regions batch, with the latest batch naming it
names_ever as (

    select
        region_name,
        region_code,
        max(_load_id) as last_load_id
    from {{ ref('stg_regions') }}
    where region_name is not null
    group by region_name, region_code

),

former_names as (

    select
        names_ever.region_name,
        names_ever.region_code,
        names_ever.last_load_id
    from names_ever
    left join current_regions
        on
        current_regions.region_code = names_ever.region_code
        and current_regions.region_name = names_ever.region_name
    where current_regions.region_code is null

),

candidates as (

    select
        region_code as region_key,
        region_code,
        'code' as matched_on,
        1 as priority,
        cast(null as bigint) as last_load_id
    from current_regions

    union all

    select
        region_name as region_key,
        region_code,
        'name' as matched_on,
        2 as priority,
        cast(null as bigint) as last_load_id
    from current_regions

    union all

    select
        region_name as region_key,
        region_code,
        'former_name' as matched_on,
        3 as priority,
        last_load_id
    from former_names

),

ranked as (

    select
        region_key,
        region_code,
        matched_on,
        row_number() over (
            partition by region_key
            order by priority asc, last_load_id desc nulls last, region_code asc
        ) as preference
    from candidates

)

select
    region_key,
    region_code,
    matched_on

from ranked
where preference = 1
