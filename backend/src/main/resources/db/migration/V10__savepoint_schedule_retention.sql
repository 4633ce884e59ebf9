-- Periodic savepoints, failed savepoints in the ledger, and its retention (issue 11, "State is never lost").

-- The interval of periodic savepoints, in milliseconds. A pipeline's own value wins; 0 there is an explicit "off"
-- that overrides its cluster's default; null inherits the cluster's (null there: off). Operational settings, not part
-- of a pipeline's or cluster's versioned definition.
alter table pipeline add column savepoint_interval_ms bigint check (savepoint_interval_ms >= 0);
alter table flink_cluster add column savepoint_interval_ms bigint check (savepoint_interval_ms > 0);

-- When the run's next periodic savepoint is due: set (spread over the interval) when the timer first sees the run
-- RUNNING with an interval, pushed on by one interval when it is triggered, cleared when the schedule changes.
alter table pipeline_run add column next_savepoint_at timestamptz;

-- A savepoint that failed stays in the ledger with its cause (no path); completed entries keep theirs.
alter table savepoint alter column path drop not null;
alter table savepoint add column state text not null default 'COMPLETED' check (state in ('COMPLETED', 'FAILED'));
alter table savepoint add column reason text;
alter table savepoint add column trigger_id text;
alter table savepoint add constraint savepoint_path_when_completed check (state = 'FAILED' or path is not null);
create unique index savepoint_failed_trigger on savepoint (pipeline_id, trigger_id) where state = 'FAILED';
