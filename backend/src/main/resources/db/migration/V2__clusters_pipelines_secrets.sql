-- Flink clusters, named secrets, pipeline definitions and their immutable versions.

create table flink_cluster (
  id          bigint generated always as identity primary key,
  name        text        not null unique,
  rest_url    text        not null,
  -- {type: none|basic|bearer, username?, secret?: ENC(...)}
  auth        jsonb       not null default '{"type":"none"}',
  -- {name: value}; values of sensitive-looking headers are ENC(...)
  headers     jsonb       not null default '{}',
  -- {insecure: bool, caPem?: text}
  tls         jsonb       not null default '{}',
  labels      jsonb       not null default '{}',
  description text        not null default '',
  cdc_mode    text        not null default 'provided' check (cdc_mode in ('provided', 'shipped')),
  cdc_version text        not null,
  version     integer     not null default 1,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table named_secret (
  name        text primary key,
  value       text        not null, -- ENC(...)
  description text        not null default '',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  updated_by  text
);

create table pipeline (
  id          bigint generated always as identity primary key,
  name        text        not null unique,
  description text        not null default '',
  cluster_id  bigint      not null references flink_cluster (id),
  labels      jsonb       not null default '{}',
  owner_id    bigint      references app_user (id) on delete set null,
  yaml        text        not null, -- secrets as ENC(...)
  secret_refs text[]      not null default '{}', -- names of the named secrets the YAML refers to
  version     integer     not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index pipeline_cluster_idx on pipeline (cluster_id);
create index pipeline_secret_refs_idx on pipeline using gin (secret_refs);
create index pipeline_labels_idx on pipeline using gin (labels);

create table pipeline_version (
  pipeline_id bigint      not null references pipeline (id) on delete cascade,
  version     integer     not null,
  yaml        text        not null, -- secrets as ENC(...)
  description text        not null,
  cluster_id  bigint      not null,
  labels      jsonb       not null,
  author_id   bigint,
  author_name text,
  comment     text        not null default '',
  created_at  timestamptz not null default now(),
  primary key (pipeline_id, version)
);
