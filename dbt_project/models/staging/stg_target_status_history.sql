with source as (

    select * from {{ source('audit', 'target_status_history') }}

),

renamed as (

    select
        plan_name,
        region_code,
        indicator_code,
        kind,
        target_year,
        period_year,
        status,
        valid_from_publication,
        valid_to_publication

    from source

)

select * from renamed
