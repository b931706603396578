with source as (

    select * from {{ source('audit', 'load_ledger') }}

),

renamed as (

    select
        load_id,
        source,
        file,
        sha256,
        row_count,
        status,
        status in ('published', 'pending') as is_in_raw,
        refresh_id,
        loaded_at,
        published_at

    from source

)

select * from renamed
