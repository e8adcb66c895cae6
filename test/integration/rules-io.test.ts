/**
 * Rules in and out (hebb rules import / export, the rules.* channels): an imported reference file is a run every
 * workflow takes — evaluate, record, compare, analyse, export — and a bad file leaves nothing in the store. The
 * expected coefficients are the fixture script's formula (scripts/reference/make_rule_fixtures.py), not our reader.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConfig } from '../../src/core/config';
import { arrayValues, readArray } from '../../src/core/rules-file/rules-file';
import { inspectRunRules } from '../../src/main/services/analysis';
import { centre, compareRuns, evaluateRun, recordEpisode } from '../../src/main/services/evaluation';
import { exportRules, importRules } from '../../src/main/services/rules';
import { Workbench } from '../../src/main/services/workbench';
import { Store } from '../../src/main/store/store';
import { ensurePresets } from '../../src/main/training/coordinator';
import { HEBB } from '../support/cli';
import { fixture, fixturePath, formula, REFERENCE_NAME } from '../support/rule-fixtures';


const dir = mkdtempSync(join(tmpdir(), 'hebb-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openStore(): Store {
  const store = Store.open(':memory:');
  ensurePresets(store);
  return store;
}
const counts = (store: Store): number[] => ['runs', 'checkpoints'].map((t) => store.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number);

describe('an imported reference file is a run like a trained one', () => {
  it('imports, and evaluates, records, compares, analyses and exports it', async () => {
    const store = openStore();
    const bytes = fixture(REFERENCE_NAME);
    const { run } = importRules(store, bytes, `/somewhere/${REFERENCE_NAME}`);
    const config = runConfig(store.getRun(run.id).config);
    expect(run.status).toBe('finished');
    expect(config.policy).toMatchObject({ kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni' });
    expect(config.imported).toEqual({ file: REFERENCE_NAME, format: 'torch', sha256: '' + spawnSync('sha256sum', [fixturePath(REFERENCE_NAME)], { encoding: 'utf8' }).stdout.slice(0, 64) });
    // Its centre, latest and of generation 0, is the file's array.
    expect(centre(store, run.id).genome).toEqual(formula(12288, 5));
    expect(centre(store, run.id, 0)).toMatchObject({ generation: 0 });
    expect(centre(store, run.id, 0).genome).toEqual(formula(12288, 5));

    const [evaluation] = await evaluateRun(store, run.id, { morphologies: ['standard'], episodes: 1 });
    expect(evaluation).toMatchObject({ runId: run.id, generation: 0, morphology: 'standard', episodes: 1 });
    const episode = await recordEpisode(store, run.id, { morphology: 'standard', seed: 1, weightStride: 100 });
    expect(episode).toMatchObject({ runId: run.id, generation: 0, seed: 1 });
    const comparison = compareRuns(store, [run.id]);
    expect(comparison.rows[0]!.runs).toEqual([run.id]);
    expect(comparison.rows[0]!.cells['standard']).toBeDefined();
    const rules = inspectRunRules(store, [run.id], {});
    expect(rules.runs[0]!.layers).toHaveLength(3);

    // The workbench lists its one centre once, and exports it as the reference file it came from.
    const workbench = new Workbench(store);
    const detail = await workbench.dispatch('runs.get', { id: run.id });
    expect(detail.ok && (detail.value as { checkpoints: unknown[] }).checkpoints).toEqual([{ generation: 0, best: false }]);
    const exported = exportRules(store, run.id, 'torch');
    expect(exported.fileName).toBe(`HEBcoeffs__AntBulletEnv-v0__run_${run.id}__ABCD_lr__init_uni__coeffs__0.dat`);
    expect(arrayValues(readArray(exported.bytes, 'x').array, 'x')).toEqual({ shape: [12288, 5], values: formula(12288, 5) });
    // Importing the export again finds the rule and init from its name.
    const again = importRules(store, exported.bytes, exported.fileName);
    expect(again.config.policy).toMatchObject({ rule: 'ABCD_lr', init: 'uni' });
    await workbench.close();
    store.close();
  });

  it('imports a .npy file through the API, naming a bad field and storing nothing on a bad file', async () => {
    const store = openStore();
    const workbench = new Workbench(store);
    const data = Buffer.from(fixture('quadruped-AD-f64.npy')).toString('base64');
    const bad = await workbench.dispatch('rules.import', { fileName: 'x.npy', data, rule: 'ABCD_lr' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(!bad.ok && bad.error.message).toMatch(/needs \(12288, 5\).*2 columns fit rule AD/);
    const notBase64 = await workbench.dispatch('rules.import', { fileName: 'x.npy', data: '%%%' });
    expect(!notBase64.ok && notBase64.error.issues).toEqual([{ path: 'request.data', message: "must be the file's bytes in base64" }]);
    for (const name of ['evil-system.dat', 'truncated.dat', 'wrong-shape.dat', 'float16.dat', 'quadruped-A-nan.npy', 'tensor.dat', 'deflated.dat']) {
      const refused = await workbench.dispatch('rules.import', { fileName: name, data: Buffer.from(fixture(name)).toString('base64'), rule: 'ABCD_lr' });
      expect(refused.ok, name).toBe(false);
    }
    expect(counts(store)).toEqual([0, 0]);
    const ok = await workbench.dispatch('rules.import', { fileName: 'x.npy', data, indexing: 'original', name: 'from numpy' });
    expect(ok).toMatchObject({ ok: true, value: { name: 'from numpy', status: 'finished', config: { policy: { rule: 'AD', indexing: 'original' }, imported: { file: 'x.npy', format: 'npy' } } } });
    const exported = await workbench.dispatch('rules.export', { id: 1, format: 'npy' });
    const { values } = arrayValues(readArray(new Uint8Array(Buffer.from((exported as { value: { data: string } }).value.data, 'base64')), 'x').array, 'x');
    expect(values).toEqual(formula(12288, 2));
    await workbench.close();
    store.close();
  });

  it('refuses to export a static run, and a run config asking to be imported by hand', async () => {
    const store = openStore();
    const workbench = new Workbench(store);
    const created = await workbench.dispatch('runs.create', { config: { name: 's', policy: { kind: 'static' }, generations: 1, es: { popSize: 2 } } });
    expect(created.ok).toBe(true);
    await workbench.queue.close();
    expect(() => exportRules(store, 1, 'torch', 0)).toThrow('run 1 is a static run: its network has no Hebbian rules to export');
    const forged = await workbench.dispatch('runs.create', { config: { name: 'f', generations: 0, imported: { file: 'a', sha256: 'a'.repeat(64), format: 'npy' } } });
    expect(!forged.ok && forged.error.issues).toEqual([{ path: 'run.imported', message: 'is set only by importing a rules file (hebb rules import, or Import rules on the runs page)' }]);
    store.close();
  });
});

describe('hebb rules', () => {
  const hebb = (args: string[]) => {
    const r = spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('imports and exports from the command line; what torch.load reads back is the same array', () => {
    const db = join(dir, 'cli.db');
    const imported = hebb(['rules', 'import', fixturePath('quadruped-A.dat'), '--db', db, '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ id: 1, policy: { rule: 'A' }, imported: { file: 'quadruped-A.dat', format: 'torch' } });
    // By default the rules live in the current physics (pybullet's engine); --physics puts them in another world.
    const v2 = hebb(['rules', 'import', fixturePath('quadruped-A.dat'), '--physics', '2', '--db', db]);
    expect(v2.status, v2.stderr).toBe(0);
    const configs = (JSON.parse(hebb(['runs', '--db', db, '--json']).stdout) as { id: number; config: { physics: number } }[]).map((r) => [r.id, r.config.physics]);
    expect(configs).toEqual(expect.arrayContaining([[1, 3], [2, 2]]));
    expect(hebb(['runs', '--db', db]).stdout).toMatch(/finished\s+imported torch/);
    expect(hebb(['runs', 'show', '1', '--db', db]).stdout).toMatch(/imported from quadruped-A\.dat \(torch, sha256 [0-9a-f]{64}\)/);
    const out = join(dir, 'quadruped-A.dat');
    const exported = hebb(['rules', 'export', '1', '--out', out, '--db', db]);
    expect(exported.status, exported.stderr).toBe(0);
    // Rule A squeezed to (12288,), in torch.save's own bytes (the same archive name as the fixture).
    expect(readFileSync(out)).toEqual(readFileSync(fixturePath('quadruped-A.dat')));
  });

  it('refuses bad files with exit 2 and a sentence, creating nothing', () => {
    const db = join(dir, 'bad.db');
    const huge = join(dir, 'huge.dat');
    writeFileSync(huge, '');
    truncateSync(huge, 2 ** 31); // sparse: refused from its size, never read
    const cases: [string, RegExp][] = [
      [fixturePath('evil-legacy.dat'), /asks for os\.system/],
      [fixturePath('truncated.dat'), /truncated or damaged/],
      [fixturePath('wrong-shape.dat'), /--rule: .* 5 columns fit ABCD_lr or ABCD_lr_D_out/],
      [huge, /huge\.dat is 2147483648 bytes; a rules file is at most 4194304 bytes/],
      [dir, /is not a regular file/],
    ];
    const physics = hebb(['rules', 'import', fixturePath('quadruped-A.dat'), '--physics', '7', '--db', db]);
    expect(physics.status).toBe(2);
    expect(physics.stderr).toMatch(/--physics: must be one of 1, 2, 3, got 7/);
    for (const [file, message] of cases) {
      const r = hebb(['rules', 'import', file, '--db', db]);
      expect(r.status, file).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const shape = hebb(['rules', 'import', fixturePath('wrong-shape.dat'), '--rule', 'ABCD_lr', '--db', db]);
    expect(shape.stderr).toMatch(/the array's shape is \(100, 5\); rule ABCD_lr on the 28→128→64→8 network needs \(12288, 5\)/);
    const runs = hebb(['runs', '--db', db, '--json']);
    expect(runs.stdout.trim() === '' || JSON.parse(runs.stdout).length === 0).toBe(true);
  });

  it('refuses to write over a FIFO, and to export a run that does not exist', () => {
    const db = join(dir, 'fifo.db');
    expect(hebb(['rules', 'import', fixturePath('quadruped-A.dat'), '--db', db]).status).toBe(0);
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = hebb(['rules', 'export', '1', '--out', fifo, '--db', db]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out: .*pipe is not a regular file \(a device, FIFO or socket\)/);
    expect(hebb(['rules', 'export', '7', '--out', join(dir, 'x.dat'), '--db', db]).status).toBe(2);
  });
});
