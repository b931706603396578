with source as (

    select * from {{ source('raw', 'hightech_certificates') }}

),

renamed as (

    select
        upper(trim(uscc)) as uscc,
        {{ normalize_name('enterprise_name') }} as enterprise_name,
        enterprise_name as enterprise_name_original,
        upper(trim(certificate_no)) as certificate_no,
        issue_date,
        revoked_date,
        trim(region) as region,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
