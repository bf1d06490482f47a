import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageVariable } from '../../drivers/potentiostat/methodscript/data-package.js';
import { POTENTIOSTAT_FLAGS } from '../../src/kinds/potentiostat/device.js';
import { SIMULATOR_DEFAULTS } from './defaults.js';
import { DEVICE_ERROR_CODES, formatErrorCode } from './error-codes.js';
import { deviceHarness, type DeviceHarnessOptions } from './device-harness.test-support.js';
import { parseScript, ScriptLoadError } from './script-parser.js';

/** The simulated device on an instant clock, without noise: values are the model's to the packed resolution. */
function harness(options: DeviceHarnessOptions = {}) {
  const device = deviceHarness(options);
  const run = async (script: readonly string[]) => {
    const { output, packages: decoded } = await device.run(script);
    const packages: (readonly PackageVariable[])[] = decoded.map((p) => p.variables);
    return { output, packages, values: packages.map((p) => p.map((v) => v.value)) };
  };
  return { ...device, run };
}

const overloaded = (v: PackageVariable | undefined) => ((v?.status ?? 0) & POTENTIOSTAT_FLAGS.overload) !== 0;

describe('MethodSCRIPT language of the simulated device', () => {
  it('answers v with its MethodSCRIPT version, and v!0003 when it has none', () => {
    const { send, lines } = harness();
    send('v\n');
    const bare = harness({ identity: { methodScriptVersion: undefined } });
    bare.send('v\n');
    expect(lines).toEqual([`v${SIMULATOR_DEFAULTS.identity.methodScriptVersion}`]);
    expect(bare.lines).toEqual(['v!0003']);
  });

  it('stores, copies and computes variables: store_var, add/sub/mul/div/mod_var, integers and floats', async () => {
    const { values, packages } = await harness().run([
      'var a',
      'var b',
      'var n',
      'store_var a 1500m ja',
      'copy_var a b',
      'add_var b 500m',
      'mul_var b 3',
      'sub_var b a',
      'div_var b 4',
      'store_var n 7i ja',
      'div_var n 2i',
      'pck_start',
      'pck_add a',
      'pck_add b',
      'pck_add n',
      'pck_end',
      'store_var a 10i ja',
      'mod_var a 4i',
      'float_to_int b',
      'pck_start',
      'pck_add a',
      'pck_add b',
      'pck_end',
    ]);
    // b = ((1.5 + 0.5) * 3 - 1.5) / 4 = 1.125; 7 / 2 in integers is 3.
    expect(values).toEqual([
      [1.5, 1.125, 3],
      [2, 1],
    ]);
    expect(packages[0]!.map((v) => v.type)).toEqual(['ja', 'ja', 'ja']);
  });

  it('takes the first branch whose condition holds: if / elseif / else / endif', async () => {
    const { values } = await harness().run([
      'var i',
      'var k',
      'store_var i 0i ja',
      'loop i < 4i',
      '  if i == 0i',
      '    store_var k 10 ja',
      '  elseif i == 1i',
      '    store_var k 20 ja',
      '  elseif i < 3i',
      '    store_var k 30 ja',
      '  else',
      '    store_var k 40 ja',
      '  endif',
      '  pck_start',
      '  pck_add k',
      '  pck_end',
      '  add_var i 1i',
      'endloop',
    ]);
    expect(values).toEqual([[10], [20], [30], [40]]);
  });

  it('breakloop leaves the innermost loop only', async () => {
    const { values, output } = await harness().run([
      'var i',
      'var j',
      'loop i < 3i',
      '  store_var j 0i ja',
      '  loop j < 100i',
      '    if j >= 2i',
      '      breakloop',
      '    endif',
      '    add_var j 1i',
      '  endloop',
      '  pck_start',
      '  pck_add i',
      '  pck_add j',
      '  pck_end',
      '  add_var i 1i',
      'endloop',
    ]);
    expect(values).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    expect(output.at(-1)).toBe('');
  });

  it('fills and reads arrays with array, array_set, array_get and xs[i]', async () => {
    const { values } = await harness().run([
      'var i',
      'var x',
      'array xs 5i',
      'loop i < 5i',
      '  copy_var i x',
      '  mul_var x i',
      '  array_set xs i x',
      '  add_var i 1i',
      'endloop',
      'array_get xs 3i x',
      'pck_start',
      'pck_add x',
      'pck_add xs[4i]',
      'pck_end',
    ]);
    expect(values).toEqual([[9, 16]]);
  });

  it('answers runtime faults with their code at the line: an index outside the array, a division by zero', async () => {
    const outside = await harness().run(['var x', 'array xs 3i', 'array_get xs 3i x']);
    expect(outside.output).toEqual(['e', `!${formatErrorCode(DEVICE_ERROR_CODES.arrayIndexOutOfRange)}: Line 3`, '']);
    const zero = await harness().run(['var x', 'store_var x 1 ja', 'div_var x 0']);
    expect(zero.output).toEqual(['e', `!${formatErrorCode(DEVICE_ERROR_CODES.invalidArithmetic)}: Line 3`, '']);
  });

  it('writes send_string text, f-strings with the values of variables', async () => {
    const { output } = await harness().run(['var n', 'store_var n 42i ja', 'send_string "hello"', 'send_string f"n={n}"']);
    expect(output).toEqual(['e', 'Thello', 'Tn=42', '']);
  });

  it('runs a loop of many commands without waiting, and still ends', async () => {
    const { values } = await harness().run(['var i', 'loop i < 20000i', '  add_var i 1i', 'endloop', 'pck_start', 'pck_add i', 'pck_end']);
    expect(values).toEqual([[20000]]);
  });

  it('aborts an endless loop that never waits on Z: it yields to the host between commands', async () => {
    // The abort arrives as a link's data would: on a later turn of the event loop, which the loop must give.
    const { run } = harness({ onLine: (line, send) => line === 'L' && setImmediate(() => send('\nZ\n')) });
    const { output } = await run(['var i', 'loop i >= 0i', '  add_var i 1i', 'endloop', 'on_finished:', 'send_string "cleaned up"']);
    expect(output).toEqual(['e', 'L', 'Z', '+', 'Tcleaned up', '']);
  });

  it('refuses arrays beyond the device memory, and changes a variable type with alter_vartype', async () => {
    const memory = await harness().run([`array xs ${SIMULATOR_DEFAULTS.maxArrayElements + 1}i`]);
    expect(memory.output).toEqual(['e', `!${formatErrorCode(DEVICE_ERROR_CODES.outOfMemory)}: Line 1`, '']);
    const { packages } = await harness().run(['var x', 'store_var x 250m ja', 'alter_vartype x ab', 'pow_var x 2', 'pck_start', 'pck_add x', 'pck_end']);
    expect(packages).toEqual([[{ type: 'ab', value: 0.0625 }]]);
  });

  it('sweeps an LSV as a staircase: E_step every E_step / scan rate, the potential and the current', async () => {
    const { cell, run } = harness();
    const ocv = cell.openCircuitVoltage();
    const begin = Math.round(ocv * 1000);
    const { packages } = await run([
      'var t',
      'var p',
      'var c',
      'set_pgstat_mode 2',
      'set_autoranging ba 1n 10m',
      `set_e ${begin}m`,
      'cell_on',
      'timer_start',
      `meas_loop_lsv p c ${begin}m ${begin + 100}m 10m 100m`,
      '  timer_get t',
      '  pck_start',
      '  pck_add t',
      '  pck_add p',
      '  pck_add c',
      '  pck_end',
      'endloop',
      'on_finished:',
      'cell_off',
    ]);
    expect(packages).toHaveLength(11);
    packages.forEach(([t, p], k) => {
      expect(t!.value).toBeCloseTo(0.1 * (k + 1), 6);
      expect(p!.value).toBeCloseTo((begin + 10 * k) / 1000, 6);
    });
    // Above the OCV the current is anodic, and grows along the sweep.
    const currents = packages.map((p) => p[2]!.value);
    expect(currents.at(-1)!).toBeGreaterThan(currents[1]!);
    expect(currents.at(-1)!).toBeGreaterThan(0);
  });

  it('runs nscans(3) CV scans: begin, vertex 1, vertex 2, back to begin, three times', async () => {
    const { cell, run } = harness();
    const begin = Math.round(cell.openCircuitVoltage() * 1000);
    const { packages } = await run([
      'var p',
      'var c',
      'set_pgstat_mode 2',
      `set_e ${begin}m`,
      'cell_on',
      `meas_loop_cv p c ${begin}m ${begin + 50}m ${begin - 50}m 10m 1 nscans(3)`,
      '  pck_start',
      '  pck_add p',
      '  pck_add c',
      '  pck_end',
      'endloop',
      'on_finished:',
      'cell_off',
    ]);
    // Per scan: 5 steps up, 10 down, 5 back up; plus the first point.
    expect(packages).toHaveLength(1 + 3 * 20);
    const potentials = packages.map((p) => Math.round(p[0]!.value * 1000) - begin);
    const scan = [10, 20, 30, 40, 50, 40, 30, 20, 10, 0, -10, -20, -30, -40, -50, -40, -30, -20, -10, 0];
    expect(potentials).toEqual([0, ...scan, ...scan, ...scan]);
    // The current follows the potential: anodic at the upper vertex, cathodic at the lower one.
    expect(packages[5]![1]!.value).toBeGreaterThan(0);
    expect(packages[15]![1]!.value).toBeLessThan(0);
  });

  // The potential hold clipped at the range limit runs over TCP in tests/integration/methodscript-vendor-scripts.test.ts.

  it('an EIS at 0 V bias on a charged cell: every point flagged overload, the discharge bounded by the range', async () => {
    const { cell, run } = harness({ preset: 'NMC532' });
    const x0 = cell.composition();
    const { packages } = await run([
      'var f',
      'var r',
      'var j',
      'set_pgstat_mode 3',
      'set_range ba 100u',
      'set_autoranging ba 100u 100u',
      'set_e 0',
      'cell_on',
      'meas_loop_eis f r j 10m 10k 10 5i 0',
      '  pck_start',
      '  pck_add f',
      '  pck_add r',
      '  pck_add j',
      '  pck_end',
      'endloop',
      'on_finished:',
      'cell_off',
    ]);
    expect(packages).toHaveLength(5);
    for (const [, r] of packages) expect(overloaded(r)).toBe(true);
    const { hostAmountMol } = cell.parameters as { hostAmountMol: number };
    const sweepS = packages.reduce((s, [f]) => s + Math.max(SIMULATOR_DEFAULTS.eisMinPointS, SIMULATOR_DEFAULTS.eisPeriodsPerPoint / f!.value), 0);
    const boundX = (SIMULATOR_DEFAULTS.rangeSaturationFactor * 100e-6 * sweepS) / (96485.332 * hostAmountMol);
    expect(cell.composition() - x0).toBeGreaterThan(0);
    expect(cell.composition() - x0).toBeLessThanOrEqual(boundX * 1.001);
  });

  it('sources at most the applied-current range in CP, flagged overload', async () => {
    const { packages } = await harness().run([
      'var p',
      'var c',
      'set_pgstat_mode 6',
      'set_range db 100u',
      'set_autoranging db 100u 100u',
      'cell_on',
      'meas_loop_cp p c -1m 1 3',
      '  pck_start',
      '  pck_add p',
      '  pck_add c',
      '  pck_end',
      'endloop',
      'on_finished:',
      'cell_off',
    ]);
    expect(packages).toHaveLength(3);
    for (const [, c] of packages) {
      expect(c!.value).toBeCloseTo(-300e-6, 9);
      expect(overloaded(c)).toBe(true);
    }
  });
});

