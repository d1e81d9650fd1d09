-- Cross-agency benchmarks over the warehouse's Parquet partitions, with DuckDB.
-- Run from the warehouse root (a local copy or a mounted prefix):
--   duckdb -c ".read docs/analytics/benchmarks.sql"
-- or set the root:  SET VARIABLE root = '/path/to/warehouse';  (DuckDB >= 1.1)
-- Against S3 directly: INSTALL httpfs; LOAD httpfs; CREATE SECRET (TYPE s3, PROVIDER
-- credential_chain); and use 's3://<bucket>/<prefix>' as the root.
-- Every figure counts distinct pseudonymous consumers; publish no cell under 5.

SET VARIABLE root = coalesce(getvariable('root'), 'var/warehouse');

CREATE OR REPLACE VIEW events AS
SELECT * FROM read_parquet(getvariable('root') || '/agency=*/date=*/batch-*.parquet',
                           hive_partitioning = true, union_by_name = true);

-- 1. Funnel by agency: distinct consumers reaching each stage.
SELECT agency,
       count(DISTINCT consumer_pid) FILTER (event_type = 'application_started')    AS started,
       count(DISTINCT consumer_pid) FILTER (event_type = 'submitted')              AS submitted,
       count(DISTINCT consumer_pid) FILTER (event_type = 'verification_completed') AS verified,
       count(DISTINCT consumer_pid) FILTER (event_type = 'plan_offered')           AS offered,
       count(DISTINCT consumer_pid) FILTER (event_type = 'accepted')               AS accepted,
       count(DISTINCT consumer_pid) FILTER (event_type = 'enrolled')               AS enrolled
FROM events GROUP BY agency ORDER BY agency;

-- 2. Enrollment rate (percent of submitting consumers who enrolled), small cells suppressed.
WITH c AS (
  SELECT agency,
         count(DISTINCT consumer_pid) FILTER (event_type = 'submitted') AS submitted,
         count(DISTINCT consumer_pid) FILTER (event_type = 'enrolled')  AS enrolled
  FROM events GROUP BY agency
)
SELECT agency, submitted, enrolled,
       CASE WHEN least(submitted, enrolled) >= 5
            THEN round(100.0 * enrolled / submitted, 1) END AS enrollment_rate_pct
FROM c ORDER BY agency;

-- 3. Median interest saved per enrolled case (latest enrollment of each case).
WITH enrolled AS (
  SELECT agency, case_pid, arg_max(consumer_pid, occurred_hour) AS consumer_pid,
         arg_max(interest_saved, occurred_hour) AS interest_saved
  FROM events WHERE event_type = 'enrolled' GROUP BY agency, case_pid
)
SELECT agency, count(DISTINCT consumer_pid) AS consumers,
       CASE WHEN count(DISTINCT consumer_pid) >= 5 THEN median(interest_saved) END
         AS median_interest_saved
FROM enrolled GROUP BY ROLLUP (agency) ORDER BY agency NULLS LAST;

-- 4. Concession APR by creditor in enrolled plans.
WITH enrolled AS (
  SELECT case_pid, arg_max(consumer_pid, occurred_hour) AS consumer_pid,
         arg_max(concessions, occurred_hour) AS concessions
  FROM events WHERE event_type = 'enrolled' GROUP BY case_pid
)
SELECT c.creditor, count(DISTINCT consumer_pid) AS consumers,
       CASE WHEN count(DISTINCT consumer_pid) >= 5
            THEN median(CAST(c.apr AS DECIMAL(12, 4))) END AS median_apr
FROM (SELECT consumer_pid, unnest(concessions) AS c FROM enrolled)
GROUP BY c.creditor HAVING count(DISTINCT consumer_pid) >= 5 ORDER BY c.creditor;

-- 5. Where verification fails: reasons by source.
SELECT verification_source, failure_reason, count(DISTINCT consumer_pid) AS consumers
FROM events WHERE event_type = 'verification_failed'
GROUP BY ALL HAVING count(DISTINCT consumer_pid) >= 5 ORDER BY consumers DESC;
