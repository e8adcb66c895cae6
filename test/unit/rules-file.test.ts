/**
 * The rules-file reader and writer against files written by the real torch.save and numpy
 * (scripts/reference/make_rule_fixtures.py, torch 1.13.1 / numpy 1.24). The expected arrays are that script's
 * formulas written again here, never our reader's output.
 */
import { describe, expect, it } from 'vitest';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import {
  archiveName, arrayValues, encodeRulesFile, MAX_RULES_FILE_BYTES, namedInFile, readArray, ruleSegment, RulesFileError,
} from '../../src/core/rules-file/rules-file';
import { writeZip } from '../../src/core/rules-file/zip';
import { fixture, formula, REFERENCE_NAME } from '../support/rule-fixtures';

const read = (name: string): { kind: string; shape: number[]; values: Float32Array } => {
  const { kind, array } = readArray(fixture(name), name);
  return { kind, ...arrayValues(array, name) };
};
const refusal = (name: string): string => {
  try {
    read(name);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesFileError);
    return (e as Error).message;
  }
  throw new Error(`${name} was read`);
};

/** np.arange(6).reshape(3, 2). */
const SMALL = Float32Array.from([0, 1, 2, 3, 4, 5]);

describe('reading the reference formats', () => {
  it("reads the reference's (12288, 5) ABCD_lr file written by torch.save, as the genome's rule segment", () => {
    const file = read(REFERENCE_NAME);
    expect(file.kind).toBe('torch');
    expect(file.shape).toEqual([12288, 5]);
    expect(file.values).toEqual(formula(12288, 5));
    expect(ruleSegment(file, 'ABCD_lr', QUADRUPED_MLP, 'f')).toEqual(formula(12288, 5));
    expect(namedInFile(REFERENCE_NAME)).toEqual({ rule: 'ABCD_lr', init: 'uni', env: 'AntBulletEnv-v0' });
  });

  it('reads a rule-A file squeezed to (12288,) as the reference saves it', () => {
    const file = read('quadruped-A.dat');
    expect(file.shape).toEqual([12288]);
    expect(ruleSegment(file, 'A', QUADRUPED_MLP, 'f')).toEqual(formula(12288, 1));
  });

  it('reads the legacy torch.save format, .npy 1.0 float64, .npy 2.0 and Fortran order', () => {
    const legacy = read('small-legacy.dat');
    expect([legacy.kind, legacy.shape, legacy.values]).toEqual(['torch-legacy', [3, 2], SMALL]);
    const f64 = read('quadruped-AD-f64.npy');
    expect([f64.kind, f64.shape, f64.values]).toEqual(['npy', [12288, 2], formula(12288, 2)]);
    expect(read('small-v2.npy').values).toEqual(SMALL);
    // np.asfortranarray(arange(6).reshape(3, 2)) stores 0, 2, 4, 1, 3, 5; read back in C order.
    expect(fixture('small-fortran.npy').subarray(128)).toEqual(new Uint8Array(Float32Array.from([0, 2, 4, 1, 3, 5]).buffer));
    expect(read('small-fortran.npy').values).toEqual(SMALL);
  });

  it('refuses a shape that is not (synapses, K) for the rule, naming both and the rule that would fit', () => {
    expect(() => ruleSegment(read('wrong-shape.dat'), 'ABCD_lr', QUADRUPED_MLP, 'wrong-shape.dat'))
      .toThrow("wrong-shape.dat: the array's shape is (100, 5); rule ABCD_lr on the 28→128→64→8 network needs (12288, 5): 12288 synapses × 5 coefficients (A, B, C, η, D)");
    expect(() => ruleSegment(read('quadruped-AD-f64.npy'), 'ABCD_lr', QUADRUPED_MLP, 'f')).toThrow('2 columns fit rule AD (--rule)');
  });
});

describe('refusing hostile and broken files', () => {
  it('never runs a pickle: a GLOBAL os.system or posix.system is refused by name', () => {
    expect(refusal('evil-system.dat')).toMatch(/asks for posix\.system, which a numpy array never needs; refused/);
    expect(refusal('evil-legacy.dat')).toMatch(/asks for os\.system/);
  });

  it('refuses a tensor, naming torch._utils._rebuild_tensor_v2', () => {
    expect(refusal('tensor.dat')).toMatch(/holds a torch tensor \(it asks for torch\._utils\._rebuild_tensor_v2\)/);
  });

  it('refuses a truncated zip, a deflated entry, float16 and NaN, saying which', () => {
    expect(refusal('truncated.dat')).toMatch(/truncated or damaged/);
    expect(refusal('deflated.dat')).toMatch(/zip entry small\/data\.pkl is compressed \(deflate\)/);
    expect(refusal('float16.dat')).toMatch(/float16 \(half precision\)/);
    expect(refusal('quadruped-A-nan.npy')).toMatch(/the value at index 7 is NaN/);
  });

  it('refuses every truncation of a torch file and of a .npy file', () => {
    for (const name of ['small.dat', 'small.npy', 'small-legacy.dat']) {
      const bytes = fixture(name);
      for (let n = 0; n < bytes.length; n += 7) expect(() => arrayValues(readArray(bytes.subarray(0, n), name).array, name), `${name} cut at ${n}`).toThrow(RulesFileError);
    }
  });

  it('refuses a file over the size limit before looking inside it', () => {
    expect(() => readArray(new Uint8Array(MAX_RULES_FILE_BYTES + 1), 'big.dat')).toThrow(`big.dat is ${MAX_RULES_FILE_BYTES + 1} bytes; a rules file is at most ${MAX_RULES_FILE_BYTES} bytes`);
  });

  it('refuses a REDUCE of anything but numpy\'s constructors, and a persistent id', () => {
    const pickle = (body: string): Uint8Array => Uint8Array.from(`\x80\x02${body}.`, (c) => c.charCodeAt(0));
    // In torch's container (our writer's, checked against torch's own bytes below).
    const zipOf = (data: Uint8Array): Uint8Array => writeZip([{ name: 'archive/data.pkl', data }, { name: 'archive/version', data: Uint8Array.of(0x33, 0x0a) }]);
    // numpy.dtype called on a tuple instead of a type name.
    expect(() => readArray(zipOf(pickle('cnumpy\ndtype\n)R')), 'x')).toThrow(/numpy\.dtype that is not named by a string/);
    expect(() => readArray(zipOf(pickle('X\x01\x00\x00\x00a\x85Q')), 'x')).toThrow(/opcode BINPERSID/);
    expect(() => readArray(zipOf(pickle('cbuiltins\neval\n')), 'x')).toThrow(/asks for builtins\.eval/);
  });
});

describe('writing what torch.load reads', () => {
  it("writes torch.save's bytes exactly: the small array and the (12288, 5) reference file", () => {
    expect(encodeRulesFile(SMALL, 2, 'torch', archiveName('small.dat'))).toEqual(fixture('small.dat'));
    expect(encodeRulesFile(formula(12288, 5), 5, 'torch', archiveName(REFERENCE_NAME))).toEqual(fixture(REFERENCE_NAME));
    expect(encodeRulesFile(formula(12288, 1), 1, 'torch', archiveName('quadruped-A.dat'))).toEqual(fixture('quadruped-A.dat'));
  });

  it("writes np.save's bytes exactly", () => {
    expect(encodeRulesFile(SMALL, 2, 'npy')).toEqual(fixture('small.npy'));
  });
});
