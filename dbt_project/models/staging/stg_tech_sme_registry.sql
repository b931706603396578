with source as (

    select * from {{ source('raw', 'tech_sme_registry') }}

),

renamed as (

    select
        upper(trim(uscc)) as uscc,
        {{ normalize_name('enterprise_name') }} as enterprise_name,
        enterprise_name as enterprise_name_original,
        trim(registration_no) as registration_no,
        cast(year as integer) as year,
        trim(region) as region,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
