with source as (

    select * from {{ source('raw', 'above_scale_industry') }}

),

renamed as (

    select
        upper(trim(uscc)) as uscc,
        {{ normalize_name('enterprise_name') }} as enterprise_name,
        enterprise_name as enterprise_name_original,
        cast(year as integer) as year,
        trim(region) as region,
        trim(industry_code) as industry_code,

        -- money, all in 万元 (converted from the header's unit at load time)
        cast(gross_output as double) as gross_output,
        cast(revenue as double) as revenue,
        cast(value_added as double) as value_added,
        cast(hightech_output as double) as hightech_output,
        cast(hightech_value_added as double) as hightech_value_added,
        cast(rd_expenditure as double) as rd_expenditure,

        has_rd_activity,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
