-- Events fanned out to the other console replicas travel as NOTIFY payloads, which PostgreSQL limits to 8000 bytes
-- (issue 13). The rare event that does not fit (a cluster's health with a long error text) is kept here for a moment
-- and the notification carries only its id; receivers read it by primary key. Rows older than ten minutes are swept
-- by the next one written: nothing else reads them, and a listener that was away longer has missed the notification
-- anyway.
create table event_overflow (
  id bigserial primary key,
  payload text not null,
  created_at timestamptz not null default now()
);
create index event_overflow_created_idx on event_overflow (created_at);
