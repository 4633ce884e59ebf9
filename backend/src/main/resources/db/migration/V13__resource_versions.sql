-- Optimistic concurrency for every resource that can be changed (issue 8 §2): each update and delete names the
-- version it read (If-Match), like clusters and pipelines since V2. ds_connection.version is DolphinScheduler's
-- version (3.2/3.3), so its row version is called revision.
alter table named_secret add column version integer not null default 1;
alter table ds_connection add column revision integer not null default 1;
alter table ds_trigger add column version integer not null default 1;
