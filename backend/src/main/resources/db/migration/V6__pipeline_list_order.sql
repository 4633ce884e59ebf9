-- Pipeline lists sorted by their last change (GET /pipelines?sort=-updatedAt). Filters and sorts by the current run
-- read each pipeline's newest run through pipeline_run_pipeline_idx (pipeline_id, id desc).
create index pipeline_updated_idx on pipeline (updated_at, id);
