with source as (

    select * from {{ source('raw', 'patents') }}

),

renamed as (

    select
        trim(application_no) as application_no,
        patent_type,
        application_date,
        grant_date,
        lapse_date,
        {{ normalize_name('holder_name') }} as holder_name,
        holder_name as holder_name_original,
        nullif(upper(trim(holder_uscc)), '') as holder_uscc,
        trim(region) as region,
        high_value,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
