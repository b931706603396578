-- Growth-firm list entries seen from each spine year Y: every entry of a list of year <= Y,
-- flagged when the list is Y's own and when the listing is valid at Y-12-31 (有效期至 empty
-- or on/after Y-12-31, DESIGN §2). Annual indicators (gazelle_count, unicorn_count) keep
-- listings of Y; cumulative ones (…_cumulative) take every row; the rest count listings
-- valid at Y-12-31. Each entry keeps the region its own row names, and its batch columns
-- for indicator_lineage.

with list_entries as (

    select * from {{ ref('int_growth_firm_lists_current') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

)

select
    spine.year,
    list_entries.year as list_year,
    list_entries.year = spine.year as is_listed_in_year,
    (
        list_entries.valid_until is null
        or list_entries.valid_until >= {{ year_end('spine.year') }}
    ) as is_valid_at_year_end,
    list_entries.uscc,
    list_entries.enterprise_name,
    list_entries.category,
    list_entries.level,
    list_entries.level_rank,
    list_entries.valid_until,
    list_entries.region_code,
    list_entries._load_id,
    list_entries._source_file,
    list_entries._row_number

from list_entries
inner join spine
    on spine.year >= list_entries.year
