with source as (

    select * from {{ source('audit', 'indicator_value_history') }}

),

renamed as (

    select
        indicator_code,
        region_code,
        year,
        value,
        obs_status,
        valid_from_publication,
        valid_to_publication

    from source

)

select * from renamed
