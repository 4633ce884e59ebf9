-- The workflow parameters a trigger passes to DolphinScheduler (its startParams), a flat map of strings.
alter table ds_trigger add column params jsonb not null default '{}'::jsonb;
