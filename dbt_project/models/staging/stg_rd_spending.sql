with source as (

    select * from {{ source('raw', 'rd_spending') }}

),

renamed as (

    select
        trim(region) as region,
        cast(year as integer) as year,
        cast(rd_expenditure as double) as rd_expenditure,  -- 万元
        status,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
