-- Issue 8 §3: what the run wing is doing is stored, not kept in one process's memory.
--
-- A savepoint or stop of a run is a row of run_operation (it was a loose JSON column, pipeline_run.operation, which
-- is migrated here and dropped). The row is written before Flink is asked and carries the console's own trigger id:
-- a trigger sent again under the same id is the same Flink operation (Flink answers that id as its request id, so no
-- second id is kept). At most one operation per run is in progress, enforced by the database.
--
-- Who works on something is a claim: claimed_by (the console process, one id per start), lease_until (renewed while
-- it works) and fencing (bumped by every claim). A claim is taken by a conditional update (unclaimed, or its lease
-- ran out); every result the holder writes is guarded by its fencing value, so a process that lost its claim (paused,
-- partitioned, presumed dead) cannot write over its successor's work. The reconciler of any console takes up what
-- nobody holds: a SUBMITTING run's submission, an operation in progress.

create table run_operation (
  id               bigint generated always as identity primary key,
  run_id           bigint      not null references pipeline_run (id) on delete cascade,
  kind             text        not null check (kind in ('stop', 'savepoint')),
  -- the console's own Flink TriggerId (32 hex digits), sent with every trigger of this operation
  trigger_id       text        not null,
  status           text        not null check (status in ('IN_PROGRESS', 'COMPLETED', 'FAILED')),
  target_directory text,
  drain            boolean     not null default false,
  periodic         boolean     not null default false,
  -- a stop Flink refused because not all tasks ran yet is sent again (a new trigger id): which attempt this is
  attempt          integer     not null default 1,
  location         text,
  error            text,
  started_at       timestamptz not null default now(),
  finished_at      timestamptz,
  claimed_by       text,
  lease_until      timestamptz,
  fencing          bigint      not null default 0,
  check (status <> 'COMPLETED' or location is not null)
);
create index run_operation_run_idx on run_operation (run_id, id desc);
-- never two savepoints or stops in flight for one run, even from two consoles
create unique index run_operation_one_in_progress on run_operation (run_id) where status = 'IN_PROGRESS';

-- A SUBMITTING run's submission is claimed the same way (the columns mean nothing once the run left SUBMITTING).
alter table pipeline_run add column claimed_by text;
alter table pipeline_run add column lease_until timestamptz;
alter table pipeline_run add column fencing bigint not null default 0;
create index pipeline_run_submitting_idx on pipeline_run (id) where state = 'SUBMITTING';

-- the JSON column's operations, as the console wrote them (RunOperation.toJson); an unreadable time is the run's
-- last update, an unreadable field a failed operation rather than a failed migration
create function pg_temp.v19_time(text) returns timestamptz language plpgsql as $$
begin
  return $1::timestamptz;
exception when others then
  return null;
end $$;

insert into run_operation (run_id, kind, trigger_id, status, target_directory, drain, periodic, location, error,
                           started_at, finished_at)
select r.id,
       case when r.operation->>'kind' = 'stop' then 'stop' else 'savepoint' end,
       coalesce(r.operation->>'triggerId', md5(r.job_id || r.id::text)),
       case when r.operation->>'status' in ('IN_PROGRESS', 'FAILED') then r.operation->>'status'
            when r.operation->>'status' = 'COMPLETED' and r.operation->>'location' is not null then 'COMPLETED'
            else 'FAILED' end,
       r.operation->>'targetDirectory',
       coalesce(r.operation->'drain' = 'true'::jsonb, false),
       coalesce(r.operation->'periodic' = 'true'::jsonb, false),
       r.operation->>'location',
       case when r.operation->>'status' in ('IN_PROGRESS', 'FAILED')
              or (r.operation->>'status' = 'COMPLETED' and r.operation->>'location' is not null)
            then r.operation->>'error'
            else coalesce(r.operation->>'error', 'not readable after the upgrade') end,
       coalesce(pg_temp.v19_time(r.operation->>'startedAt'), r.updated_at),
       pg_temp.v19_time(r.operation->>'finishedAt')
from pipeline_run r
where r.operation is not null and jsonb_typeof(r.operation) = 'object';

alter table pipeline_run drop column operation;
