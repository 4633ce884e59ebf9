-- Health of RUNNING jobs (docs/health.md): a compact history of metric samples per run, at the metrics cadence,
-- pruned by the console (7 days; older than a day thinned to one point per 10 minutes), and each run's latest sample
-- with its verdict.
create table run_metric (
  id      bigint generated always as identity primary key,
  run_id  bigint      not null references pipeline_run (id) on delete cascade,
  at      timestamptz not null,
  -- HealthSample without nulls
  sample  jsonb       not null
);
create index run_metric_run_at_idx on run_metric (run_id, at);
create index run_metric_at_idx on run_metric (at);

create table run_health (
  run_id  bigint      primary key references pipeline_run (id) on delete cascade,
  at      timestamptz not null,
  status  text        not null,
  reason  text        not null,
  sample  jsonb       not null
);
