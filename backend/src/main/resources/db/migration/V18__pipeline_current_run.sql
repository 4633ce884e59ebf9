-- Each pipeline names its current (newest) run (issue 15). Lists and details read the current run of a pipeline by
-- primary key in the page's own statement; the state and stale filters, their totals and the state sort join the
-- runs by primary key (one hash join over the runs) instead of a newest-run probe of pipeline_run_current_idx per
-- pipeline.
--
-- Kept by the database, not by the console's code: a trigger on pipeline_run, so the column names the newest run
-- whatever inserts or deletes runs (RunStore's start and adoption, a hand-made repair, a test fixture). An insert
-- moves it forward only (a larger id wins, so concurrent inserts leave the newest); a deleted current run hands it
-- to the newest one left (runs are only deleted with their pipeline today).
alter table pipeline add column current_run_id bigint references pipeline_run (id) on delete set null;
update pipeline p set current_run_id = (select max(r.id) from pipeline_run r where r.pipeline_id = p.id);
-- the join from runs back to pipelines (and the foreign key's look-up), answered from the index alone
create index pipeline_current_run_idx on pipeline (current_run_id) include (id);

create function pipeline_current_run_inserted() returns trigger language plpgsql as $$
begin
  update pipeline set current_run_id = new.id
    where id = new.pipeline_id and (current_run_id is null or current_run_id < new.id);
  return null;
end $$;

create function pipeline_current_run_deleted() returns trigger language plpgsql as $$
begin
  -- "on delete set null" has already run (RI triggers fire first): null or still the deleted run
  update pipeline p set current_run_id =
      (select max(r.id) from pipeline_run r where r.pipeline_id = old.pipeline_id)
    where p.id = old.pipeline_id and (p.current_run_id is null or p.current_run_id = old.id);
  return null;
end $$;

create trigger pipeline_run_current_inserted after insert on pipeline_run
  for each row execute function pipeline_current_run_inserted();
create trigger pipeline_run_current_deleted after delete on pipeline_run
  for each row execute function pipeline_current_run_deleted();
