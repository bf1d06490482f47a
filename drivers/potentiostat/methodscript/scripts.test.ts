import { describe, expect, it } from 'vitest';
import { isLimitError } from '../../../src/instruments/limits.js';
import type { HardLimitedStep, PotentiostatHardLimits, PotentiostatStep } from '../../../src/kinds/potentiostat/device.js';
import { SCRIPT_DEFAULTS } from './defaults.js';
import { isMethodScriptError } from './errors.js';
import { cellOffScript, stepScript } from './scripts.js';

/** Hard limits of a cell held between 2 and 4.2 V at 5 mA at most. */
const CELL: PotentiostatHardLimits = { minV: 2, maxV: 4.2, maxAbsCurrentA: 5e-3 };
/** Hard limits of a symmetric ±1 V instrument channel (a pellet), 1 mA. */
const PELLET: PotentiostatHardLimits = { minV: -1, maxV: 1, maxAbsCurrentA: 1e-3 };

const limited = (step: PotentiostatStep, hardLimits: PotentiostatHardLimits = CELL): HardLimitedStep => ({ ...step, hardLimits });
const script = (step: PotentiostatStep, hardLimits?: PotentiostatHardLimits) => stepScript(limited(step, hardLimits));
const ifBreak = (condition: string) => [`if ${condition}`, 'breakloop', 'endif'];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The lines between the measurement loop and its endloop. */
function loopBody(script: string[]): string[] {
  const start = script.findIndex((l) => l.startsWith('meas_loop_'));
  const end = script.indexOf('endloop');
  return script.slice(start + 1, end).map((l) => l.trim());
}

function expectCommonShape(script: string[]): void {
  // Variables first, the timer right before the loop, the cell off in on_finished.
  expect(script[0]).toMatch(/^var /);
  const loop = script.findIndex((l) => l.startsWith('meas_loop_'));
  expect(script[loop - 1]).toBe('timer_start');
  expect(script.slice(-2)).toEqual(['on_finished:', 'cell_off']);
  const body = loopBody(script);
  expect(body.slice(0, 3)).toEqual(['timer_get t', 'pck_start', 'pck_add t']);
  expect(body).toContain('pck_end');
  // No empty line inside: an empty line ends the script on the device.
  expect(script.every((l) => l.trim() !== '')).toBe(true);
}

