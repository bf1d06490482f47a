import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { isMethodScriptError } from '../../drivers/potentiostat/methodscript/errors.js';
import { MethodScriptPotentiostat } from '../../drivers/potentiostat/methodscript/potentiostat.js';
import type { MethodScriptSample } from '../../drivers/potentiostat/methodscript/sample.js';
import { stepScript } from '../../drivers/potentiostat/methodscript/scripts.js';
import { ScaledClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { PotentiostatHardLimits, PotentiostatStep } from '../../src/kinds/potentiostat/device.js';
import { openTransport } from '../../src/transport/open-transport.js';
import { isTransportError } from '../../src/transport/transport.js';
import { createCell, type InsertionCellParameters } from '../../simulators/potentiostat/cell/index.js';
import type { DeviceIdentity } from '../../simulators/potentiostat/defaults.js';
import { DEVICE_ERROR_CODES } from '../../simulators/potentiostat/error-codes.js';
import { PotentiostatSimulator } from '../../simulators/potentiostat/potentiostat-simulator.js';

/** Lab seconds per real second: a 10-minute pulse takes 0.3 s. */
const SCALE = 2000;
const NOISE = { potentialV: 100e-6, currentA: 1e-9 };
/** Hard limits no step reaches unless a scenario says so. */
const WIDE: PotentiostatHardLimits = { minV: 0, maxV: 5, maxAbsCurrentA: 0.1 };

export interface LinkUnderTest {
  readonly name: string;
  /** Starts serving the simulator on this kind of link; returns the URL for the driver. */
  serve(simulator: PotentiostatSimulator): Promise<string>;
}

/**
 * The MethodSCRIPT driver against the simulated device over a real link: the
 * same scenarios for every link (pseudo-terminal, TCP).
 */
export function methodScriptScenarios(link: LinkUnderTest): void {
  describe(`MethodSCRIPT driver and simulator over ${link.name}`, () => {
    const closers: Array<() => Promise<void>> = [];

    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
    });

    async function lab(identity?: Partial<DeviceIdentity>) {
      const clock = new ScaledClock(SCALE);
      const simulator = new PotentiostatSimulator({ cell: createCell('LixV2O5'), clock, seed: 5, noise: NOISE, ...(identity && { identity }) });
      closers.push(() => simulator.close());
      const transport = await openTransport(await link.serve(simulator));
      const device = new MethodScriptPotentiostat(transport, { clock, logger: silentLogger });
      closers.push(() => device.close());
      const parameters = simulator.cell.parameters as InsertionCellParameters;
      const run = async (
        step: PotentiostatStep,
        signal?: AbortSignal,
        onSample?: (s: MethodScriptSample, all: MethodScriptSample[]) => void,
        hardLimits: PotentiostatHardLimits = WIDE,
      ) => {
        const samples: MethodScriptSample[] = [];
        const outcome = await device.runStep(
          { ...step, hardLimits },
          (s) => {
            samples.push(s);
            onSample?.(s, samples);
          },
          signal,
        );
        return { outcome, samples };
      };
      return { simulator, device, parameters, run };
    }

    it('identifies the simulated EmStat4', async () => {
      const { device } = await lab();
      await expect(device.identify()).resolves.toEqual({ device: 'es4_hr', firmware: 'es4_hr1.4 #operando simulator', serial: 'SIM-ES4HR-0001' });
    });

    it('rests at open circuit: one sample per interval, in instrument time, at the cell voltage', async () => {
      const { run, simulator } = await lab();
      const ocvV = simulator.cell.openCircuitVoltage();
      const { outcome, samples } = await run({ kind: 'ocp', durationS: 60, intervalS: 2 });
      expect(outcome).toEqual({ ending: 'completed' });
      expect(samples.map((s) => s.elapsedS)).toEqual(Array.from({ length: 30 }, (_, k) => 2 * (k + 1)));
      for (const s of samples) expect(Math.abs(s.potentialV! - ocvV)).toBeLessThan(6 * NOISE.potentialV);
    });

    it('shows the IR step and a falling voltage on discharge, a rising one on charge', async () => {
      const { run, parameters } = await lab();
      const rest = async () => (await run({ kind: 'ocp', durationS: 20, intervalS: 2 })).samples.at(-1)!.potentialV!;
      const irStepV = (currentA: number) => parameters.seriesResistanceOhm * Math.abs(currentA);

      const beforeDischarge = await rest();
      const discharge = await run({ kind: 'constant-current', currentA: -150e-6, durationS: 600, intervalS: 10 });
      expect(discharge.outcome).toEqual({ ending: 'completed' });
      expect(discharge.samples).toHaveLength(60);
      const d0 = discharge.samples[0]!;
      expect(beforeDischarge - d0.potentialV!).toBeGreaterThan(irStepV(150e-6));
      expect(discharge.samples.at(-1)!.potentialV!).toBeLessThan(d0.potentialV!);
      for (const s of discharge.samples) expect(s.currentA!).toBeCloseTo(-150e-6, 7);

      const beforeCharge = await rest();
      const charge = await run({ kind: 'constant-current', currentA: 150e-6, durationS: 300, intervalS: 10 });
      const c0 = charge.samples[0]!;
      expect(c0.potentialV! - beforeCharge).toBeGreaterThan(irStepV(150e-6));
      expect(charge.samples.at(-1)!.potentialV!).toBeGreaterThan(c0.potentialV!);
      for (const s of charge.samples) expect(s.currentA!).toBeCloseTo(150e-6, 7);
    });

    it('ends a constant-current step early at its voltage cut-off', async () => {
      const { run, simulator } = await lab();
      const minV = simulator.cell.voltage() - 0.05;
      const { outcome, samples } = await run({ kind: 'constant-current', currentA: -150e-6, durationS: 3600, intervalS: 10, limits: { minV } });
      expect(outcome).toEqual({ ending: 'cut-off' });
      expect(samples.at(-1)!.potentialV!).toBeLessThan(minV);
      expect(samples.slice(0, -1).every((s) => s.potentialV! >= minV)).toBe(true);
      expect(samples.at(-1)!.elapsedS).toBeLessThan(3600);
      expect(simulator.status().cellOn).toBe(false);
    });

    it('ends a discharge on the device at the hard minV: the one sample beyond it is the last, the cell goes off', async () => {
      const { run, simulator } = await lab();
      // About 20 samples into the discharge.
      const minV = simulator.cell.voltage() - 0.1;
      const { outcome, samples } = await run({ kind: 'constant-current', currentA: -150e-6, durationS: 3600, intervalS: 10 }, undefined, undefined, { ...WIDE, minV });
      expect(outcome).toEqual({ ending: 'cut-off' });
      expect(samples.length).toBeGreaterThan(10);
      expect(samples.at(-1)!.potentialV!).toBeLessThan(minV);
      expect(samples.slice(0, -1).every((s) => s.potentialV! >= minV)).toBe(true);
      expect(samples.at(-1)!.elapsedS).toBeLessThan(3600);
      expect(simulator.status()).toMatchObject({ cellOn: false, running: false });
    });

    it('goes on holding the hard limit when its host goes away: one point beyond minV, then the cell off', async () => {
      const { run, simulator } = await lab();
      // About 30 samples into the discharge; the host goes away after 2.
      const minV = simulator.cell.voltage() - 0.12;
      const beyond: number[] = [];
      let points = 0;
      simulator.events$.subscribe((e) => {
        if (e.kind !== 'point') return;
        points++;
        if (e.readings.find((r) => r.type === 'ab')!.value < minV) beyond.push(points);
      });
      const ended = firstValueFrom(simulator.events$.pipe(filter((e) => e.kind === 'script-ended')));
      const failure = await run({ kind: 'constant-current', currentA: -150e-6, durationS: 3600, intervalS: 10 }, undefined, (_s, all) => {
        if (all.length === 2) void simulator.faults.drop();
      }, { ...WIDE, minV }).catch((e: unknown) => e);
      expect(isTransportError(failure, 'DISCONNECTED')).toBe(true);
      // Nobody hears the script any more; it runs on the lab clock and ends at the limit on its own.
      expect(await ended).toMatchObject({ ending: 'completed' });
      expect(points).toBeGreaterThan(10);
      expect(beyond).toEqual([points]);
      expect(simulator.status()).toMatchObject({ cellOn: false, running: false, connected: false });
    });

    it('aborts a step through its signal; the device switches the cell off', async () => {
      const { run, simulator } = await lab();
      const controller = new AbortController();
      let cellOnDuringStep = false;
      const { outcome, samples } = await run({ kind: 'constant-current', currentA: -100e-6, durationS: 3600, intervalS: 10 }, controller.signal, (_s, all) => {
        if (all.length === 3) {
          cellOnDuringStep = simulator.status().cellOn;
          controller.abort();
        }
      });
      expect(outcome).toEqual({ ending: 'aborted' });
      expect(cellOnDuringStep).toBe(true);
      expect(samples.length).toBeGreaterThanOrEqual(3);
      expect(samples.at(-1)!.elapsedS).toBeLessThan(3600);
      expect(simulator.status()).toMatchObject({ cellOn: false, running: false });
    });

    it('sweeps EIS at the rest potential', async () => {
      const { run, simulator } = await lab();
      const dcV = simulator.cell.openCircuitVoltage();
      const { outcome, samples } = await run({ kind: 'eis', startHz: 10e3, endHz: 1, points: 5, amplitudeV: 0.01, dcV });
      expect(outcome).toEqual({ ending: 'completed' });
      expect(samples.map((s) => Math.round(Math.log10(s.frequencyHz!)))).toEqual([4, 3, 2, 1, 0]);
      for (const s of samples) {
        expect(s.zReOhm!).toBeGreaterThan(0);
        expect(s.zImOhm!).toBeLessThan(0);
      }
    });

    it("surfaces a device '!' error as a typed error, and recovers: the cell goes off", async () => {
      // An EmStat Pico has no galvanostat: the constant-current script fails at set_pgstat_mode 6.
      const { device, run, simulator } = await lab({ device: 'espico' });
      const step: PotentiostatStep = { kind: 'constant-current', currentA: -1e-5, durationS: 60, intervalS: 1 };
      const failure = await run(step).catch((e: unknown) => e);
      expect(isMethodScriptError(failure, 'DEVICE_ERROR')).toBe(true);
      expect((failure as { context: object }).context).toMatchObject({
        deviceCode: DEVICE_ERROR_CODES.modeNotSupported,
        line: stepScript({ ...step, hardLimits: WIDE }).indexOf('set_pgstat_mode 6') + 1,
      });
      await device.cellOff();
      expect(simulator.status().cellOn).toBe(false);
      const { outcome } = await run({ kind: 'ocp', durationS: 4, intervalS: 1 });
      expect(outcome).toEqual({ ending: 'completed' });
    });

    it('fails a running step with DISCONNECTED when the link drops', async () => {
      const { run, simulator } = await lab();
      const failure = await run({ kind: 'constant-current', currentA: -100e-6, durationS: 3600, intervalS: 10 }, undefined, (_s, all) => {
        if (all.length === 2) void simulator.faults.drop();
      }).catch((e: unknown) => e);
      expect(isTransportError(failure, 'DISCONNECTED')).toBe(true);
    });
  });
}
