-- DolphinScheduler: the DS ids a run was started or stopped for, and API tokens scoped to pipelines.

alter table pipeline_run add column ds_task_instance_id text;
alter table pipeline_run add column ds_workflow_instance_id text;

-- {pipelines: [names], labels: {key: value}}: the token acts (as operator at most) only on matching pipelines
alter table api_token add column scope jsonb;
