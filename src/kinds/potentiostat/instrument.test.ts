import { describe, expect, it } from 'vitest';
import type { PotentiostatInstrumentConfig } from '../config/schema.js';
import { silentLogger } from '../core/logger.js';
import { isEngineError } from '../engine/errors.js';
import type { PotentiostatDevice, PotentiostatStep } from './potentiostat-device.js';
import { PotentiostatInstrument } from './potentiostat-instrument.js';

const CONFIG: PotentiostatInstrumentConfig = {
  id: 'pstat',
  kind: 'potentiostat',
  driver: 'methodscript',
  transport: 'tcp://127.0.0.1:1',
  limits: { minV: 2, maxV: 4, maxAbsCurrentA: 1e-3 },
};

/** A device that records what reaches it. */
function recordingDevice(): PotentiostatDevice & { sent: PotentiostatStep[] } {
  const sent: PotentiostatStep[] = [];
  return {
    sent,
    identify: async () => ({}),
    runStep: async (step) => {
      sent.push(step);
      return { ending: 'completed' };
    },
    cellOff: async () => {},
    close: async () => {},
  };
}

const geis = (amplitudeA: number, dcA: number): PotentiostatStep => ({ kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA, dcA });

describe('PotentiostatInstrument hard limits for galvanostatic EIS', () => {
  it('refuses a GEIS sweep whose |DC| + amplitude exceeds the current limit before anything is sent', async () => {
    const device = recordingDevice();
    const instrument = new PotentiostatInstrument(CONFIG, device, silentLogger);
    const refused = await instrument.runStep(geis(0.6e-3, -0.5e-3), () => {}, new AbortController().signal).catch((e: unknown) => e);
    expect(isEngineError(refused, 'LIMIT_EXCEEDED')).toBe(true);
    expect(device.sent).toEqual([]);
  });

  it('sends a GEIS sweep within the limit, whatever the voltage window (a current bias sets no potential)', async () => {
    const device = recordingDevice();
    const instrument = new PotentiostatInstrument(CONFIG, device, silentLogger);
    await instrument.runStep(geis(0.5e-3, 0.5e-3), () => {}, new AbortController().signal);
    expect(device.sent).toEqual([geis(0.5e-3, 0.5e-3)]);
  });
});
