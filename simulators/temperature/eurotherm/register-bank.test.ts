import { describe, expect, it } from 'vitest';
import { floatAddress, floatToWords, Tag, wordsToFloat } from '../../../drivers/temperature/eurotherm/register-map.js';
import { msToNs, type Clock } from '../../../src/core/clock.js';
import { NMR_VT } from '../presets.js';
import { ThermalSimulation } from '../thermal-simulation.js';
import { ModbusException } from './modbus-exception.js';
import { EurothermRegisterBank } from './register-bank.js';

const clock: Clock = { scale: 1, nowMs: () => 0, nowNs: () => msToNs(0), sleep: () => new Promise(() => undefined) };

function bank(decimalPlaces = 1) {
  const simulation = new ThermalSimulation({ clock, preset: NMR_VT, seed: 1 });
  return { simulation, registers: new EurothermRegisterBank(simulation, { decimalPlaces }) };
}

function exceptionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModbusException) return e.code;
    throw e;
  }
  return undefined;
}

describe('EurothermRegisterBank', () => {
  it('serves PV, setpoints and output as scaled °C integers and as floats', () => {
    const { registers } = bank();
    const [pv, sp, , , wsp] = registers.read(Tag.processValue, 5);
    expect([pv, sp, wsp]).toEqual([200, 200, 200]); // 293.15 K = 20.0 °C
    const [high, low] = registers.read(floatAddress(Tag.targetSetpoint), 2);
    expect(wordsToFloat(high!, low!)).toBeCloseTo(20, 4);
  });

  it('writes the setpoint and the rate limit into the simulation', () => {
    const { registers, simulation } = bank();
    registers.write(Tag.setpointRateLimit, [25]);
    registers.write(floatAddress(Tag.targetSetpoint), floatToWords(50));
    expect(simulation.snapshot()).toMatchObject({ rampKPerMin: 2.5 });
    expect(simulation.snapshot().targetSetpointK).toBeCloseTo(323.15, 4);
    registers.write(Tag.setpointRateLimit, [0]);
    expect(simulation.snapshot().rampKPerMin).toBeNull();
  });

  it('refuses unknown or read-only registers, half floats and setpoints beyond the instrument limits', () => {
    const { registers, simulation } = bank();
    expect(exceptionOf(() => registers.read(6, 1))).toBe('ILLEGAL_DATA_ADDRESS');
    expect(exceptionOf(() => registers.write(Tag.processValue, [0]))).toBe('ILLEGAL_DATA_ADDRESS');
    expect(exceptionOf(() => registers.write(floatAddress(Tag.targetSetpoint), [0x41c8]))).toBe('ILLEGAL_DATA_ADDRESS');
    expect(exceptionOf(() => registers.write(Tag.targetSetpoint, [2000]))).toBe('ILLEGAL_DATA_VALUE'); // 200.0 °C > probe limit
    expect(simulation.snapshot().targetSetpointK).toBe(NMR_VT.initialK);
  });

  it('holds the setpoint limits in tags 111/112 (the preset at power-up), writable, and refuses a setpoint outside them', () => {
    const { registers, simulation } = bank();
    // NMR VT: 453.15 K = 180.0 °C, 240 K = -33.15 °C (one decimal, rounded half up).
    expect(registers.read(Tag.setpointHighLimit, 2)).toEqual([1800, 0x10000 - 331]);
    registers.write(Tag.setpointLowLimit, [0x10000 - 231]); // -23.1 °C
    registers.write(floatAddress(Tag.setpointHighLimit), floatToWords(170));
    expect(simulation.snapshot().setpointLowK).toBeCloseTo(250.05, 6);
    expect(simulation.snapshot().setpointHighK).toBeCloseTo(443.15, 4);
    expect(exceptionOf(() => registers.write(Tag.targetSetpoint, [1701]))).toBe('ILLEGAL_DATA_VALUE');
    expect(exceptionOf(() => registers.write(Tag.targetSetpoint, [0x10000 - 232]))).toBe('ILLEGAL_DATA_VALUE');
    // A setpoint on a limit is taken.
    registers.write(Tag.targetSetpoint, [1700]);
    expect(simulation.snapshot().targetSetpointK).toBeCloseTo(443.15, 6);
  });

  it('refuses limits with low not below high, all or nothing, and clamps the setpoint into narrowed limits', () => {
    const { registers, simulation } = bank();
    registers.write(Tag.targetSetpoint, [1000]); // 100 °C
    expect(exceptionOf(() => registers.write(Tag.setpointLowLimit, [1900]))).toBe('ILLEGAL_DATA_VALUE');
    // Both limits and a setpoint beyond the new ones in one request: refused whole.
    expect(exceptionOf(() => registers.write(Tag.setpointHighLimit, [500, 0]))).toBe(undefined);
    expect(simulation.snapshot()).toMatchObject({ setpointLowK: 273.15, targetSetpointK: 323.15 });
    expect(exceptionOf(() => registers.write(Tag.setpointHighLimit, [400, 450]))).toBe('ILLEGAL_DATA_VALUE');
    expect(simulation.snapshot().setpointHighK).toBeCloseTo(323.15, 6);
  });

  it('reads full scale and the sensor-break bit on sensor break', () => {
    const { registers, simulation } = bank();
    simulation.setFault('sensor-break', true);
    expect(registers.read(Tag.processValue, 1)).toEqual([0x7fff]);
    expect(registers.read(Tag.statusWord, 1)[0]! & (1 << 5)).not.toBe(0);
  });
});
