/**
 * Numbered schema migrations, applied in order at open; `PRAGMA user_version` records the last one applied.
 * Never edit a released migration: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the data model of DESIGN.md.
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'stopped', 'finished', 'failed')),
    error TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    notes TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE generations (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    mean REAL NOT NULL,
    max REAL NOT NULL,
    min REAL NOT NULL,
    std REAL NOT NULL,
    per_morphology TEXT NOT NULL,
    lr REAL NOT NULL,
    sigma REAL NOT NULL,
    env_steps INTEGER NOT NULL,
    wall_ms REAL NOT NULL,
    PRIMARY KEY (run_id, generation)
  ) WITHOUT ROWID;
  CREATE TABLE checkpoints (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    state BLOB NOT NULL,
    best INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, generation)
  );
  CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    morphology TEXT NOT NULL,
    seen INTEGER NOT NULL,
    episodes INTEGER NOT NULL,
    mean REAL NOT NULL,
    std REAL NOT NULL,
    fitness TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX evaluations_run ON evaluations(run_id);
  CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    morphology TEXT NOT NULL,
    seed INTEGER NOT NULL,
    damage TEXT NOT NULL DEFAULT '[]',
    fitness REAL NOT NULL,
    steps INTEGER NOT NULL,
    trajectory BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX episodes_run ON episodes(run_id);
  CREATE TABLE morphologies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    mjcf TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  `,
  // 2: distance walked per evaluation episode, and recorded episodes keep the body they ran on.
  `
  ALTER TABLE evaluations ADD COLUMN distance TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE episodes ADD COLUMN distance REAL NOT NULL DEFAULT 0;
  ALTER TABLE episodes ADD COLUMN env_steps INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE episodes ADD COLUMN mjcf TEXT NOT NULL DEFAULT '';
  `,
  // 3: the process training a run, so two processes never train the same run and a crashed one is noticed.
  `
  ALTER TABLE runs ADD COLUMN owner TEXT;
  `,
  // 4: whether an episode stopped early as the fitness protocol does (all episodes before this did).
  `
  ALTER TABLE episodes ADD COLUMN early_stop INTEGER NOT NULL DEFAULT 1;
  `,
  // 5: damage experiments, each self-contained (it outlives the runs it tested).
  `
  CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    recipe TEXT NOT NULL,
    morphology TEXT NOT NULL,
    seeds TEXT NOT NULL,
    run_ids TEXT NOT NULL,
    results TEXT NOT NULL,
    skipped TEXT NOT NULL,
    wall_ms INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // 6: the physics version a run was trained with; every run before this one was trained with version 1.
  `
  UPDATE runs SET config = json_set(config, '$.physics', 1)
  WHERE json_valid(config) AND json_type(config) = 'object' AND json_type(config, '$.physics') IS NULL;
  `,
];
