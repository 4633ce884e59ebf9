-- The periodic-savepoint timer's two statements, run every tick, read only the runs they concern: the RUNNING runs
-- without a turn yet (a run whose pipeline and cluster have no interval gets 'infinity' once, and is given a turn
-- again when an interval is set), and the turns that have come. Before, both read every RUNNING run at every tick.
create index pipeline_run_unscheduled_idx on pipeline_run (id) where state = 'RUNNING' and next_savepoint_at is null;
create index pipeline_run_savepoint_turn_idx on pipeline_run (next_savepoint_at) where state = 'RUNNING';
