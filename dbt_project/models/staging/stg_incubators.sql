with source as (

    select * from {{ source('raw', 'incubators') }}

),

renamed as (

    select
        {{ normalize_name('carrier_name') }} as carrier_name,
        carrier_name as carrier_name_original,
        carrier_type,
        level,
        cast(year_recognized as integer) as year_recognized,
        trim(region) as region,
        cast(area_m2 as double) as area_m2,
        cast(year_revoked as integer) as year_revoked,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
