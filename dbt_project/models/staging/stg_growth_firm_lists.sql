with source as (

    select * from {{ source('raw', 'growth_firm_lists') }}

),

renamed as (

    select
        upper(trim(uscc)) as uscc,
        {{ normalize_name('enterprise_name') }} as enterprise_name,
        enterprise_name as enterprise_name_original,
        category,
        cast(year as integer) as year,
        trim(region) as region,
        level,
        cast(valid_until as date) as valid_until,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
