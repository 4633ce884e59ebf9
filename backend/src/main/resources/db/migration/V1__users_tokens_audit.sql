-- Foundation: console settings, users, API tokens, audit trail.

create table console_setting (
  name  text primary key,
  value text not null
);

create table app_user (
  id              bigint generated always as identity primary key,
  username        text        not null,
  password_hash   text        not null,
  role            text        not null check (role in ('viewer', 'operator', 'admin')),
  disabled        boolean     not null default false,
  -- bumped on password change/reset: JWTs carry it and stop working when it moves on
  session_version integer     not null default 1,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);
create unique index app_user_username_key on app_user (lower(username));

create table api_token (
  id           bigint generated always as identity primary key,
  user_id      bigint      not null references app_user (id) on delete cascade,
  name         text        not null,
  -- SHA-256 of the secret; the secret itself is shown once and never stored
  token_hash   text        not null unique,
  role         text        not null check (role in ('viewer', 'operator', 'admin')),
  created_at   timestamptz not null default now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
create index api_token_user_idx on api_token (user_id);

create table audit_event (
  id             bigint generated always as identity primary key,
  at             timestamptz not null default now(),
  actor_id       bigint,
  actor_name     text,
  action         text        not null,
  resource_type  text,
  resource_id    text,
  outcome        text        not null check (outcome in ('success', 'failure', 'denied')),
  status         integer     not null,
  client_address text,
  detail         jsonb
);
create index audit_event_at_idx on audit_event (at desc);
create index audit_event_actor_idx on audit_event (actor_name, at desc);
create index audit_event_action_idx on audit_event (action, at desc);
