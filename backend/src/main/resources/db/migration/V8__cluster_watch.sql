-- The run watcher's last successful look at each cluster, written once per poll: an active run's lastSeenAt derives
-- from it, so a poll in which nothing changed writes this one row and nothing per run. (V8, not V7: V7 is left to
-- the request side of the same issue, which may add indexes.)
create table cluster_watch (
  cluster_id   bigint      primary key references flink_cluster (id) on delete cascade,
  last_seen_at timestamptz not null
);
