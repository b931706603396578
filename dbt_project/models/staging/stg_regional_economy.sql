with source as (

    select * from {{ source('raw', 'regional_economy') }}

),

renamed as (

    select
        trim(region) as region,
        cast(year as integer) as year,
        cast(gdp as double) as gdp,  -- 万元 (the files usually say 亿元; converted at load)
        cast(population_10k as double) as population_10k,  -- 万人
        cast(enterprise_legal_entities as bigint) as enterprise_legal_entities,
        status,

        _extra,
        _load_id,
        _source_file,
        _row_number

    from source

)

select * from renamed
