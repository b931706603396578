with source as (

    select * from {{ source('raw', 'innovation_platforms') }}

),

renamed as (

    select
        {{ normalize_name('platform_name') }} as platform_name,
        platform_name as platform_name_original,
        platform_type,
        level,
        cast(year_recognized as integer) as year_recognized,
        {{ normalize_name('host_name') }} as host_name,
        nullif(upper(trim(host_uscc)), '') as host_uscc,
        trim(region) as region,
        coalesce(is_major, false) as is_major,
        coalesce(rd_standard_certified, false) as rd_standard_certified,
        cast(year_revoked as integer) as year_revoked,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
