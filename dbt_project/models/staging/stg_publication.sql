with source as (

    select * from {{ source('audit', 'publication') }}

),

renamed as (

    select
        publication_id,
        refresh_id,
        published_at,
        status,
        status = 'candidate' as is_candidate,
        batches,
        indicator_values_added,
        indicator_values_changed,
        indicator_values_removed

    from source

)

select * from renamed
