import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decodePackage } from '../../drivers/potentiostat/methodscript/data-package.js';
import { sampleFromPackage, type MethodScriptSample } from '../../drivers/potentiostat/methodscript/sample.js';
import { stepScript } from '../../drivers/potentiostat/methodscript/scripts.js';
import type { PotentiostatHardLimits, PotentiostatStep } from '../../src/kinds/potentiostat/device.js';
import { SIMULATOR_DEFAULTS } from './defaults.js';
import { deviceHarness, type DeviceHarnessOptions } from './device-harness.test-support.js';

const FARADAY = 96485.332;
const NOISE = { potentialV: 50e-6, currentA: 1e-9 };
/** Hard limits no step of these tests reaches unless it says so. */
const WIDE: PotentiostatHardLimits = { minV: 0, maxV: 5, maxAbsCurrentA: 0.1 };

function harness(options: DeviceHarnessOptions = {}) {
  const device = deviceHarness({ seed: 7, noise: NOISE, ...options });
  const run = async (script: string[]) => {
    const { ending, output, packages } = await device.run(script);
    const samples: MethodScriptSample[] = packages.map(sampleFromPackage);
    return { ending, output, samples };
  };
  const runStep = (step: PotentiostatStep, hardLimits: PotentiostatHardLimits = WIDE) => run(stepScript({ ...step, hardLimits }));
  return { ...device, run, runStep };
}

