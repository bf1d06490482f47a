import { describe, expect, it } from 'vitest';
import type { PotentiostatStep } from '../../../src/kinds/potentiostat/device.js';
import { isMethodScriptError } from './errors.js';
import { cellOffScript, stepScript } from './scripts.js';

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
    const script = stepScript({ kind: 'ocp', durationS: 600, intervalS: 1 });
    expectCommonShape(script);
    expect(script).toContain('meas_loop_ocp p 1 600');
    expect(script.indexOf('cell_off')).toBeLessThan(script.indexOf('meas_loop_ocp p 1 600'));
    expect(script).not.toContain('cell_on');
    expect(loopBody(script)).toContain('pck_add p');
  });

  it('runs a constant current as chronopotentiometry in galvanostat mode', () => {
    const script = stepScript({ kind: 'constant-current', currentA: -150e-6, durationS: 600, intervalS: 0.5 });
    expectCommonShape(script);
    expect(script).toContain('set_pgstat_mode 6');
    expect(script).toContain('set_range db 150u');
    expect(script).toContain('cell_on');
    expect(script).toContain('meas_loop_cp p c -150u 500m 600');
    expect(loopBody(script)).toEqual(['timer_get t', 'pck_start', 'pck_add t', 'pck_add p', 'pck_add c', 'pck_end']);
  });

  it('writes voltage cut-offs as if/breakloop/endif after the package', () => {
    const script = stepScript({ kind: 'constant-current', currentA: 20e-6, durationS: 3600, intervalS: 10, limits: { minV: 2.4, maxV: 3.8 } });
    expect(loopBody(script).slice(-6)).toEqual(['if p > 3800m', 'breakloop', 'endif', 'if p < 2400m', 'breakloop', 'endif']);
  });

  it('holds a constant potential as chronoamperometry', () => {
    const script = stepScript({ kind: 'constant-potential', potentialV: 3.5, durationS: 60, intervalS: 0.1 });
    expectCommonShape(script);
    expect(script).toContain('set_pgstat_mode 2');
    expect(script).toContain('set_e 3500m');
    expect(script).toContain('meas_loop_ca p c 3500m 100m 60');
    expect(script).toContain('set_max_bandwidth 60');
  });

  it('sweeps EIS in high-speed mode with an integer point count', () => {
    const script = stepScript({ kind: 'eis', startHz: 100e3, endHz: 0.1, points: 11, amplitudeV: 0.01, dcV: 0 });
    expectCommonShape(script);
    expect(script).toContain('set_pgstat_mode 3');
    expect(script).toContain('set_max_bandwidth 1M');
    expect(script).toContain('meas_loop_eis f r j 10m 100k 100m 11i 0');
    expect(loopBody(script)).toEqual(['timer_get t', 'pck_start', 'pck_add t', 'pck_add f', 'pck_add r', 'pck_add j', 'pck_end']);
  });

  it('sweeps galvanostatic EIS in high-speed mode on a fixed current range, packed like EIS', () => {
    const step: PotentiostatStep = { kind: 'eis', mode: 'galvanostatic', startHz: 100e3, endHz: 0.1, points: 11, amplitudeA: 10e-6, dcA: -20e-6 };
    const script = stepScript(step, undefined, 'es4_hr');
    expectCommonShape(script);
    expect(script).toContain('set_pgstat_mode 3');
    expect(script).toContain('set_range ba 30u');
    expect(script).toContain('set_i -20u');
    expect(script).toContain('meas_loop_geis f r j 10u 100k 100m 11i -20u');
    expect(script.some((l) => l.startsWith('set_e') || l.startsWith('meas_loop_eis'))).toBe(false);
    expect(loopBody(script)).toEqual(loopBody(stepScript({ kind: 'eis', startHz: 100e3, endHz: 0.1, points: 11, amplitudeV: 0.01, dcV: 0 })));
  });

  it('refuses galvanostatic EIS on an EmStat Pico, and leaves an unknown device to answer for itself', () => {
    const step: PotentiostatStep = { kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA: 1e-6, dcA: 0 };
    let caught: unknown;
    try {
      stepScript(step, undefined, 'espico');
    } catch (e) {
      caught = e;
    }
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
    let caught: unknown;
    try {
      stepScript(step);
    } catch (e) {
      caught = e;
    }
    expect(isMethodScriptError(caught, 'BAD_STEP')).toBe(true);
  });

  it('has a cell_off script', () => {
    expect(cellOffScript()).toEqual(['cell_off']);
  });
});
