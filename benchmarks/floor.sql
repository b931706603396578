-- The floor's computing half: the 48 catalogue indicators (DESIGN §4) for every region and
-- spine year, from the src_<source> tables that benchmarks/floor_read.py fills (typed,
-- canonical units, `_file` = file name, whose order is the publish order).
--
-- The minimal honest work of a hand-written pipeline: the surviving row per key (later file
-- wins; 正式 beats 初步 first), region names resolved to codes, the region roll-up through the
-- region tree (enterprise counts distinct over a region and all its descendants; region-level
-- inputs from the region's own row, else the sum of its children when every child has one),
-- and each indicator's validity rule. No validation, no lineage, no vintages kept, no
-- provisional flags, no history: one table `indicator_values` at the end.
--
-- Statements are separated by lines holding only ';' so that floor.py can time each one.

-- ---------------------------------------------------------------------------------------
-- Regions: the latest row per code; every name a code ever had resolves to it.
CREATE TEMP TABLE region AS
SELECT region_code, region_name, nullif(parent_code, '') AS parent_code
FROM src_regions
QUALIFY row_number() OVER (PARTITION BY region_code ORDER BY _file DESC) = 1
;
CREATE TEMP TABLE region_key AS
SELECT region_code AS k, region_code FROM region
UNION
SELECT region_name, region_code FROM src_regions
;
-- closure(descendant, ancestor, dist): every region with itself (dist 0) and each ancestor.
CREATE TEMP TABLE closure AS
WITH RECURSIVE c (descendant, ancestor, dist) AS (
    SELECT region_code, region_code, 0 FROM region
    UNION ALL
    SELECT c.descendant, r.parent_code, c.dist + 1
    FROM c JOIN region AS r ON r.region_code = c.ancestor
    WHERE r.parent_code IS NOT NULL AND c.dist < 20
)
SELECT * FROM c
;
CREATE TEMP TABLE leaf AS
SELECT region_code FROM region WHERE region_code NOT IN (SELECT parent_code FROM region WHERE parent_code IS NOT NULL)
;
CREATE TEMP TABLE spine AS
SELECT DISTINCT year FROM src_regional_economy WHERE year IS NOT NULL
;
CREATE TEMP TABLE grid AS
SELECT r.region_code, s.year FROM region AS r CROSS JOIN spine AS s
;

-- ---------------------------------------------------------------------------------------
-- Surviving rows per key (later file wins), region as a code.
CREATE TEMP TABLE cert AS
SELECT s.uscc, s.issue_date, s.revoked_date, k.region_code AS region
FROM src_hightech_certificates AS s LEFT JOIN region_key AS k ON k.k = s.region
QUALIFY row_number() OVER (PARTITION BY s.certificate_no ORDER BY s._file DESC) = 1
;
CREATE TEMP TABLE sme AS
SELECT s.uscc, s.year, k.region_code AS region
FROM src_tech_sme_registry AS s LEFT JOIN region_key AS k ON k.k = s.region
QUALIFY row_number() OVER (PARTITION BY s.registration_no ORDER BY s._file DESC) = 1
;
CREATE TEMP TABLE roster AS
SELECT s.* EXCLUDE (region, _file), k.region_code AS region
FROM src_above_scale_industry AS s LEFT JOIN region_key AS k ON k.k = s.region
QUALIFY row_number() OVER (PARTITION BY s.uscc, s.year ORDER BY s._file DESC) = 1
;
-- Patents: only what the indicators read (invention patents with a grant), one row per
-- application; held at Y-12-31 <=> year(grant) <= Y < year(lapse).
CREATE TEMP TABLE patent AS
SELECT * FROM (
    SELECT s.patent_type, year(s.grant_date) AS gy, year(s.lapse_date) AS ly, coalesce(s.high_value, false) AS hv,
           s.holder_uscc, k.region_code AS region
    FROM src_patents AS s LEFT JOIN region_key AS k ON k.k = s.region
    QUALIFY row_number() OVER (PARTITION BY s.application_no ORDER BY s._file DESC) = 1
)
WHERE patent_type = '发明' AND gy IS NOT NULL
;
CREATE TEMP TABLE growth AS
SELECT s.uscc, s.category, s.year, s.valid_until, k.region_code AS region,
       CASE s.eff_level WHEN '国家级' THEN 4 WHEN '省级' THEN 3 WHEN '市级' THEN 2 WHEN '区级' THEN 1 END AS rank
FROM (
    SELECT *, coalesce(level, CASE category WHEN '专精特新"小巨人"企业' THEN '国家级'
                                            WHEN '制造业单项冠军企业' THEN '国家级' ELSE '省级' END) AS eff_level
    FROM src_growth_firm_lists
) AS s LEFT JOIN region_key AS k ON k.k = s.region
QUALIFY row_number() OVER (PARTITION BY s.uscc, s.category, s.eff_level, s.year ORDER BY s._file DESC) = 1
;
CREATE TEMP TABLE carrier AS
SELECT replace(replace(trim(s.carrier_name), '（', '('), '）', ')') AS carrier, s.carrier_type, s.area_m2,
       CASE s.level WHEN '国家级' THEN 4 WHEN '省级' THEN 3 WHEN '市级' THEN 2 WHEN '区级' THEN 1 END AS rank,
       s.year_recognized AS rec, s.year_revoked AS rev, k.region_code AS region
FROM src_incubators AS s LEFT JOIN region_key AS k ON k.k = s.region
QUALIFY row_number() OVER (PARTITION BY carrier, s.level ORDER BY s._file DESC) = 1
;
CREATE TEMP TABLE platform AS
SELECT replace(replace(trim(s.platform_name), '（', '('), '）', ')') AS platform, s.platform_type,
       CASE s.level WHEN '国家级' THEN 4 WHEN '省级' THEN 3 WHEN '市级' THEN 2 WHEN '区级' THEN 1 END AS rank,
       s.year_recognized AS rec, s.year_revoked AS rev, coalesce(s.host_uscc, '') AS host,
       coalesce(s.is_major, false) AS is_major, coalesce(s.rd_standard_certified, false) AS certified,
       k.region_code AS region
FROM src_innovation_platforms AS s LEFT JOIN region_key AS k ON k.k = s.region
QUALIFY row_number() OVER (PARTITION BY platform, s.level ORDER BY s._file DESC) = 1
;
CREATE TEMP TABLE contract AS
SELECT year(s.registered_date) AS year, s.contract_amount, k.region_code AS region
FROM src_tech_contracts AS s LEFT JOIN region_key AS k ON k.k = s.region
QUALIFY row_number() OVER (PARTITION BY s.contract_no ORDER BY s._file DESC) = 1
;

-- ---------------------------------------------------------------------------------------
-- Region-level inputs: the figure per (region, year): 正式 beats 初步, then the later file.
CREATE TEMP TABLE own AS
WITH econ AS (
    SELECT k.region_code AS region, s.year, s.gdp, s.population_10k, s.enterprise_legal_entities
    FROM src_regional_economy AS s JOIN region_key AS k ON k.k = s.region
    QUALIFY row_number() OVER (PARTITION BY k.region_code, s.year ORDER BY (s.status = '正式') DESC, s._file DESC) = 1
),
rd AS (
    SELECT k.region_code AS region, s.year, s.rd_expenditure
    FROM src_rd_spending AS s JOIN region_key AS k ON k.k = s.region
    QUALIFY row_number() OVER (PARTITION BY k.region_code, s.year ORDER BY (s.status = '正式') DESC, s._file DESC) = 1
)
SELECT 'gdp' AS measure, region, year, gdp AS value FROM econ WHERE gdp IS NOT NULL
UNION ALL SELECT 'population', region, year, population_10k FROM econ WHERE population_10k IS NOT NULL
UNION ALL SELECT 'legal_entities', region, year, enterprise_legal_entities FROM econ
    WHERE enterprise_legal_entities IS NOT NULL
UNION ALL SELECT 'rd', region, year, rd_expenditure FROM rd WHERE rd_expenditure IS NOT NULL
;
-- A region's value: its own figure, else the sum of its children's (recursively), none when a
-- child has none. Unrolled: an own figure counts for the ancestors strictly below the nearest
-- ancestor that has its own figure ("stop"); a region has no value when some leaf below it has
-- no figure on its way up to the region.
CREATE TEMP TABLE region_input AS
WITH stops AS (
    SELECT o.measure, o.region, o.year, min(c.dist) AS stop
    FROM own AS o
    JOIN closure AS c ON c.descendant = o.region AND c.dist > 0
    JOIN own AS a ON a.measure = o.measure AND a.year = o.year AND a.region = c.ancestor
    GROUP BY ALL
),
own_stop AS (
    SELECT o.*, s.stop FROM own AS o LEFT JOIN stops AS s USING (measure, region, year)
),
sums AS (
    SELECT o.measure, c.ancestor AS region, o.year, sum(o.value) AS value
    FROM own_stop AS o JOIN closure AS c ON c.descendant = o.region AND (o.stop IS NULL OR c.dist < o.stop)
    GROUP BY ALL
),
leaf_stop AS (
    SELECT l.region_code AS leaf, m.measure, s.year, min(c.dist) FILTER (WHERE o.region IS NOT NULL) AS stop
    FROM leaf AS l
    CROSS JOIN (SELECT DISTINCT measure FROM own) AS m
    CROSS JOIN spine AS s
    JOIN closure AS c ON c.descendant = l.region_code
    LEFT JOIN own AS o ON o.measure = m.measure AND o.year = s.year AND o.region = c.ancestor
    GROUP BY ALL
),
gaps AS (
    SELECT DISTINCT s.measure, c.ancestor AS region, s.year
    FROM leaf_stop AS s JOIN closure AS c ON c.descendant = s.leaf AND (s.stop IS NULL OR c.dist < s.stop)
)
SELECT s.measure AS set_name, s.region, s.year, s.value
FROM sums AS s ANTI JOIN gaps AS g ON g.measure = s.measure AND g.region = s.region AND g.year = s.year
WHERE s.year IN (SELECT year FROM spine)
;

-- ---------------------------------------------------------------------------------------
-- Members: (set, year, region, entity) for every count of distinct entities; rolled up below.
CREATE TEMP TABLE valid_cert AS
SELECT DISTINCT s.year, c.uscc, c.region
FROM cert AS c JOIN spine AS s
    ON c.issue_date <= make_date(s.year, 12, 31) AND make_date(s.year, 12, 31) < c.issue_date + INTERVAL 3 YEAR
    AND (c.revoked_date IS NULL OR c.revoked_date > make_date(s.year, 12, 31))
;
CREATE TEMP TABLE roster_y AS  -- htm: a high-tech manufacturing industry (NBS 2017 list, the dbt seed)
SELECT *, trim(industry_code) IN (SELECT industry_code FROM hightech_industry) AS htm
FROM roster WHERE year IN (SELECT year FROM spine)
;
-- Platform and carrier level in Y: the highest level recognised by Y and not revoked by Y.
CREATE TEMP TABLE carrier_level AS
SELECT s.year, c.*
FROM carrier AS c JOIN spine AS s ON c.rec <= s.year AND (c.rev IS NULL OR c.rev > s.year)
QUALIFY row_number() OVER (PARTITION BY s.year, c.carrier ORDER BY c.rank DESC) = 1
;
-- First year a level at or above L was reached (a row revoked in its own year never gave it).
CREATE TEMP TABLE carrier_first AS
SELECT carrier, min(rec) AS f1, min(rec) FILTER (WHERE rank >= 2) AS f2, min(rec) FILTER (WHERE rank >= 3) AS f3
FROM carrier WHERE rev IS NULL OR rev > rec GROUP BY carrier
;
CREATE TEMP TABLE platform_level AS
SELECT s.year, p.*
FROM platform AS p JOIN spine AS s ON p.rec <= s.year AND (p.rev IS NULL OR p.rev > s.year)
QUALIFY row_number() OVER (PARTITION BY s.year, p.platform ORDER BY p.rank DESC) = 1
;
CREATE TEMP TABLE platform_first AS
SELECT platform, min(rec) FILTER (WHERE rank >= 2) AS f2, min(rec) FILTER (WHERE rank >= 3) AS f3,
       min(rec) FILTER (WHERE rank >= 4) AS f4
FROM platform WHERE rev IS NULL OR rev > rec GROUP BY platform
;
CREATE TEMP TABLE rd_host AS  -- enterprises hosting an enterprise R&D institute valid in Y
SELECT DISTINCT year, host AS uscc FROM platform_level
WHERE platform_type IN ('企业研发机构', '企业技术中心', '工程技术研究中心') AND host <> ''
;
CREATE TEMP TABLE hv_holder AS  -- holders of a high-value invention patent held at Y-12-31
SELECT DISTINCT s.year, p.holder_uscc AS uscc
FROM (SELECT DISTINCT holder_uscc, gy, ly FROM patent WHERE hv AND coalesce(holder_uscc, '') <> '') AS p
JOIN spine AS s ON p.gy <= s.year AND (p.ly IS NULL OR p.ly > s.year)
;
CREATE TEMP TABLE members AS
SELECT 'hte' AS set_name, year, region, uscc AS entity FROM valid_cert
UNION ALL SELECT 'hte_new', year(issue_date), region, uscc FROM cert WHERE year(issue_date) IN (SELECT year FROM spine)
UNION ALL SELECT 'sme', year, region, uscc FROM sme WHERE year IN (SELECT year FROM spine)
UNION ALL SELECT 'roster', year, region, uscc FROM roster_y
UNION ALL SELECT 'roster_rd', year, region, uscc FROM roster_y WHERE has_rd_activity
UNION ALL SELECT 'roster_hte', r.year, r.region, r.uscc FROM roster_y AS r SEMI JOIN valid_cert AS v USING (year, uscc)
UNION ALL SELECT 'hte_in_roster', v.year, v.region, v.uscc FROM valid_cert AS v SEMI JOIN roster_y AS r USING (year, uscc)
UNION ALL SELECT 'hte_rd_institute', v.year, v.region, v.uscc FROM valid_cert AS v SEMI JOIN rd_host USING (year, uscc)
UNION ALL SELECT 'hte_hv_patent', v.year, v.region, v.uscc FROM valid_cert AS v SEMI JOIN hv_holder USING (year, uscc)
-- growth lists: a listing counts at Y-12-31 from its year on while 有效期至 is empty or >= Y-12-31
UNION ALL
SELECT unnest(list_filter([
        CASE WHEN category = '瞪羚企业' AND year = y AND valid THEN 'gazelle' END,
        CASE WHEN category = '瞪羚企业' THEN 'gazelle_cum' END,
        CASE WHEN category IN ('独角兽企业', '潜在独角兽企业') AND year = y AND valid THEN 'unicorn' END,
        CASE WHEN category IN ('独角兽企业', '潜在独角兽企业') THEN 'unicorn_cum' END,
        CASE WHEN category IN ('专精特新中小企业', '专精特新"小巨人"企业') AND valid THEN 'specialized' END,
        CASE WHEN category = '专精特新"小巨人"企业' AND valid THEN 'little_giant' END,
        CASE WHEN category IN ('瞪羚企业', '潜在瞪羚企业') AND rank >= 3 AND valid THEN 'gazelle_incl' END,
        CASE WHEN category IN ('独角兽企业', '潜在独角兽企业', '种子独角兽企业') AND valid THEN 'unicorn_incl' END,
        CASE WHEN category = '制造业单项冠军企业' AND valid THEN 'single_champion' END,
        CASE WHEN category IN ('专精特新中小企业', '专精特新"小巨人"企业') AND rank >= 2 AND valid
             THEN 'specialized_municipal' END
    ], lambda x: x IS NOT NULL)), y, region, uscc
FROM (
    SELECT g.*, s.year AS y, (g.valid_until IS NULL OR g.valid_until >= make_date(s.year, 12, 31)) AS valid
    FROM growth AS g JOIN spine AS s ON g.year <= s.year
)
-- carriers
UNION ALL SELECT 'carrier_municipal', year, region, carrier FROM carrier_level WHERE rank >= 2
UNION ALL SELECT 'carrier_provincial', year, region, carrier FROM carrier_level WHERE rank >= 3
UNION ALL SELECT 'carrier_national_maker_space', year, region, carrier FROM carrier_level
    WHERE rank = 4 AND carrier_type = '众创空间'
UNION ALL SELECT 'carrier_national_incubator', year, region, carrier FROM carrier_level
    WHERE rank = 4 AND carrier_type = '科技企业孵化器'
UNION ALL SELECT 'carrier_new', l.year, l.region, l.carrier FROM carrier_level AS l JOIN carrier_first AS f USING (carrier)
    WHERE f.f1 = l.year
UNION ALL SELECT 'carrier_new_municipal', l.year, l.region, l.carrier
    FROM carrier_level AS l JOIN carrier_first AS f USING (carrier) WHERE f.f2 = l.year
UNION ALL SELECT 'carrier_new_provincial', l.year, l.region, l.carrier
    FROM carrier_level AS l JOIN carrier_first AS f USING (carrier) WHERE f.f3 = l.year
-- platforms
UNION ALL SELECT 'platform_municipal', year, region, platform FROM platform_level WHERE rank >= 2
UNION ALL SELECT 'platform_provincial', year, region, platform FROM platform_level WHERE rank >= 3
UNION ALL SELECT 'platform_national', year, region, platform FROM platform_level WHERE rank = 4
UNION ALL
SELECT unnest(list_filter([
        CASE WHEN f.f2 = l.year THEN 'platform_new_municipal' END,
        CASE WHEN f.f3 = l.year THEN 'platform_new_provincial' END,
        CASE WHEN f.f4 = l.year THEN 'platform_new_national' END,
        CASE WHEN f.f3 = l.year AND l.is_major THEN 'major_platform_new_provincial' END,
        CASE WHEN rdi THEN 'rd_institute' END,
        CASE WHEN rdi AND f.f2 = l.year THEN 'rd_institute_new_municipal' END,
        CASE WHEN rdi AND f.f3 = l.year THEN 'rd_institute_new_provincial' END,
        CASE WHEN l.platform_type = '海外研发机构' THEN 'overseas_rd_institute' END
    ], lambda x: x IS NOT NULL)), l.year, l.region, l.platform
FROM (
    SELECT *, platform_type IN ('企业研发机构', '企业技术中心', '工程技术研究中心') AND host <> '' AS rdi
    FROM platform_level
) AS l LEFT JOIN platform_first AS f USING (platform)
UNION ALL SELECT 'rd_standard_certified_new', rec, region, host FROM platform
    WHERE certified AND host <> '' AND rec IN (SELECT year FROM spine)
;
-- Amounts: (set, year, region, amount) summed per region first; rolled up below. Patents and
-- contracts are one row per key, so their counts add up.
CREATE TEMP TABLE amounts AS
SELECT unnest(['gross_output', 'hightech_output', 'value_added', 'hightech_value_added', 'rd_expenditure', 'revenue',
               'hightech_manufacturing_va']) AS set_name,
       year, region,
       unnest([sum(gross_output), sum(hightech_output), sum(value_added), sum(hightech_value_added),
               sum(rd_expenditure), sum(revenue),
               coalesce(sum(value_added) FILTER (WHERE htm), 0)
              ]) AS amount
FROM roster_y WHERE region IS NOT NULL GROUP BY year, region
UNION ALL
SELECT unnest(['patents_held', 'patents_held_hv']), s.year, p.region, unnest([sum(p.n), coalesce(sum(p.n) FILTER (WHERE p.hv), 0)])
FROM (SELECT region, gy, ly, hv, count(*) AS n FROM patent GROUP BY ALL) AS p
JOIN spine AS s ON p.gy <= s.year AND (p.ly IS NULL OR p.ly > s.year)
GROUP BY s.year, p.region
UNION ALL
SELECT 'incubation_area_new', l.year, l.region, sum(l.area_m2)
FROM carrier_level AS l JOIN carrier_first AS f USING (carrier) WHERE f.f1 = l.year GROUP BY ALL
UNION ALL
SELECT unnest(['contract_amount', 'contract_count']), year, region, unnest([sum(contract_amount), count(*)])
FROM contract WHERE year IN (SELECT year FROM spine) GROUP BY year, region
;

-- ---------------------------------------------------------------------------------------
-- Roll-up: a region's figure covers its own rows and those of every descendant. A count of
-- distinct entities: an entity that a set places in one region only (most) adds 1 to that
-- region and each ancestor, so those are counted per region first and summed up the tree; only
-- the entities of several regions are made distinct per ancestor.
CREATE TEMP TABLE set_value AS
WITH entity AS (
    SELECT set_name, year, entity, min(region) AS region, count(DISTINCT region) AS regions
    FROM members WHERE set_name IS NOT NULL AND region IS NOT NULL
    GROUP BY ALL
),
single AS (
    SELECT set_name, year, region, count(*) AS n FROM entity WHERE regions = 1 GROUP BY ALL
),
multi AS (
    SELECT DISTINCT m.set_name, c.ancestor AS region, m.year, m.entity
    FROM members AS m
    SEMI JOIN (SELECT set_name, year, entity FROM entity WHERE regions > 1) AS e USING (set_name, year, entity)
    JOIN closure AS c ON c.descendant = m.region
)
SELECT set_name, region, year, sum(n)::DOUBLE AS value
FROM (
    SELECT s.set_name, c.ancestor AS region, s.year, s.n FROM single AS s JOIN closure AS c ON c.descendant = s.region
    UNION ALL
    SELECT set_name, region, year, count(*) FROM multi GROUP BY ALL
)
GROUP BY ALL
UNION ALL
SELECT a.set_name, c.ancestor, a.year, sum(a.amount)
FROM amounts AS a JOIN closure AS c ON c.descendant = a.region
GROUP BY ALL
UNION ALL
SELECT set_name, region, year, value FROM region_input
;

-- ---------------------------------------------------------------------------------------
-- The catalogue: count indicators have a row for every region and spine year (0 is a value);
-- ratios one where the denominator exists and is not zero (and, for region-level numerators,
-- the numerator exists).
CREATE TEMP TABLE catalogue (code VARCHAR, num_set VARCHAR, den_set VARCHAR, factor DOUBLE, num_required BOOLEAN)
;
INSERT INTO catalogue VALUES
    ('rd_intensity', 'rd', 'gdp', 100, true),
    ('hightech_enterprise_count', 'hte', NULL, NULL, false),
    ('hightech_new_certified', 'hte_new', NULL, NULL, false),
    ('tech_sme_count', 'sme', NULL, NULL, false),
    ('hightech_share_of_above_scale', 'roster_hte', 'roster', 100, false),
    ('above_scale_share_of_hightech', 'hte_in_roster', 'hte', 100, false),
    ('hightech_output_share', 'hightech_output', 'gross_output', 100, false),
    ('hightech_va_share', 'hightech_value_added', 'value_added', 100, false),
    ('hightech_manufacturing_va_share', 'hightech_manufacturing_va', 'value_added', 100, false),
    ('above_scale_rd_intensity', 'rd_expenditure', 'revenue', 100, false),
    ('above_scale_rd_coverage', 'roster_rd', 'roster', 100, false),
    ('invention_patents_per_10k_pop', 'patents_held', 'population', 1, false),
    ('high_value_invention_patents_per_10k_pop', 'patents_held_hv', 'population', 1, false),
    ('hightech_per_10k_legal_entities', 'hte', 'legal_entities', 10000, false),
    ('gazelle_count', 'gazelle', NULL, NULL, false),
    ('gazelle_count_cumulative', 'gazelle_cum', NULL, NULL, false),
    ('unicorn_count', 'unicorn', NULL, NULL, false),
    ('unicorn_count_cumulative', 'unicorn_cum', NULL, NULL, false),
    ('specialized_sme_count', 'specialized', NULL, NULL, false),
    ('little_giant_count', 'little_giant', NULL, NULL, false),
    ('carrier_count_municipal_plus', 'carrier_municipal', NULL, NULL, false),
    ('carrier_count_provincial_plus', 'carrier_provincial', NULL, NULL, false),
    ('carrier_count_national_maker_space', 'carrier_national_maker_space', NULL, NULL, false),
    ('carrier_count_national_incubator', 'carrier_national_incubator', NULL, NULL, false),
    ('carrier_new_count', 'carrier_new', NULL, NULL, false),
    ('carrier_new_municipal_plus', 'carrier_new_municipal', NULL, NULL, false),
    ('carrier_new_provincial_plus', 'carrier_new_provincial', NULL, NULL, false),
    ('incubation_area_new_m2', 'incubation_area_new', NULL, NULL, false),
    ('platform_count_municipal_plus', 'platform_municipal', NULL, NULL, false),
    ('platform_count_provincial_plus', 'platform_provincial', NULL, NULL, false),
    ('platform_count_national', 'platform_national', NULL, NULL, false),
    ('platform_new_municipal_plus', 'platform_new_municipal', NULL, NULL, false),
    ('platform_new_provincial_plus', 'platform_new_provincial', NULL, NULL, false),
    ('platform_new_national', 'platform_new_national', NULL, NULL, false),
    ('major_platform_new_provincial_plus', 'major_platform_new_provincial', NULL, NULL, false),
    ('enterprise_rd_institute_count', 'rd_institute', NULL, NULL, false),
    ('enterprise_rd_institute_new_municipal_plus', 'rd_institute_new_municipal', NULL, NULL, false),
    ('enterprise_rd_institute_new_provincial_plus', 'rd_institute_new_provincial', NULL, NULL, false),
    ('overseas_rd_institute_count', 'overseas_rd_institute', NULL, NULL, false),
    ('rd_standard_certified_new', 'rd_standard_certified_new', NULL, NULL, false),
    ('hightech_with_rd_institute_share', 'hte_rd_institute', 'hte', 100, false),
    ('hightech_high_value_patent_coverage', 'hte_hv_patent', 'hte', 100, false),
    ('tech_contract_turnover', 'contract_amount', NULL, NULL, false),
    ('tech_contract_count', 'contract_count', NULL, NULL, false),
    ('potential_gazelle_incl_count', 'gazelle_incl', NULL, NULL, false),
    ('unicorn_incl_seed_count', 'unicorn_incl', NULL, NULL, false),
    ('single_champion_count', 'single_champion', NULL, NULL, false),
    ('specialized_sme_municipal_plus_count', 'specialized_municipal', NULL, NULL, false)
;
CREATE TABLE indicator_values AS
SELECT k.code AS indicator_code, g.region_code, g.year, coalesce(n.value, 0) AS value,
       coalesce(n.value, 0) AS numerator, NULL::DOUBLE AS denominator
FROM catalogue AS k
CROSS JOIN grid AS g
LEFT JOIN set_value AS n ON n.set_name = k.num_set AND n.region = g.region_code AND n.year = g.year
WHERE k.den_set IS NULL
UNION ALL
SELECT k.code, d.region, d.year, coalesce(n.value, 0) / d.value * k.factor, coalesce(n.value, 0), d.value
FROM catalogue AS k
JOIN set_value AS d ON d.set_name = k.den_set
LEFT JOIN set_value AS n ON n.set_name = k.num_set AND n.region = d.region AND n.year = d.year
WHERE k.den_set IS NOT NULL AND d.value <> 0 AND d.region IN (SELECT region_code FROM region)
    AND (NOT k.num_required OR n.value IS NOT NULL)
    -- the share of valid HTEs on the roster needs a roster for that year
    AND (k.code <> 'above_scale_share_of_hightech' OR d.year IN (SELECT year FROM roster_y))
;