describe('simulated MethodSCRIPT device', () => {
  it('answers t with two lines naming the device, and i with the serial number', () => {
    const { send, lines } = harness({ identity: { device: 'espico', firmwareVersion: '1.3', serial: 'PICO-7' } });
    send('t\ni\n');
    expect(lines).toEqual(['tespico1.3', `${SIMULATOR_DEFAULTS.identity.buildInfo}*`, 'iPICO-7']);
  });

  it('answers errors for an idle abort, an unknown command, r without a script and a bad script', () => {
    const { send, lines } = harness();
    send('\nZ\nq\nr\ne\nvar p\nset_foo 1\n\n');
    expect(lines).toEqual(['Z!0006', 'q!0003', 'r!000C', 'e!4001: Line 2, Col 1']);
  });

  it('rests at open circuit: one package per interval, stamped k x interval, at the OCV', async () => {
    const { runStep, cell, channel } = harness();
    const ocvV = cell.openCircuitVoltage();
    const { ending, output, samples } = await runStep({ kind: 'ocp', durationS: 60, intervalS: 2 });
    expect(ending).toBe('completed');
    expect(output.slice(0, 2)).toEqual(['e', 'M0000']);
    expect(output.slice(-2)).toEqual(['*', '']);
    expect(samples.map((s) => s.elapsedS)).toEqual(Array.from({ length: 30 }, (_, k) => 2 * (k + 1)));
    for (const s of samples) expect(Math.abs(s.potentialV! - ocvV)).toBeLessThan(5 * NOISE.potentialV + 1e-3);
    expect(channel.cellOn).toBe(false);
  });

  it('discharges at constant current: IR step down, falling voltage, the charge the current carried', async () => {
    const { runStep, cell, channel } = harness();
    const before = { v: cell.voltage(), x: cell.composition() };
    const currentA = -150e-6;
    const { ending, samples } = await runStep({ kind: 'constant-current', currentA, durationS: 600, intervalS: 10 });
    expect(ending).toBe('completed');
    expect(samples).toHaveLength(60);
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    // The step at current on: at least the series resistance times the current.
    const { seriesResistanceOhm } = cell.parameters as { seriesResistanceOhm: number };
    expect(before.v - first.potentialV!).toBeGreaterThan(seriesResistanceOhm * Math.abs(currentA));
    expect(last.potentialV!).toBeLessThan(first.potentialV!);
    for (const s of samples) expect(s.currentA!).toBeCloseTo(currentA, 7);
    // Li went into the host: x rose by |I| t / (F n).
    const { hostAmountMol } = cell.parameters as { hostAmountMol: number };
    expect(cell.composition() - before.x).toBeCloseTo((Math.abs(currentA) * 600) / (FARADAY * hostAmountMol), 4);
    expect(channel.cellOn).toBe(false);
  });

  it('ends a constant-current loop at a cut-off, right after the package that crossed it', async () => {
    const step = { kind: 'constant-current', currentA: -150e-6, durationS: 600, intervalS: 10 } as const;
    const reference = (await harness().runStep(step)).samples;
    // A limit halfway down the reference run's voltage.
    const minV = (reference[0]!.potentialV! + reference[reference.length - 1]!.potentialV!) / 2;
    const crossing = reference.findIndex((s) => s.potentialV! < minV);
    const { ending, samples, output } = await harness().runStep({ ...step, limits: { minV } });
    expect(ending).toBe('completed');
    expect(samples).toEqual(reference.slice(0, crossing + 1));
    expect(output.slice(-2)).toEqual(['*', '']);
  });

  it('ends a discharge on its own at the hard minV: one package beyond it, at its sample time, then the cell off', async () => {
    const step = { kind: 'constant-current', currentA: -150e-6, durationS: 600, intervalS: 10 } as const;
    const reference = (await harness().runStep(step)).samples;
    const minV = (reference[20]!.potentialV! + reference[21]!.potentialV!) / 2;
    const { device, channel, runStep } = harness();
    const points: number[] = [];
    device.events$.subscribe((e) => {
      if (e.kind === 'point') points.push(e.readings.find((r) => r.type === 'ab')!.value);
    });
    const { ending, samples, output } = await runStep(step, { ...WIDE, minV });
    // The script ended by its own condition (not an abort), after the package that crossed the limit.
    expect(ending).toBe('completed');
    expect(samples).toEqual(reference.slice(0, 22));
    expect(samples.filter((s) => s.potentialV! < minV)).toHaveLength(1);
    expect(output.slice(-2)).toEqual(['*', '']);
    // Every point taken was packed as the device held it: it took no point past the one beyond the limit.
    expect(points).toEqual(samples.map((s) => s.potentialV));
    expect(channel.cellOn).toBe(false);
  });

  it('ends a potential hold on its own when the current leaves ±maxAbsCurrentA, in either direction', async () => {
    for (const offsetV of [0.2, -0.2]) {
      const { runStep, cell, channel } = harness();
      const { samples } = await runStep({ kind: 'constant-potential', potentialV: cell.openCircuitVoltage() + offsetV, durationS: 60, intervalS: 1 }, { ...WIDE, maxAbsCurrentA: 10e-6 });
      expect(samples).toHaveLength(1);
      expect(Math.abs(samples[0]!.currentA!)).toBeGreaterThan(10e-6);
      expect(Math.sign(samples[0]!.currentA!)).toBe(Math.sign(offsetV));
      expect(channel.cellOn).toBe(false);
    }
  });

  it('holds a potential above the OCV with an anodic (positive) current', async () => {
    const { runStep, cell } = harness();
    const potentialV = cell.openCircuitVoltage() + 0.05;
    const { samples } = await runStep({ kind: 'constant-potential', potentialV, durationS: 30, intervalS: 1 });
    expect(samples).toHaveLength(30);
    for (const s of samples) {
      expect(s.potentialV).toBeCloseTo(potentialV, 6);
      expect(s.currentA!).toBeGreaterThan(0);
    }
  });

  it('sweeps EIS log-spaced, each point a few periods long, with the cell impedance', async () => {
    // Without noise, so the reading is the model's impedance to the packed resolution.
    const { runStep, cell } = harness({ noise: { potentialV: 0, currentA: 0 } });
    const dcV = cell.openCircuitVoltage();
    const { samples } = await runStep({ kind: 'eis', startHz: 1e5, endHz: 0.1, points: 13, amplitudeV: 0.01, dcV });
    expect(samples).toHaveLength(13);
    const ratios = samples.slice(1).map((s, k) => s.frequencyHz! / samples[k]!.frequencyHz!);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0]!, 5);
    expect(samples[0]!.frequencyHz).toBeCloseTo(1e5, 0);
    expect(samples[12]!.frequencyHz).toBeCloseTo(0.1, 6);
    samples.forEach((s, k) => {
      const previousS = k === 0 ? 0 : samples[k - 1]!.elapsedS;
      // To the resolution of the packed time and frequency (micro-units).
      expect(s.elapsedS - previousS).toBeCloseTo(Math.max(SIMULATOR_DEFAULTS.eisMinPointS, SIMULATOR_DEFAULTS.eisPeriodsPerPoint / s.frequencyHz!), 4);
    });
    const last = samples[12]!;
    const model = cell.impedance(last.frequencyHz!);
    expect(last.zReOhm!).toBeCloseTo(model.re, 3);
    expect(last.zImOhm!).toBeCloseTo(model.im, 3);
    expect(last.zImOhm!).toBeLessThan(0);
  });

  it('sweeps galvanostatic EIS with the cell impedance, holding the DC current (not a potential) meanwhile', async () => {
    const { runStep, cell } = harness({ noise: { potentialV: 0, currentA: 0 } });
    const ocvV = cell.openCircuitVoltage();
    const { ending, samples } = await runStep({ kind: 'eis', mode: 'galvanostatic', startHz: 1e5, endHz: 0.1, points: 13, amplitudeA: 10e-6, dcA: 0 });
    expect(ending).toBe('completed');
    expect(samples).toHaveLength(13);
    expect(samples[0]!.frequencyHz).toBeCloseTo(1e5, 0);
    for (const s of samples) {
      const model = cell.impedance(s.frequencyHz!);
      expect(s.zReOhm!).toBeCloseTo(model.re, 3);
      expect(s.zImOhm!).toBeCloseTo(model.im, 3);
    }
    // At 0 A DC the cell stayed at open circuit: a potential hold at the idle 0 V would have discharged it.
    expect(cell.voltage()).toBeCloseTo(ocvV, 4);
  });

  it('answers a GEIS script on an EmStat Pico with a load error at the unknown command', () => {
    const { send, lines } = harness({ identity: { device: 'espico' } });
    const script = stepScript({ kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA: 1e-6, dcA: 0, hardLimits: WIDE });
    send(`e\n${script.join('\n')}\n\n`);
    expect(lines).toEqual([`e!4001: Line ${script.findIndex((l) => l.startsWith('meas_loop_geis')) + 1}, Col 1`]);
  });

  it('aborts on Z: acknowledges, ends the loop, runs on_finished (cell off) and ends the output', async () => {
    let packages = 0;
    const { runStep, channel } = harness({
      onLine: (line, send) => {
        if (line.startsWith('P') && ++packages === 3) send('\nZ\n');
      },
    });
    const { ending, output, samples } = await runStep({ kind: 'constant-current', currentA: 1e-4, durationS: 600, intervalS: 1 });
    expect(ending).toBe('aborted');
    expect(samples).toHaveLength(3);
    expect(output.slice(-3)).toEqual(['Z', '*', '']);
    expect(channel.cellOn).toBe(false);
  });

  it('refuses other commands while a script runs', async () => {
    const { runStep } = harness({
      onLine: (line, send) => {
        if (line === 'M0000') send('t\n');
      },
    });
    const { output } = await runStep({ kind: 'ocp', durationS: 3, intervalS: 1 });
    expect(output.slice(0, 3)).toEqual(['e', 'M0000', 't!0006']);
  });

  it('reports a galvanostat step on an EmStat Pico as a runtime error at its line, cell left off', async () => {
    const { run, channel } = harness({ identity: { device: 'espico' } });
    const script = stepScript({ kind: 'constant-current', currentA: 1e-5, durationS: 10, intervalS: 1, hardLimits: WIDE });
    const { ending, output } = await run(script);
    expect(ending).toBe('error');
    expect(output).toEqual(['e', `!0024: Line ${script.indexOf('set_pgstat_mode 6') + 1}`, '']);
    expect(channel.cellOn).toBe(false);
  });

  it('loads with l and runs with r; loops, waits and timers follow lab time', async () => {
    const { send, lines, device } = harness();
    send('l\nvar t\nvar n\ntimer_start\ntimer_get n\nloop n < 3\n  wait 1\n  timer_get t\n  timer_get n\n  pck_start\n  pck_add t\n  pck_end\nendloop\n\n');
    expect(lines).toEqual(['l']);
    const ended = firstValueFrom(device.events$.pipe(filter((e) => e.kind === 'script-ended')));
    send('r\n');
    await ended;
    expect(lines.slice(1).map((l) => (l.startsWith('P') ? sampleFromPackage(decodePackage(l)).elapsedS : l))).toEqual(['r', 'L', 1, 2, 3, '+', '']);
  });

  it('gives the same data for the same seed', async () => {
    const step = { kind: 'constant-current', currentA: -5e-5, durationS: 100, intervalS: 5 } as const;
    const [a, b, c] = await Promise.all([harness({ seed: 3 }).runStep(step), harness({ seed: 3 }).runStep(step), harness({ seed: 4 }).runStep(step)]);
    expect(a.output).toEqual(b.output);
    expect(a.output).not.toEqual(c.output);
  });
});
