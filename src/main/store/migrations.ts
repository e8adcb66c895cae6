/**
 * Numbered schema migrations, applied in order at open; `PRAGMA user_version` records the last one applied.
 * Never edit a released migration: add the next one.
 */
import { raiseSequence, rebuildTable } from './rebuild';
import { rowCrcMigration } from './row-checks';

export const MIGRATIONS: readonly string[] = [
  // 1: the first data model.
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
  // 6: freeze experiments stored before the held value became a recipe field ran with actuators held at 0, and
  // with the update seeing the network's own outputs; their recipe and condition labels say so.
  `
  UPDATE experiments SET
    recipe = json_set(recipe, '$.value', 0, '$.hebbianSees', 'network'),
    results = replace(results, '"label":"actuators frozen t ', '"label":"actuators held at 0.0, t ')
    WHERE json_extract(recipe, '$.kind') = 'freezeActuators' AND json_type(recipe, '$.value') IS NULL;
  `,
  // 7: lifetimes per generation that ended on a non-finite state (scored the floor fitness).
  `
  ALTER TABLE generations ADD COLUMN blown_up INTEGER NOT NULL DEFAULT 0;
  `,
  // 8: checkpoints labelled by the generation they belong to. Before, checkpoint g held the ES state after
  // generation g's update, i.e. the centre of generation g + 1 (its own generation field already said g + 1), so
  // every label moves up by one: checkpoints, and the generation of the evaluations, episodes and experiments that
  // used them. Generation 0's centre was never stored; it is rebuilt from the run's config. The best flag moves
  // to the centre that produced the best generation, if that checkpoint was kept. (Negating first keeps the
  // primary key unique at every row.)
  `
  UPDATE checkpoints SET generation = -1 - generation;
  UPDATE checkpoints SET generation = -generation;
  UPDATE checkpoints SET best = (generation IS (
    SELECT g.generation FROM generations g WHERE g.run_id = checkpoints.run_id ORDER BY g.mean DESC, g.generation LIMIT 1));
  UPDATE evaluations SET generation = generation + 1;
  UPDATE episodes SET generation = generation + 1;
  UPDATE experiments SET results = (
    SELECT json_group_array(json_set(r.value, '$.generation', json_extract(r.value, '$.generation') + 1))
    FROM json_each(experiments.results) AS r)
  WHERE json_array_length(results) > 0;
  `,
  // 9: held-out tests during training, committed with their generation.
  `
  CREATE TABLE heldout (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    morphology TEXT NOT NULL,
    episodes INTEGER NOT NULL,
    mean REAL NOT NULL,
    std REAL NOT NULL,
    fitness TEXT NOT NULL,
    distance TEXT NOT NULL,
    env_steps INTEGER NOT NULL,
    PRIMARY KEY (run_id, generation, morphology)
  ) WITHOUT ROWID;
  `,
  // 10: the physics version a run was trained with; every run before this one was trained with version 1.
  `
  UPDATE runs SET config = json_set(config, '$.physics', 1)
  WHERE json_valid(config) AND json_type(config) = 'object' AND json_type(config, '$.physics') IS NULL;
  `,
  // 11: a checksum per row (row-checks.ts), filled for the rows already stored and kept by triggers.
  rowCrcMigration(),
  // 12: ids are never given again. Without AUTOINCREMENT SQLite hands out the largest id + 1, so deleting the
  // newest run, evaluation, episode or experiment let the next one take its id (and a note saying "run 7" would
  // then mean another run). The four tables are rebuilt with AUTOINCREMENT, same columns, rows, indexes and
  // triggers; each counter starts at the largest id the store knows of, including run ids that experiments still
  // name after their runs were deleted.
  [
    rebuildTable('runs', {
      columns: [
        'id INTEGER PRIMARY KEY AUTOINCREMENT', 'name TEXT NOT NULL', 'config TEXT NOT NULL', 'seed INTEGER NOT NULL',
        "status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'stopped', 'finished', 'failed'))",
        'error TEXT', "tags TEXT NOT NULL DEFAULT '[]'", "notes TEXT NOT NULL DEFAULT ''", 'created_at INTEGER NOT NULL',
        'updated_at INTEGER NOT NULL', 'owner TEXT', 'crc INTEGER',
      ],
    }),
    rebuildTable('evaluations', {
      columns: [
        'id INTEGER PRIMARY KEY AUTOINCREMENT', 'run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE',
        'generation INTEGER NOT NULL', 'morphology TEXT NOT NULL', 'seen INTEGER NOT NULL', 'episodes INTEGER NOT NULL',
        'mean REAL NOT NULL', 'std REAL NOT NULL', 'fitness TEXT NOT NULL', 'created_at INTEGER NOT NULL',
        "distance TEXT NOT NULL DEFAULT '[]'", 'crc INTEGER',
      ],
      indexes: ['CREATE INDEX evaluations_run ON evaluations(run_id)'],
    }),
    rebuildTable('episodes', {
      columns: [
        'id INTEGER PRIMARY KEY AUTOINCREMENT', 'run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE',
        'generation INTEGER NOT NULL', 'morphology TEXT NOT NULL', 'seed INTEGER NOT NULL', "damage TEXT NOT NULL DEFAULT '[]'",
        'fitness REAL NOT NULL', 'steps INTEGER NOT NULL', 'trajectory BLOB NOT NULL', 'created_at INTEGER NOT NULL',
        'distance REAL NOT NULL DEFAULT 0', 'env_steps INTEGER NOT NULL DEFAULT 0', "mjcf TEXT NOT NULL DEFAULT ''",
        'early_stop INTEGER NOT NULL DEFAULT 1', 'crc INTEGER',
      ],
      indexes: ['CREATE INDEX episodes_run ON episodes(run_id)'],
    }),
    rebuildTable('experiments', {
      columns: [
        'id INTEGER PRIMARY KEY AUTOINCREMENT', 'recipe TEXT NOT NULL', 'morphology TEXT NOT NULL', 'seeds TEXT NOT NULL',
        'run_ids TEXT NOT NULL', 'results TEXT NOT NULL', 'skipped TEXT NOT NULL', 'wall_ms INTEGER NOT NULL',
        'created_at INTEGER NOT NULL', 'crc INTEGER',
      ],
    }),
    raiseSequence('runs', `SELECT max(CAST(r.value AS INTEGER)) FROM experiments,
      json_each(CASE WHEN json_valid(experiments.run_ids) THEN experiments.run_ids ELSE '[]' END) AS r WHERE r.type = 'integer'`),
    raiseSequence('evaluations'),
    raiseSequence('episodes'),
    raiseSequence('experiments'),
  ].join(''),
];
