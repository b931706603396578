-- One row per publication (swap of sti.duckdb). Committed publications are taken as recorded
-- in audit at their publish; the candidate (the publication this build will be) is counted here
-- from the value history, the one definition of added / changed / removed (ledger.indicator_changes
-- and the refresh summary read it back).
with publications as (

    select * from {{ ref('stg_publication') }}

),

value_history as (

    select * from {{ ref('fct_indicator_value_history') }}

),

load_ledger as (

    select * from {{ ref('stg_load_ledger') }}

),

candidate as (

    select * from publications
    where is_candidate

),

candidate_keys as (

    -- per value key: did the candidate open a row, close one, or both (= changed)
    select
        value_history.indicator_code,
        value_history.region_code,
        value_history.year,
        bool_or(value_history.valid_from_publication = candidate.publication_id) as is_opened,
        bool_or(value_history.valid_to_publication is not distinct from candidate.publication_id) as is_closed
    from value_history
    inner join candidate
        on candidate.publication_id in (value_history.valid_from_publication, value_history.valid_to_publication)
    group by value_history.indicator_code, value_history.region_code, value_history.year

),

candidate_counts as (

    select
        count(*) filter (where is_opened and not is_closed) as indicator_values_added,
        count(*) filter (where is_opened and is_closed) as indicator_values_changed,
        count(*) filter (where not is_opened and is_closed) as indicator_values_removed
    from candidate_keys

),

candidate_batches as (

    -- the batches this refresh appended (pending until the publish marks them published)
    select count(*) as batches
    from load_ledger
    inner join candidate on candidate.refresh_id = load_ledger.refresh_id
    where load_ledger.status in ('pending', 'published')

),

candidate_row as (

    select
        candidate.publication_id,
        candidate.published_at,
        cast(candidate_batches.batches as integer) as batches,
        cast(candidate_counts.indicator_values_added as integer) as indicator_values_added,
        cast(candidate_counts.indicator_values_changed as integer) as indicator_values_changed,
        cast(candidate_counts.indicator_values_removed as integer) as indicator_values_removed
    from candidate
    cross join candidate_batches
    cross join candidate_counts

),

committed_rows as (

    select
        publication_id,
        published_at,
        batches,
        indicator_values_added,
        indicator_values_changed,
        indicator_values_removed
    from publications
    where status = 'published'

)

select * from committed_rows
union all
select * from candidate_row
