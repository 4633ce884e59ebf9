-- An index for every filter and sort of the pipeline and run lists (issue 15). V9: V7 and V8 are taken on other
-- branches of the same release (DolphinScheduler trigger parameters, the run watcher's cluster_watch).
--
-- name (order, exact look-up)      pipeline_name_key (unique, V2)
-- name filter (substring)          pipeline_name_trgm_idx below
-- cluster filter, in name order    pipeline_cluster_name_idx below (replaces pipeline_cluster_idx, its prefix)
-- label filter (key, key=value)    pipeline_labels_idx (gin, V2)
-- updatedAt sort                   pipeline_updated_idx (V6)
-- current run: state and stale filters and the state sort, one probe per pipeline answered from the index alone
--                                  pipeline_run_current_idx below (replaces pipeline_run_pipeline_idx, its prefix)
-- runs of a pipeline, newest first pipeline_run_current_idx
create extension if not exists pg_trgm;
create index pipeline_name_trgm_idx on pipeline using gin (name gin_trgm_ops);

create index pipeline_cluster_name_idx on pipeline (cluster_id, name);
drop index pipeline_cluster_idx;

create index pipeline_run_current_idx on pipeline_run (pipeline_id, id desc) include (state, stale, job_id, started_at);
drop index pipeline_run_pipeline_idx;
