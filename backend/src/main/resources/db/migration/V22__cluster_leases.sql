-- Issue 13: each cluster's watching (the run watcher's looks and checkpoint reads, the health sampler) is done by one
-- console at a time, under a lease. A row per cluster someone holds: claimed_by (the console process), lease_until
-- (renewed every third of the lease) and fencing (bumped by every take-over). Every write the watcher makes for a
-- cluster is guarded by the holder's fencing value and an unexpired lease, so a console that lost the lease (paused,
-- partitioned) cannot write over its successor's observations.
create table cluster_lease (
  cluster_id  bigint      primary key references flink_cluster (id) on delete cascade,
  claimed_by  text        not null,
  lease_until timestamptz not null,
  fencing     bigint      not null default 1
);
create index cluster_lease_holder_idx on cluster_lease (claimed_by);

-- Consoles alive, so that each takes a fair share of the clusters (a console holding none is still counted).
create table console_replica (
  id         text        primary key,
  seen_until timestamptz not null
);
