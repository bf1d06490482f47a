import { describe, expect, it } from 'vitest';
import { msToNs, type Clock } from '../../../src/core/clock.js';
import { NMR_VT } from '../presets.js';
import { ThermalSimulation } from '../thermal-simulation.js';
import { LakeShore336Interpreter } from './lakeshore336-interpreter.js';

const clock: Clock = { scale: 1, nowMs: () => 0, nowNs: () => msToNs(0), sleep: () => new Promise(() => undefined) };

function interpreter() {
  const simulation = new ThermalSimulation({ clock, preset: NMR_VT, seed: 1 });
  return { simulation, lakeshore: new LakeShore336Interpreter(simulation) };
}

describe('LakeShore336Interpreter', () => {
  it('answers the queries of a compound line on one line, commands silently', () => {
    const { lakeshore, simulation } = interpreter();
    expect(lakeshore.handleLine('*IDN?;RANGE? 1;*ESR?')).toBe('LSCI,MODEL336,LSA2F3C,2.9;3;0');
    expect(lakeshore.handleLine('RAMP 1,1,2.5;SETP 1,310')).toBeNull();
    expect(simulation.snapshot()).toMatchObject({ targetSetpointK: 310, rampKPerMin: 2.5 });
    expect(lakeshore.handleLine('RAMP? 1;RAMPST? 1;SETP? 1')).toBe('1,+2.5;1;+293.150');
  });

  it('sets the command-error bit for unknown commands, the execution-error bit for bad parameters; *ESR? clears', () => {
    const { lakeshore, simulation } = interpreter();
    expect(lakeshore.handleLine('KRDX? A;*ESR?')).toBe('32');
    expect(lakeshore.handleLine('*ESR?')).toBe('0');
    expect(lakeshore.handleLine('SETP 1,500;*ESR?')).toBe('16'); // above the probe limit
    expect(lakeshore.handleLine('RANGE 1,4;*ESR?')).toBe('16');
    expect(lakeshore.handleLine('KRDG? B;*ESR?')).toBe('16');
    expect(simulation.snapshot().targetSetpointK).toBe(NMR_VT.initialK);
  });

  it('reports sensor and heater faults', () => {
    const { lakeshore, simulation } = interpreter();
    simulation.setFault('sensor-break', true);
    simulation.setFault('heater-fail', true);
    expect(lakeshore.handleLine('KRDG? A;RDGST? A;HTRST? 1')).toBe('+0.000;128;1');
  });

  it('scales the heater power with the range', () => {
    const { lakeshore, simulation } = interpreter();
    lakeshore.handleLine('RANGE 1,0');
    expect(simulation.snapshot().heaterPowerW).toBe(0);
    expect(lakeshore.handleLine('HTR? 1')).toBe('+0.0');
  });

  it('switches the output off when input A reads above TLIMIT, until RANGE switches it on; 0 turns the limit off', () => {
    let nowMs = 0;
    const simulation = new ThermalSimulation({ clock: { ...clock, nowMs: () => nowMs }, preset: NMR_VT, seed: 1 });
    const lakeshore = new LakeShore336Interpreter(simulation);
    expect(lakeshore.handleLine('TLIMIT A,400;TLIMIT? A;*ESR?')).toBe('+400.000;0');
    nowMs += 1000;
    expect(lakeshore.handleLine('RANGE? 1')).toBe('3');
    // The plant sits at 293 K: a limit below it trips at the next control step.
    lakeshore.handleLine('TLIMIT A,290');
    nowMs += 1000;
    expect(lakeshore.handleLine('RANGE? 1;HTR? 1')).toBe('0;+0.0');
    expect(simulation.snapshot()).toMatchObject({ outputCutoffTripped: true, heaterPowerW: 0 });
    lakeshore.handleLine('TLIMIT A,0;RANGE 1,3');
    nowMs += 1000;
    expect(lakeshore.handleLine('RANGE? 1;TLIMIT? A')).toBe('3;+0.000');
    expect(simulation.snapshot().heaterPowerW).toBeGreaterThan(0);
    expect(lakeshore.handleLine('TLIMIT B,300;*ESR?')).toBe('16');
  });
});
