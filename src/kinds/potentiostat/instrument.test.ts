import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.js';
import { isLimitError } from '../../instruments/limits.js';
import type { PotentiostatInstrumentConfig } from './config.js';
import type { PotentiostatDevice, PotentiostatSample, PotentiostatStep } from './device.js';
import { PotentiostatInstrument } from './instrument.js';

const CONFIG: PotentiostatInstrumentConfig = {
  id: 'pstat',
  kind: 'potentiostat',
  driver: 'methodscript',
  transport: 'tcp://127.0.0.1:1',
  limits: { minV: 2, maxV: 4, maxAbsCurrentA: 1e-3 },
};

/** A device that records what reaches it and answers each step with the given samples. */
function recordingDevice(samples: PotentiostatSample[] = []): PotentiostatDevice & { sent: PotentiostatStep[] } {
  const sent: PotentiostatStep[] = [];
  return {
    sent,
    nativeQuantities: { potential: 'p', current: 'c', frequency: 'f', zRe: 'r', zIm: 'j' },
    identify: async () => ({}),
    runStep: async (step, onSample, signal) => {
      sent.push(step);
      for (const s of samples) {
        if (signal?.aborted) return { ending: 'aborted' };
        onSample(s);
      }
      return { ending: 'completed' };
    },
    cellOff: async () => {},
    close: async () => {},
  };
}

const geis = (amplitudeA: number, dcA: number): PotentiostatStep => ({ kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA, dcA });
const peis = (dcV: number, amplitudeV = 0.01): PotentiostatStep => ({ kind: 'eis', startHz: 1e3, endHz: 1, points: 5, amplitudeV, dcV });
const run = (instrument: PotentiostatInstrument, step: PotentiostatStep) => instrument.runStep(step, () => {}, new AbortController().signal).catch((e: unknown) => e);

/** An instrument on the recording device, connected. */
async function connected(device: PotentiostatDevice): Promise<PotentiostatInstrument> {
  const instrument = new PotentiostatInstrument(CONFIG, async () => ({ device, lost: new Promise<string>(() => {}), close: async () => {} }), silentLogger);
  expect(await instrument.connect()).toBe(true);
  return instrument;
}

describe('PotentiostatInstrument hard limits', () => {
  it.each<[string, PotentiostatStep, string]>([
    ['a current beyond maxAbsCurrentA', { kind: 'constant-current', currentA: -1.01e-3, durationS: 1, intervalS: 1 }, 'maxAbsCurrentA'],
    ['a potential above maxV', { kind: 'constant-potential', potentialV: 4.01, durationS: 1, intervalS: 1 }, 'maxV'],
    ['a GEIS whose |DC| + amplitude exceeds the current limit', geis(0.6e-3, -0.5e-3), 'maxAbsCurrentA'],
    ['a PEIS bias of exactly 0 V on a cell held between 2 and 4 V', peis(0), 'minV'],
    ['a PEIS amplitude reaching past maxV', peis(3.9, 0.2), 'maxV'],
  ])('refuses %s before anything is sent (LimitError LIMIT_EXCEEDED naming the limit)', async (_what, step, limit) => {
    const device = recordingDevice();
    const refused = await run(await connected(device), step);
    expect(isLimitError(refused, 'LIMIT_EXCEEDED')).toBe(true);
    expect((refused as { context: { limit: string } }).context.limit).toBe(limit);
    expect(device.sent).toEqual([]);
  });

  it('sends steps within the limits with the hard limits the device enforces itself (a GEIS sets no potential, whatever the voltage window)', async () => {
    const device = recordingDevice();
    const instrument = await connected(device);
    const steps: PotentiostatStep[] = [geis(0.5e-3, 0.5e-3), peis(3.4), { kind: 'ocp', durationS: 1, intervalS: 1 }];
    for (const step of steps) await instrument.runStep(step, () => {}, new AbortController().signal);
    expect(device.sent).toEqual(steps.map((step) => ({ ...step, hardLimits: { minV: 2, maxV: 4, maxAbsCurrentA: 1e-3 } })));
  });

  it('aborts a potential hold at the first sample whose current leaves ±maxAbsCurrentA; a constant current is not held to its reading', async () => {
    const hold = { kind: 'constant-potential', potentialV: 3, durationS: 10, intervalS: 1 } as const;
    const refused = await run(await connected(recordingDevice([5e-4, -1.2e-3, 0].map((currentA, i) => ({ elapsedS: i, potentialV: 3, currentA, flags: 0 })))), hold);
    expect(isLimitError(refused, 'LIMIT_EXCEEDED')).toBe(true);
    expect((refused as { context: object }).context).toMatchObject({ limit: 'maxAbsCurrentA', value: -1.2e-3 });
    // A constant-current step at the limit reads its own current plus noise: the step was checked, the reading is not a breach.
    const atLimit = await connected(recordingDevice([{ elapsedS: 1, potentialV: 3, currentA: 1.0000002e-3, flags: 0 }]));
    await expect(atLimit.runStep({ kind: 'constant-current', currentA: 1e-3, durationS: 1, intervalS: 1 }, () => {}, new AbortController().signal)).resolves.toEqual({
      ending: 'completed',
    });
  });

  it('aborts a step at the first sample outside the voltage window and rejects with LIMIT_EXCEEDED', async () => {
    const samples = [3.9, 4.05, 4.2].map((potentialV, i) => ({ elapsedS: i, potentialV, currentA: 1e-4, flags: 0 }));
    const seen: number[] = [];
    const instrument = await connected(recordingDevice(samples));
    const refused = await instrument
      .runStep({ kind: 'constant-current', currentA: 1e-4, durationS: 10, intervalS: 1 }, (s) => seen.push(s.potentialV!), new AbortController().signal)
      .catch((e: unknown) => e);
    expect(isLimitError(refused, 'LIMIT_EXCEEDED')).toBe(true);
    expect((refused as { context: object }).context).toMatchObject({ limit: 'maxV', value: 4.05 });
    // The sample beyond the limit is still delivered (it is data), and nothing after it.
    expect(seen).toEqual([3.9, 4.05]);
  });
});
