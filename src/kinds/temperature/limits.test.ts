import { describe, expect, it } from 'vitest';
import type { TemperatureController, TemperatureReading } from '../../../drivers/temperature/temperature-controller.js';
import { isLimitError } from '../../instruments/limits.js';
import { LimitedTemperatureController, type TemperatureLimits } from './limits.js';

const LIMITS: TemperatureLimits = { minK: 250, maxK: 450, maxRampKPerMin: 10, safeK: 298.15 };

/** A controller that records what reaches it; `failRamp` makes ramp writes fail. */
class RecordingController implements TemperatureController {
  readonly nativeQuantities = { temperature: 'T', setpoint: 'SP', workingSetpoint: 'WSP', output: 'OP' };
  readonly linkLost = new Promise<string>(() => {});
  readonly calls: string[] = [];
  failRamp = false;
  identify() {
    return Promise.resolve({ model: 'recorder' });
  }
  read(): Promise<TemperatureReading> {
    return Promise.reject(new Error('not used'));
  }
  async writeHardLimits({ minK, maxK }: { minK: number; maxK: number }) {
    this.calls.push(`hard limits ${minK}..${maxK}`);
  }
  async setSetpoint(temperatureK: number) {
    this.calls.push(`setpoint ${temperatureK}`);
  }
  async setRampRate(kPerMin: number | null) {
    this.calls.push(`ramp ${kPerMin}`);
    if (this.failRamp) throw new Error('link down');
  }
  async close() {
    this.calls.push('close');
  }
}

/** What became of a request: accepted, or the code and the limit a LimitError names. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (e) {
    if (!isLimitError(e)) return 'other';
    return e.context.limit === undefined ? e.code : `${e.code} ${String(e.context.limit)}`;
  }
}

describe('LimitedTemperatureController', () => {
  it('refuses setpoints outside the limits and ramps off or beyond the largest, sending nothing', async () => {
    const inner = new RecordingController();
    const guarded = new LimitedTemperatureController(inner, LIMITS);
    await guarded.setRampRate(5);
    inner.calls.length = 0;
    expect(await refusal(guarded.setSetpoint(450.01))).toBe('LIMIT_EXCEEDED maxK');
    expect(await refusal(guarded.setSetpoint(249.99))).toBe('LIMIT_EXCEEDED minK');
    expect(await refusal(guarded.setSetpoint(Number.NaN))).toBe('LIMIT_EXCEEDED minK');
    expect(await refusal(guarded.setRampRate(10.01))).toBe('LIMIT_EXCEEDED maxRampKPerMin');
    expect(await refusal(guarded.setRampRate(0))).toBe('LIMIT_EXCEEDED maxRampKPerMin');
    expect(await refusal(guarded.setRampRate(null))).toBe('LIMIT_EXCEEDED maxRampKPerMin');
    expect(inner.calls).toEqual([]);
    expect(await refusal(guarded.setSetpoint(450))).toBe('accepted');
    expect(await refusal(guarded.setRampRate(10))).toBe('accepted');
    expect(inner.calls).toEqual(['setpoint 450', 'ramp 10']);
  });

  it('refuses a setpoint until a ramp was set through it', async () => {
    const inner = new RecordingController();
    const guarded = new LimitedTemperatureController(inner, LIMITS);
    expect(await refusal(guarded.setSetpoint(300))).toBe('RAMP_NOT_SET');
    expect(inner.calls).toEqual([]);
  });

  it('sends the safe ramp, then the safe setpoint', async () => {
    const inner = new RecordingController();
    await new LimitedTemperatureController(inner, { ...LIMITS, safeRampKPerMin: 3 }).safeState();
    await new LimitedTemperatureController(inner, LIMITS).safeState();
    expect(inner.calls).toEqual(['ramp 3', 'setpoint 298.15', 'ramp 10', 'setpoint 298.15']);
  });

  it('sends the safe setpoint even when the ramp write fails, then reports the failure', async () => {
    const inner = new RecordingController();
    inner.failRamp = true;
    await expect(new LimitedTemperatureController(inner, LIMITS).safeState()).rejects.toThrow('link down');
    expect(inner.calls).toEqual(['ramp 10', 'setpoint 298.15']);
  });

  it.each<Partial<TemperatureLimits>>([{ minK: 500 }, { safeK: 460 }, { maxRampKPerMin: 0 }, { safeRampKPerMin: 20 }, { minK: 0 }])(
    'refuses inconsistent limits %o',
    (change) => {
      expect(() => new LimitedTemperatureController(new RecordingController(), { ...LIMITS, ...change })).toThrow(
        expect.objectContaining({ code: 'INVALID_LIMITS' }),
      );
    },
  );
});