describe('parseScript on the published syntax', () => {
  it('loads optional arguments, else branches, arrays, strings and hexadecimal literals', () => {
    const program = parseScript([
      'var p',
      'var c',
      'array xs 0x0A',
      'meas_loop_cv p c 0 500m -500m 10m 100m nscans(3)',
      '  if c > xs[1i]',
      '    send_string f"over {c}"',
      '  else',
      '    breakloop',
      '  endif',
      'endloop',
    ]);
    const cv = program.commands[3]!;
    expect(cv.options['nscans']).toEqual([{ kind: 'literal', value: 3, integer: false }]);
    const branch = program.commands[4]!;
    expect(program.commands[branch.next!]!.name).toBe('else');
    expect(program.commands[branch.end!]!.name).toBe('endif');
    expect(program.commands[2]!.operands).toEqual([{ kind: 'literal', value: 10, integer: true }]);
  });

  it.each([
    [['else'], DEVICE_ERROR_CODES.scriptBlockStructure, 1, 1],
    [['var a', 'if a == 1', 'else', 'elseif a == 2', 'endif'], DEVICE_ERROR_CODES.scriptBlockStructure, 4, 1],
    [['var p', 'var c', 'meas_loop_lsv p c 0 1 10m 100m nscans(2)', 'endloop'], DEVICE_ERROR_CODES.scriptBadArgument, 3, 32],
    [['var x', 'array_get ys 1i x'], DEVICE_ERROR_CODES.scriptUndeclaredVariable, 2, 11],
    [['var x', 'pck_add ys[0i]'], DEVICE_ERROR_CODES.scriptUndeclaredVariable, 2, 9],
    [['send_string "open'], DEVICE_ERROR_CODES.scriptBadArgument, 1, 13],
    [['var x', 'array x 3i'], DEVICE_ERROR_CODES.scriptBadArgument, 2, 7],
  ])('refuses %j with code %i at line %i, column %i', (lines, code, line, column) => {
    let caught: unknown;
    try {
      parseScript(lines);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScriptLoadError);
    const error = caught as ScriptLoadError;
    expect({ code: error.deviceCode, line: error.line, column: error.column }).toEqual({ code, line, column });
  });

  it('throws nothing but ScriptLoadError, whatever the text', () => {
    const word = fc.constantFrom('var', 'x', 'toString', '__proto__', 'constructor(1)', 'nscans(toString)', 'xs[i]', 'if', 'elseif', 'else', 'endif', 'loop', 'endloop', 'breakloop', 'array', 'array_get', 'store_var', 'meas_loop_cv', 'nscans(', '3i', '100m', '"s', 'f"{x}"', '<', '==', '#', '(', ')', '[', ']', '{');
    const line = fc.oneof(fc.array(word, { maxLength: 8 }).map((ws) => ws.join(' ')), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        try {
          parseScript(lines);
        } catch (e) {
          if (!(e instanceof ScriptLoadError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