describe('step scripts', () => {
  it('rests at open circuit with the cell off', () => {
    const ocp = script({ kind: 'ocp', durationS: 600, intervalS: 1 });
    expectCommonShape(ocp);
    expect(ocp).toContain('meas_loop_ocp p 1 600');
    expect(ocp.indexOf('cell_off')).toBeLessThan(ocp.indexOf('meas_loop_ocp p 1 600'));
    expect(ocp).not.toContain('cell_on');
    expect(loopBody(ocp)).toContain('pck_add p');
  });

  it('runs a constant current as chronopotentiometry in galvanostat mode', () => {
    const cp = script({ kind: 'constant-current', currentA: -150e-6, durationS: 600, intervalS: 0.5 });
    expectCommonShape(cp);
    expect(cp).toContain('set_pgstat_mode 6');
    expect(cp).toContain('set_range db 150u');
    expect(cp).toContain('cell_on');
    expect(cp).toContain('meas_loop_cp p c -150u 500m 600');
    expect(loopBody(cp).slice(0, 6)).toEqual(['timer_get t', 'pck_start', 'pck_add t', 'pck_add p', 'pck_add c', 'pck_end']);
  });

  it('ends open-circuit and constant-current loops on the device when the potential leaves the hard window', () => {
    const window = [...ifBreak('p > 4200m'), ...ifBreak('p < 2')];
    expect(loopBody(script({ kind: 'ocp', durationS: 600, intervalS: 1 })).slice(5)).toEqual(window);
    expect(loopBody(script({ kind: 'constant-current', currentA: 1e-3, durationS: 600, intervalS: 1 })).slice(6)).toEqual(window);
    // Negative limits are negative literals.
    expect(loopBody(script({ kind: 'ocp', durationS: 10, intervalS: 1 }, PELLET)).slice(5)).toEqual([...ifBreak('p > 1'), ...ifBreak('p < -1')]);
  });

  it('writes voltage cut-offs as if/breakloop/endif after the package, before the hard window', () => {
    const cp = script({ kind: 'constant-current', currentA: 20e-6, durationS: 3600, intervalS: 10, limits: { minV: 2.4, maxV: 3.8 } });
    expect(loopBody(cp).slice(6)).toEqual([...ifBreak('p > 3800m'), ...ifBreak('p < 2400m'), ...ifBreak('p > 4200m'), ...ifBreak('p < 2')]);
  });

  it('holds a constant potential as chronoamperometry, ending the loop when the current leaves ±maxAbsCurrentA', () => {
    const ca = script({ kind: 'constant-potential', potentialV: 3.5, durationS: 60, intervalS: 0.1 });
    expectCommonShape(ca);
    expect(ca).toContain('set_pgstat_mode 2');
    expect(ca).toContain('set_e 3500m');
    expect(ca).toContain('meas_loop_ca p c 3500m 100m 60');
    expect(ca).toContain('set_max_bandwidth 60');
    expect(loopBody(ca).slice(6)).toEqual([...ifBreak('c > 5m'), ...ifBreak('c < -5m')]);
  });

  it('tops the current autorange of potential holds and PEIS at maxAbsCurrentA, unless configured off', () => {
    const ca = script({ kind: 'constant-potential', potentialV: 3.5, durationS: 60, intervalS: 1 });
    expect(ca).toContain('set_range ba 5m');
    expect(ca).toContain('set_autoranging ba 1n 5m');
    const peis = script({ kind: 'eis', startHz: 1e3, endHz: 1, points: 5, amplitudeV: 0.01, dcV: 0 }, { ...PELLET, maxAbsCurrentA: 200e-6 });
    expect(peis).toContain('set_autoranging ba 1n 200u');
    // Below the lowest autorange the range is the limit itself.
    expect(script({ kind: 'constant-potential', potentialV: 3, durationS: 1, intervalS: 1 }, { ...CELL, maxAbsCurrentA: 1e-10 })).toContain('set_autoranging ba 100p 100p');
    const unbounded = stepScript(limited({ kind: 'constant-potential', potentialV: 3.5, durationS: 60, intervalS: 1 }), { ...SCRIPT_DEFAULTS, boundCurrentRangeByHardLimit: false });
    expect(unbounded).toContain('set_autoranging ba 1n 10m');
    // The loop condition does not depend on the setting.
    expect(loopBody(unbounded).slice(6)).toEqual([...ifBreak('c > 5m'), ...ifBreak('c < -5m')]);
  });

  it('sweeps EIS in high-speed mode with an integer point count', () => {
    const eis = script({ kind: 'eis', startHz: 100e3, endHz: 0.1, points: 11, amplitudeV: 0.01, dcV: 0 }, PELLET);
    expectCommonShape(eis);
    expect(eis).toContain('set_pgstat_mode 3');
    expect(eis).toContain('set_max_bandwidth 1M');
    expect(eis).toContain('meas_loop_eis f r j 10m 100k 100m 11i 0');
    // The loop sees frequency and impedance only: nothing a hard limit bounds, so no condition (the generator refuses instead).
    expect(loopBody(eis)).toEqual(['timer_get t', 'pck_start', 'pck_add t', 'pck_add f', 'pck_add r', 'pck_add j', 'pck_end']);
  });

  it("sweeps galvanostatic EIS in the galvanostat's mode on a fixed applied-current range, packed like EIS", () => {
    const step = limited({ kind: 'eis', mode: 'galvanostatic', startHz: 100e3, endHz: 0.1, points: 11, amplitudeA: 10e-6, dcA: -20e-6 });
    const geis = stepScript(step, undefined, 'es4_hr');
    expectCommonShape(geis);
    // As PalmSens' published GEIS example: mode 6, the applied current's range db.
    expect(geis).toContain('set_pgstat_mode 6');
    expect(geis).toContain('set_range db 30u');
    expect(geis).toContain('set_autoranging db 30u 30u');
    expect(geis).toContain('set_i -20u');
    expect(geis).toContain('meas_loop_geis f r j 10u 100k 100m 11i -20u');
    expect(geis.some((l) => l.startsWith('set_e') || l.startsWith('meas_loop_eis'))).toBe(false);
    expect(loopBody(geis)).toEqual(loopBody(script({ kind: 'eis', startHz: 100e3, endHz: 0.1, points: 11, amplitudeV: 0.01, dcV: 0 }, PELLET)));
  });

  it.each<[string, PotentiostatStep, PotentiostatHardLimits, string]>([
    ['a 5 V EIS amplitude on a ±1 V channel', { kind: 'eis', startHz: 1e3, endHz: 1, points: 5, amplitudeV: 5, dcV: 0 }, PELLET, 'maxV'],
    ['a 0 V EIS bias on a cell held between 2 and 4.2 V', { kind: 'eis', startHz: 1e3, endHz: 1, points: 5, amplitudeV: 0.01, dcV: 0 }, CELL, 'minV'],
    ['an EIS bias + amplitude past maxV', { kind: 'eis', startHz: 1e3, endHz: 1, points: 5, amplitudeV: 0.1, dcV: 4.15 }, CELL, 'maxV'],
    ['a GEIS |DC| + amplitude past maxAbsCurrentA', { kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA: 0.6e-3, dcA: -0.5e-3 }, PELLET, 'maxAbsCurrentA'],
    ['a current past maxAbsCurrentA', { kind: 'constant-current', currentA: -6e-3, durationS: 10, intervalS: 1 }, CELL, 'maxAbsCurrentA'],
    ['a potential hold outside the window', { kind: 'constant-potential', potentialV: 4.3, durationS: 10, intervalS: 1 }, CELL, 'maxV'],
  ])('refuses %s as the instrument does (LimitError LIMIT_EXCEEDED naming the limit)', (_what, step, hardLimits, limit) => {
    const refused = thrown(() => script(step, hardLimits));
    expect(isLimitError(refused, 'LIMIT_EXCEEDED')).toBe(true);
    expect((refused as { context: { limit: string } }).context.limit).toBe(limit);
  });

  it.each<[string, PotentiostatHardLimits]>([
    ['crossed', { minV: 4, maxV: 2, maxAbsCurrentA: 1e-3 }],
    ['a NaN voltage', { minV: Number.NaN, maxV: 4, maxAbsCurrentA: 1e-3 }],
    ['no current', { minV: 2, maxV: 4, maxAbsCurrentA: 0 }],
    ['an infinite current', { minV: 2, maxV: 4, maxAbsCurrentA: Number.POSITIVE_INFINITY }],
  ])('refuses hard limits that are %s as BAD_STEP', (_what, hardLimits) => {
    expect(isMethodScriptError(thrown(() => script({ kind: 'ocp', durationS: 10, intervalS: 1 }, hardLimits)), 'BAD_STEP')).toBe(true);
  });

  it('refuses galvanostatic EIS on an EmStat Pico, and leaves an unknown device to answer for itself', () => {
    const step = limited({ kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA: 1e-6, dcA: 0 });
    const caught = thrown(() => stepScript(step, undefined, 'espico'));
    expect(isMethodScriptError(caught, 'BAD_STEP')).toBe(true);
    expect((caught as Error).message).toMatch(/not available on the espico/);
    expect(stepScript(step, undefined, 'es9_future')).toContain('meas_loop_geis f r j 1u 1k 1 5i 0');
    expect(stepScript(step)).toContain('meas_loop_geis f r j 1u 1k 1 5i 0');
  });

  it.each<[string, PotentiostatStep]>([
    ['zero duration', { kind: 'ocp', durationS: 0, intervalS: 1 }],
    ['interval above duration', { kind: 'ocp', durationS: 1, intervalS: 2 }],
    ['NaN current', { kind: 'constant-current', currentA: Number.NaN, durationS: 10, intervalS: 1 }],
    ['crossed limits', { kind: 'constant-current', currentA: 1e-6, durationS: 10, intervalS: 1, limits: { minV: 3, maxV: 2 } }],
    ['infinite potential', { kind: 'constant-potential', potentialV: Number.POSITIVE_INFINITY, durationS: 10, intervalS: 1 }],
    ['fractional points', { kind: 'eis', startHz: 1e3, endHz: 1, points: 2.5, amplitudeV: 0.01, dcV: 0 }],
    ['negative frequency', { kind: 'eis', startHz: -1, endHz: 1, points: 5, amplitudeV: 0.01, dcV: 0 }],
    ['zero GEIS amplitude', { kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA: 0, dcA: 0 }],
    ['NaN GEIS bias', { kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA: 1e-6, dcA: Number.NaN }],
  ])('refuses a step with %s as BAD_STEP', (_why, step) => {
    expect(isMethodScriptError(thrown(() => script(step, PELLET)), 'BAD_STEP')).toBe(true);
  });

  it('has a cell_off script', () => {
    expect(cellOffScript()).toEqual(['cell_off']);
  });
});
