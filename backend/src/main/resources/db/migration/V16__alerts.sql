-- Alerts: channels (where to send), rules (when), silences, each rule's state per pipeline, and every delivery.

create table alert_channel (
  id          bigint generated always as identity primary key,
  name        text        not null unique,
  type        text        not null check (type in ('webhook', 'dingtalk', 'feishu', 'wecom', 'email')),
  -- the type's settings; its secret fields (webhook secret, robot URLs and sign secrets, SMTP password) as ENC(...)
  config      jsonb       not null,
  description text        not null default '',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table alert_rule (
  id             bigint generated always as identity primary key,
  name           text        not null unique,
  -- one pipeline, or every pipeline whose labels include the selector's (an empty selector: all pipelines)
  pipeline_id    bigint      references pipeline (id) on delete cascade,
  selector       jsonb       not null default '{}',
  kind           text        not null check (kind in ('RUN_STATE', 'VERDICT', 'LAG', 'CHECKPOINT_AGE', 'RESTARTS')),
  match_values   jsonb       not null default '[]', -- run states or verdicts
  threshold_ms   bigint,
  periods        integer     not null default 1,
  restarts       integer,    -- RESTARTS: more than this many ...
  window_ms      bigint,     -- ... within this window
  severity       text        not null check (severity in ('INFO', 'WARNING', 'CRITICAL')),
  for_ms         bigint      not null default 0,
  repeat_ms      bigint      not null default 0,
  send_resolved  boolean     not null default true,
  channel_ids    bigint[]    not null,
  silenced_until timestamptz,
  enabled        boolean     not null default true,
  created_by     text,
  created_at     timestamptz not null default now()
);

-- a pipeline silenced (for every rule) until a time
create table alert_silence (
  id          bigint generated always as identity primary key,
  pipeline_id bigint      not null references pipeline (id) on delete cascade,
  until       timestamptz not null,
  reason      text        not null default '',
  created_by  text,
  created_at  timestamptz not null default now()
);

-- where each rule stands for each pipeline: kept across restarts so that nothing fires twice or misses its resolve
create table alert_state (
  rule_id      bigint      not null references alert_rule (id) on delete cascade,
  pipeline_id  bigint      not null references pipeline (id) on delete cascade,
  status       text        not null check (status in ('PENDING', 'FIRING')),
  run_id       bigint,
  hits         integer     not null default 0,
  since        timestamptz not null default now(),
  fired_at     timestamptz,
  last_sent_at timestamptz,
  summary      text        not null default '',
  primary key (rule_id, pipeline_id)
);

create table alert_delivery (
  id              bigint generated always as identity primary key,
  channel_id      bigint      not null references alert_channel (id) on delete cascade,
  rule_id         bigint      references alert_rule (id) on delete set null,
  pipeline_id     bigint      references pipeline (id) on delete cascade,
  event           text        not null check (event in ('FIRING', 'RESOLVED', 'TEST')),
  message         jsonb       not null,
  status          text        not null check (status in ('PENDING', 'DELIVERED', 'FAILED')),
  attempts        integer     not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  response        text,
  created_at      timestamptz not null default now(),
  delivered_at    timestamptz
);
create index alert_delivery_due_idx on alert_delivery (next_attempt_at) where status = 'PENDING';
