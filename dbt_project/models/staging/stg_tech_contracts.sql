with source as (

    select * from {{ source('raw', 'tech_contracts') }}

),

renamed as (

    select
        trim(contract_no) as contract_no,
        cast(registered_date as date) as registered_date,
        contract_type,
        cast(contract_amount as double) as contract_amount,
        cast(technology_amount as double) as technology_amount,
        {{ normalize_name('seller_name') }} as seller_name,
        seller_name as seller_name_original,
        nullif(upper(trim(seller_uscc)), '') as seller_uscc,
        trim(region) as region,
        buyer_name,
        buyer_location,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
