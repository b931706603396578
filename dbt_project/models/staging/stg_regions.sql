with source as (

    select * from {{ source('raw', 'regions') }}

),

renamed as (

    select
        trim(region_code) as region_code,
        trim(region_name) as region_name,
        nullif(trim(parent_code), '') as parent_code,
        level,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
