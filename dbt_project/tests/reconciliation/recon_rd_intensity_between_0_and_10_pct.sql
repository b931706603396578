{{ config(severity='error', tags=['reconciliation']) }}
-- Reconciliation (publish gate): R&D intensity (R&D spending / GDP x 100) lies between
-- 0 and 10 %. The highest regional figures in China are around 6-7 %; a value outside the
-- range means a unit error (元 vs 亿元 headers), a figure of the wrong region or year, or a
-- GDP/R&D pair from different vintages — each batch passes its own checks, the pair does not.

select
    facts.indicator_code,
    facts.region_code,
    facts.year,
    facts.value,
    facts.numerator as rd_expenditure_10k_yuan,
    facts.denominator as gdp_10k_yuan
from {{ ref('fct_indicator_value') }} as facts
where
    facts.indicator_code = 'rd_intensity'
    and (facts.value < 0 or facts.value > 10)
