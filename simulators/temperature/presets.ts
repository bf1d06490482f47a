import type { TemperatureLimits } from '../../src/kinds/temperature/limits.js';
import type { PidGains } from './ramping-pid.js';
import type { ThermalPlantParameters } from './thermal-plant.js';

/** A simulated temperature-controlled setup: its physics, its controller tuning, its limits. */
export interface ThermalPreset {
  readonly name: string;
  readonly plant: ThermalPlantParameters;
  readonly pid: PidGains;
  /** Where the plant starts, in equilibrium with the setpoint there. */
  readonly initialK: number;
  /** Fixed integration step of lab time. */
  readonly stepS: number;
  /** The controller's own setpoint limits: setpoints outside are refused by the instrument. */
  readonly setpointLowK: number;
  readonly setpointHighK: number;
  /** Hard limits a lab file would give the service for this setup. */
  readonly limits: TemperatureLimits;
}

/**
 * NMR variable-temperature unit: nitrogen cooled to ~235 K in a heat
 * exchanger, reheated by the VT heater in front of the sample (series from
 * ~258 K to ~438 K, SCIENCE.md section 3). Small heat capacity, fast sensor.
 * The instrument refuses setpoints above the probe's limit (453.15 K here);
 * the service's limit sits 10 K below it.
 */
export const NMR_VT: ThermalPreset = {
  name: 'nmr-vt',
  plant: {
    heatCapacityJPerK: 40,
    lossWPerK: 0.5,
    ambientK: 235,
    maxHeaterPowerW: 200,
    sensorTimeConstantS: 3,
    sensorNoiseSdK: 0.02,
  },
  pid: { proportionalPercentPerK: 4, integralTimeS: 40, derivativeTimeS: 4 },
  initialK: 293.15,
  stepS: 0.25,
  setpointLowK: 240,
  setpointHighK: 453.15,
  limits: { minK: 250, maxK: 443.15, maxRampKPerMin: 5, safeK: 293.15 },
};

/** Tube furnace for pellet conductivity: large heat capacity, slow sheathed thermocouple. */
export const FURNACE: ThermalPreset = {
  name: 'furnace',
  plant: {
    heatCapacityJPerK: 4000,
    lossWPerK: 2,
    ambientK: 293.15,
    maxHeaterPowerW: 2000,
    sensorTimeConstantS: 20,
    sensorNoiseSdK: 0.1,
  },
  pid: { proportionalPercentPerK: 4, integralTimeS: 600, derivativeTimeS: 40 },
  initialK: 293.15,
  stepS: 1,
  setpointLowK: 273.15,
  setpointHighK: 1473.15,
  limits: { minK: 273.15, maxK: 1273.15, maxRampKPerMin: 10, safeK: 298.15 },
};

export const THERMAL_PRESETS = { 'nmr-vt': NMR_VT, furnace: FURNACE } as const;

export type ThermalPresetName = keyof typeof THERMAL_PRESETS;
