with source as (

    select * from {{ source('raw', 'plan_targets') }}

),

renamed as (

    select
        trim(plan_name) as plan_name,
        nullif(trim(document_no), '') as document_no,
        trim(region) as region,
        trim(indicator_code) as indicator_code,
        kind,
        cast(base_year as integer) as base_year,
        cast(base_value as double) as base_value,
        cast(start_year as integer) as start_year,
        cast(target_year as integer) as target_year,
        comparator,
        cast(target_value as double) as target_value,
        cast(target_multiple as double) as target_multiple,
        clause,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
