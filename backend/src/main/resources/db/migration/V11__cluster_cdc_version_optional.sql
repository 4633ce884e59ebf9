-- A cluster's Flink CDC version is detected from its JobManager's class path (GET /jobmanager/environment) when
-- Flink CDC is provided by the cluster; the stated version becomes optional (a mismatch is a warning on the cluster).
alter table flink_cluster alter column cdc_version drop not null;
