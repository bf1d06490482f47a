import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { msToNs } from '../../src/core/clock.js';
import { FURNACE, NMR_VT } from './presets.js';
import { ThermalSimulation, type ThermalSnapshot } from './thermal-simulation.js';

/** Lab time that moves only when the test says so. */
class ManualClock implements Clock {
  readonly scale = 1;
  constructor(private ms = 1_700_000_000_000) {}
  nowMs(): number {
    return this.ms;
  }
  nowNs(): bigint {
    return msToNs(this.ms);
  }
  sleep(): Promise<void> {
    return new Promise(() => undefined);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A scripted run: heat toward 350 K at 5 K/min, sampled every 7 lab seconds for 20 min. */
function run(seed: number, jitterMs = 0): ThermalSnapshot[] {
  const clock = new ManualClock();
  const simulation = new ThermalSimulation({ clock, preset: NMR_VT, seed });
  clock.advance(3000);
  simulation.setRamp(5);
  simulation.setTargetSetpoint(350);
  const samples: ThermalSnapshot[] = [];
  for (let i = 0; i < (20 * 60) / 7; i++) {
    // Sub-step jitter in when the sample is taken must not change the trajectory.
    clock.advance(7000 + (i % 2 === 0 ? jitterMs : -jitterMs));
    samples.push(simulation.snapshot());
  }
  return samples;
}

describe('ThermalSimulation', () => {
  it('is deterministic for a seed and integrates in fixed steps of lab time', () => {
    const a = run(42);
    expect(run(42, 100)).toEqual(a);
    expect(run(43)).not.toEqual(a);
  });

  it('heats toward the setpoint at the ramp and settles there', () => {
    const samples = run(1);
    const last = samples.at(-1)!;
    expect(last.workingSetpointK).toBe(350);
    expect(last.trueTemperatureK).toBeCloseTo(350, 0);
    // The working setpoint moved at 5 K/min: after 4 min about 20 K above the start.
    const at4min = samples.find((s) => s.labTimeMs - samples[0]!.labTimeMs >= 4 * 60_000 - 7000)!;
    expect(at4min.workingSetpointK - NMR_VT.initialK).toBeGreaterThan(18);
    expect(at4min.workingSetpointK - NMR_VT.initialK).toBeLessThan(22);
  });

  it('holds the initial temperature without input', () => {
    const clock = new ManualClock();
    // The VT unit's heater works against cold gas, so it holds its start temperature under control.
    const simulation = new ThermalSimulation({ clock, preset: NMR_VT, seed: 1 });
    clock.advance(3_600_000);
    expect(simulation.snapshot().trueTemperatureK).toBeCloseTo(NMR_VT.initialK, 1);
  });

  it('heats the furnace toward a setpoint far above ambient', () => {
    const clock = new ManualClock();
    const simulation = new ThermalSimulation({ clock, preset: FURNACE, seed: 1 });
    simulation.setRamp(FURNACE.limits.maxRampKPerMin);
    simulation.setTargetSetpoint(773.15);
    clock.advance(3 * 3_600_000);
    expect(simulation.snapshot().trueTemperatureK).toBeCloseTo(773.15, 0);
  });

  it('cools when the heater fails and reads NaN on sensor break', () => {
    const clock = new ManualClock();
    const simulation = new ThermalSimulation({ clock, preset: NMR_VT, seed: 1 });
    simulation.setFault('heater-fail', true);
    simulation.setFault('sensor-break', true);
    clock.advance(10 * 60_000);
    const s = simulation.snapshot();
    expect(s).toMatchObject({ heaterFail: true, sensorBreak: true, heaterPowerW: 0, outputPercent: 0 });
    expect(s.measuredK).toBeNaN();
    expect(s.trueTemperatureK).toBeLessThan(NMR_VT.initialK - 40);
  });

  it('publishes a snapshot when the plant advances', async () => {
    const clock = new ManualClock();
    const simulation = new ThermalSimulation({ clock, preset: NMR_VT, seed: 1 });
    const next = firstValueFrom(simulation.state$);
    clock.advance(1000);
    simulation.snapshot();
    expect((await next).labTimeMs).toBe(clock.nowMs());
  });
});
