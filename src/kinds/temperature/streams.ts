import type { TemperatureReading, TemperatureStatus } from '../../../drivers/temperature/temperature-controller.js';
import { numberKey, type EventStream, type StreamSpec } from '../../core/stream-spec.js';
import type { TemperatureInstrument } from './instrument.js';

/** The status bits of a controller reading (event `flags` of its stream). */
export const TEMPERATURE_FLAGS = {
  /** The sensor is open or reads nonsense: the temperature is NaN. */
  sensor_break: 0x1,
  heater_fail: 0x2,
  /** The reading lies outside the sensor's range. */
  out_of_range: 0x4,
  /** The output is not under loop control. */
  manual: 0x8,
  loop_break: 0x10,
  autotune: 0x20,
  /** The working setpoint has reached the target. */
  ramp_complete: 0x40,
  /** Any of the instrument's alarms is active. */
  alarm: 0x80,
} as const;

/** `<id>.temperature`: what the controller reads at each poll. */
export const temperatureStreamName = (instrumentId: string): string => `${instrumentId}.temperature`;

export function temperatureStreamSpec(instrument: TemperatureInstrument): StreamSpec {
  const native = instrument.nativeQuantities;
  const source = instrument.id;
  return {
    name: temperatureStreamName(instrument.id),
    dataKeys: {
      temperature: numberKey(source, 'K', native.temperature, 2, 'measured temperature (NaN on sensor break)'),
      setpoint: numberKey(source, 'K', native.setpoint, 2, 'target setpoint'),
      working_setpoint: numberKey(source, 'K', native.workingSetpoint, 2, 'setpoint the loop controls to now (ramps toward the target)'),
      output: numberKey(source, '%', native.output, 1, 'heater output power'),
    },
    flags: TEMPERATURE_FLAGS,
    configuration: { [instrument.id]: instrument.snapshot() },
    hints: { plot: { x: 'time', y: ['temperature', 'working_setpoint'] } },
  };
}

/** One reading as an event of the controller's stream. */
export function emitReading(stream: EventStream, reading: TemperatureReading, timestampNs: bigint): void {
  stream.emit(
    { temperature: reading.temperatureK, setpoint: reading.setpointK, working_setpoint: reading.workingSetpointK, output: reading.outputPercent },
    timestampNs,
    statusFlags(reading.status),
  );
}

function statusFlags(status: TemperatureStatus): number {
  const f = TEMPERATURE_FLAGS;
  return (
    (status.sensorBreak ? f.sensor_break : 0) |
    (status.heaterFail ? f.heater_fail : 0) |
    (status.outOfRange ? f.out_of_range : 0) |
    (status.manual ? f.manual : 0) |
    (status.loopBreak ? f.loop_break : 0) |
    (status.autotune ? f.autotune : 0) |
    (status.rampComplete ? f.ramp_complete : 0) |
    (status.alarms?.some(Boolean) ? f.alarm : 0)
  );
}
