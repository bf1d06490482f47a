import { describe, expect, it } from 'vitest';
import { RampingPid } from './ramping-pid.js';

const GAINS = { proportionalPercentPerK: 5, integralTimeS: 60, derivativeTimeS: 0 };
/** Setpoint limits no test reaches unless it says so. */
const WIDE = { lowK: 100, highK: 1000 };

describe('RampingPid', () => {
  it('ramps the working setpoint at the rate limit and stops at the target', () => {
    const pid = new RampingPid(GAINS, 300, 10, WIDE);
    pid.setRamp(6); // 0.1 K/s
    pid.setTarget(301);
    for (let i = 0; i < 5; i++) pid.step(1, 300);
    expect(pid.workingSetpointK).toBeCloseTo(300.5, 10);
    expect(pid.rampComplete).toBe(false);
    for (let i = 0; i < 10; i++) pid.step(1, 300);
    expect(pid.workingSetpointK).toBe(301);
    expect(pid.rampComplete).toBe(true);
  });

  it('steps the working setpoint when the ramp is off, at once (before the next step)', () => {
    const pid = new RampingPid(GAINS, 300, 10, WIDE);
    pid.setTarget(350);
    expect(pid.workingSetpointK).toBe(350);
    expect(pid.rampComplete).toBe(true);
    pid.step(1, 300);
    expect(pid.workingSetpointK).toBe(350);
  });

  it('jumps to the target when a running ramp is turned off', () => {
    const pid = new RampingPid(GAINS, 300, 10, WIDE);
    pid.setRamp(6);
    pid.setTarget(310);
    pid.step(1, 300);
    expect(pid.workingSetpointK).toBeCloseTo(300.1, 10);
    pid.setRamp(null);
    expect(pid.workingSetpointK).toBe(310);
  });

  it('starts in equilibrium: zero error holds the initial output', () => {
    const pid = new RampingPid(GAINS, 300, 37, WIDE);
    expect(pid.step(1, 300)).toBeCloseTo(37, 10);
  });

  it('limits the output to 0..100 % and does not wind up while saturated', () => {
    const pid = new RampingPid(GAINS, 300, 0, WIDE);
    pid.setTarget(400);
    for (let i = 0; i < 1000; i++) expect(pid.step(1, 300)).toBe(100);
    // Once the error reverses, the output leaves saturation at once instead of unwinding a huge integral.
    expect(pid.step(1, 401)).toBeLessThan(100);
  });

  it('drops the output to 0 on sensor break', () => {
    const pid = new RampingPid(GAINS, 300, 50, WIDE);
    expect(pid.step(1, null)).toBe(0);
    expect(pid.outputPercent).toBe(0);
  });

  it('holds the target within its setpoint limits: a target beyond is clamped, narrowed limits clamp the present one', () => {
    const pid = new RampingPid(GAINS, 300, 10, { lowK: 250, highK: 400 });
    pid.setTarget(450);
    expect([pid.targetSetpointK, pid.workingSetpointK]).toEqual([400, 400]);
    pid.setRamp(6);
    pid.setLimits(250, 350);
    expect(pid.targetSetpointK).toBe(350);
    // The working setpoint ramps down to the clamped target.
    pid.step(1, 400);
    expect(pid.workingSetpointK).toBeCloseTo(399.9, 10);
    expect([pid.setpointLowK, pid.setpointHighK]).toEqual([250, 350]);
    expect(() => pid.setLimits(350, 250)).toThrow(RangeError);
  });
});
