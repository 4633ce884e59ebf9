-- Optimistic concurrency for the alert resources, as V13 did for the others (issue 8 §2): every update and delete
-- names the version it read (If-Match). Silences are created and deleted only, so theirs stays 1 until an edit verb
-- exists; their delete takes If-Match all the same, so that every delete works the same way.
alter table alert_channel add column version integer not null default 1;
alter table alert_rule add column version integer not null default 1;
alter table alert_silence add column version integer not null default 1;
