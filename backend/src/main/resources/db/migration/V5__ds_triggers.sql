-- Triggers back into DolphinScheduler: connections, rules per pipeline, and every delivery.

create table ds_connection (
  id          bigint generated always as identity primary key,
  name        text        not null unique,
  url         text        not null,
  version     text        not null check (version in ('3.2', '3.3')),
  token       text        not null, -- ENC(...)
  description text        not null default '',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table ds_trigger (
  id            bigint generated always as identity primary key,
  pipeline_id   bigint      not null references pipeline (id) on delete cascade,
  connection_id bigint      not null references ds_connection (id),
  on_state      text        not null,
  project_code  text        not null,
  workflow_code text        not null,
  enabled       boolean     not null default true,
  created_by    text,
  created_at    timestamptz not null default now()
);
create index ds_trigger_pipeline_idx on ds_trigger (pipeline_id);

create table ds_delivery (
  id              bigint generated always as identity primary key,
  trigger_id      bigint      not null references ds_trigger (id) on delete cascade,
  transition_id   bigint      not null references run_transition (id) on delete cascade,
  run_id          bigint      not null,
  status          text        not null check (status in ('PENDING', 'DELIVERED', 'FAILED')),
  attempts        integer     not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  response        jsonb,
  created_at      timestamptz not null default now(),
  delivered_at    timestamptz,
  -- a transition triggers a rule once, however often it is looked at
  unique (trigger_id, transition_id)
);
create index ds_delivery_due_idx on ds_delivery (next_attempt_at) where status = 'PENDING';

-- where the delivery loop has got to in run_transition
insert into console_setting (name, value)
  select 'ds_trigger_cursor', coalesce(max(id), 0)::text from run_transition;
