-- State that every console replica must see alike (issue 13): it lived in one process's memory before.

-- Launch tickets: the launcher inside a JobManager fetches a run's resolved YAML with a single-use ticket, from
-- whichever replica the load balancer picks. Neither the ticket nor anything readable is stored: the row is keyed by
-- the ticket's SHA-256 and holds the YAML (and the list of secret values to redact) sealed with AES-GCM under a key
-- derived from the ticket, so the database alone (with or without the master key) cannot open it. A fetch deletes
-- the row (delete ... returning), so two replicas cannot both serve one ticket; expired rows are swept.
create table launch_ticket (
  id          text primary key,
  run_id      bigint not null,
  sealed      bytea not null,
  expires_at  timestamptz not null
);
create index launch_ticket_expires_idx on launch_ticket (expires_at);

-- Sign-in throttling: one counter per user name ('user:<lower-case name>') and per client address
-- ('addr:<address>'). An attempt is reserved (in_flight) before its password is checked; a reservation counts only
-- until in_flight_until, so one held by a replica that died does not lock anyone for good. Whichever replica serves
-- a sign-in changes the rows under transaction advisory locks on their keys, so a lockout holds on every replica.
create table login_throttle (
  key              text primary key,
  failures         integer not null,
  in_flight        integer not null,
  in_flight_until  timestamptz,
  window_start     timestamptz not null,
  locked_until     timestamptz
);
create index login_throttle_window_idx on login_throttle (window_start);
