-- Contribution rules of the technology-contract indicators (DESIGN §4): contracts registered
-- in Y, in the seller's region (技术输出); turnover sums contract_amount (万元), the count
-- takes count(distinct contract_no). This file is the only place these rules are written.

with contracts as (

    select
        cast(year(contracts.registered_date) as integer) as year,
        contracts.*
    from {{ ref('int_tech_contracts_current') }} as contracts

),

rules as (

    -- 技术合同成交额
    select
        'tech_contract_turnover' as indicator_code,
        contracts.contract_amount as amount,
        contracts.*
    from contracts

    union all

    -- 技术合同登记数
    select
        'tech_contract_count' as indicator_code,
        1.0 as amount,
        contracts.*
    from contracts

)

select
    indicator_code,
    'numerator' as role,
    region_code,
    year,
    contract_no as entity_key,
    seller_name as entity_name,
    cast(amount as double) as amount,
    'tech_contracts' as source,
    _load_id,
    _source_file,
    _row_number

from rules
