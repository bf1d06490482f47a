import { describe, expect, it } from 'vitest';
import { stepScript } from '../../drivers/potentiostat/methodscript/scripts.js';
import type { PotentiostatHardLimits, PotentiostatStep } from '../../src/kinds/potentiostat/device.js';
import { DEVICE_ERROR_CODES } from './error-codes.js';
import { parseScript, ScriptLoadError } from './script-parser.js';

function loadError(lines: string[]): ScriptLoadError {
  try {
    parseScript(lines);
  } catch (e) {
    if (e instanceof ScriptLoadError) return e;
    throw e;
  }
  throw new Error('the script loaded');
}

const HARD: PotentiostatHardLimits = { minV: 2, maxV: 4.2, maxAbsCurrentA: 5e-3 };

describe('parseScript', () => {
  it.each<[string, PotentiostatStep]>([
    ['ocp', { kind: 'ocp', durationS: 600, intervalS: 1 }],
    ['constant-current with cut-offs', { kind: 'constant-current', currentA: -150e-6, durationS: 600, intervalS: 1, limits: { minV: 2.4, maxV: 3.8 } }],
    ['constant-potential', { kind: 'constant-potential', potentialV: 3.5, durationS: 60, intervalS: 0.1 }],
    ['eis', { kind: 'eis', startHz: 1e5, endHz: 0.1, points: 31, amplitudeV: 0.01, dcV: 3.6 }],
    ['geis', { kind: 'eis', mode: 'galvanostatic', startHz: 1e5, endHz: 0.1, points: 31, amplitudeA: 10e-6, dcA: 0 }],
  ])('loads the driver script of a %s step, blocks matched', (_kind, step) => {
    const program = parseScript(stepScript({ ...step, hardLimits: HARD }));
    const loop = program.commands.findIndex((c) => c.name.startsWith('meas_loop_'));
    const end = program.commands[loop]?.end;
    expect(end).toBeDefined();
    expect(program.commands[end!]?.name).toBe('endloop');
    expect(program.commands.slice(program.onFinished).map((c) => c.name)).toEqual(['cell_off']);
  });

  it('reads the conditions of the hard limits: both comparisons, a negative literal, breakloop inside the loop', () => {
    const program = parseScript(stepScript({ kind: 'constant-potential', potentialV: 3.5, durationS: 60, intervalS: 1, hardLimits: HARD }));
    const conditions = program.commands.filter((c) => c.name === 'if');
    expect(conditions.map((c) => [c.operands[0], c.comparison, c.operands[1]])).toEqual([
      [{ kind: 'variable', name: 'c' }, '>', { kind: 'literal', value: 5e-3, integer: false }],
      [{ kind: 'variable', name: 'c' }, '<', { kind: 'literal', value: -5e-3, integer: false }],
    ]);
    for (const condition of conditions) expect(program.commands[condition.end!]?.name).toBe('endif');
  });

  it('does not know meas_loop_geis on a device without the galvanostat', () => {
    const lines = ['var f', 'var r', 'var j', 'meas_loop_geis f r j 10u 1k 1 5i 0', 'endloop'];
    expect(parseScript(lines).commands[3]?.name).toBe('meas_loop_geis');
    let caught: unknown;
    try {
      parseScript(lines, { galvanostat: false });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScriptLoadError);
    expect((caught as ScriptLoadError).deviceCode).toBe(DEVICE_ERROR_CODES.scriptUnknownCommand);
    expect((caught as ScriptLoadError).line).toBe(4);
  });

  it('skips comments and blank lines, counting them for line numbers', () => {
    const program = parseScript(['# a comment', 'var p', '', 'cell_off   # trailing comment', 'on_finished', 'cell_off']);
    expect(program.commands.map((c) => [c.name, c.line])).toEqual([
      ['var', 2],
      ['cell_off', 4],
      ['cell_off', 6],
    ]);
    expect(program.onFinished).toBe(2);
  });

  it('reads literals and variables as operands', () => {
    const [, , command] = parseScript(['var p', 'var c', 'meas_loop_ca p c -500m 100m 2', 'endloop']).commands;
    expect(command?.operands).toEqual([
      { kind: 'literal', value: -0.5, integer: false },
      { kind: 'literal', value: 0.1, integer: false },
      { kind: 'literal', value: 2, integer: false },
    ]);
    expect(command?.targets).toEqual([
      { kind: 'variable', name: 'p' },
      { kind: 'variable', name: 'c' },
    ]);
  });

  it.each([
    [['var p', 'set_foo 1'], DEVICE_ERROR_CODES.scriptUnknownCommand, 2, 1],
    [['var p', 'set_e'], DEVICE_ERROR_CODES.scriptArgumentCount, 2, 1],
    [['var p', 'set_e 1 2'], DEVICE_ERROR_CODES.scriptArgumentCount, 2, 9],
    [['set_e 1.5'], DEVICE_ERROR_CODES.scriptBadArgument, 1, 7],
    [['set_range BA 1m'], DEVICE_ERROR_CODES.scriptBadArgument, 1, 11],
    [['timer_get t'], DEVICE_ERROR_CODES.scriptUndeclaredVariable, 1, 11],
    [['var p', 'if p >> 1', 'endif'], DEVICE_ERROR_CODES.scriptBadArgument, 2, 6],
    [['var p', 'meas_loop_ocp p 1 10'], DEVICE_ERROR_CODES.scriptBlockStructure, 2, 1],
    [['endif'], DEVICE_ERROR_CODES.scriptBlockStructure, 1, 1],
    [['var p', 'var c', 'meas_loop_ocp p 1 10', 'meas_loop_ocp c 1 10', 'endloop', 'endloop'], DEVICE_ERROR_CODES.scriptBlockStructure, 4, 1],
    [['breakloop'], DEVICE_ERROR_CODES.scriptBlockStructure, 1, 1],
    [['on_finished:', 'cell_off', 'on_finished:'], DEVICE_ERROR_CODES.scriptBlockStructure, 3, 1],
  ])('refuses %j with code %i at line %i, column %i', (lines, code, line, column) => {
    const error = loadError(lines);
    expect({ code: error.deviceCode, line: error.line, column: error.column }).toEqual({ code, line, column });
  });
});
