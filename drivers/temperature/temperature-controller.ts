/**
 * What the service needs of a temperature controller (furnace, NMR VT unit,
 * cryostat). The Eurotherm (drivers/temperature/eurotherm/) and Lake Shore 336
 * (drivers/temperature/lakeshore336/) drivers implement it; the service wraps
 * every controller in `LimitedTemperatureController` (src/kinds/temperature/limits.ts).
 * Temperatures are in kelvin, ramps in K/min, whatever the instrument speaks.
 */
export interface TemperatureIdentity {
  readonly model: string;
  readonly firmware?: string;
  readonly serial?: string;
}

export interface TemperatureStatus {
  /** The sensor is open or reads nonsense: `temperatureK` is NaN then. */
  readonly sensorBreak: boolean;
  /** The heater circuit is open or shorted (or its current is missing). */
  readonly heaterFail: boolean;
  /** The working setpoint has reached the target (undefined if the model does not say). */
  readonly rampComplete?: boolean;
  /** The reading lies outside the sensor's range. */
  readonly outOfRange?: boolean;
  /** The controller is in manual mode (output not under loop control). */
  readonly manual?: boolean;
  readonly loopBreak?: boolean;
  readonly autotune?: boolean;
  /** States of the instrument's alarms 1..n, in order. */
  readonly alarms?: readonly boolean[];
}

export interface TemperatureReading {
  /** Measured temperature; NaN while `status.sensorBreak`. */
  readonly temperatureK: number;
  /** The target setpoint. */
  readonly setpointK: number;
  /** The setpoint the loop controls to now (ramps toward the target at the rate limit). */
  readonly workingSetpointK: number;
  readonly outputPercent: number;
  readonly status: TemperatureStatus;
}

/** What the instrument calls each quantity it delivers, for the descriptor of the controller's stream. */
export interface TemperatureNativeQuantities {
  readonly temperature: string;
  readonly setpoint: string;
  readonly workingSetpoint: string;
  readonly output: string;
}

/** The hard limits a controller holds itself: the lab file's `minK`/`maxK`. */
export interface ControllerHardLimits {
  readonly minK: number;
  readonly maxK: number;
}

export interface TemperatureController {
  readonly nativeQuantities: TemperatureNativeQuantities;
  /** Resolves (never rejects) with the reason once the link is lost or closed: the instrument then reconnects. */
  readonly linkLost: Promise<string>;
  identify(): Promise<TemperatureIdentity>;
  /**
   * Writes the hard limits into the instrument, which enforces them itself
   * from then on, whoever talks to it (Eurotherm: its setpoint limit
   * registers, a setpoint outside refused; Lake Shore 336: TLIMIT, control
   * outputs off above maxK). The service calls it on every connect, before
   * anything else uses the controller.
   */
  writeHardLimits(limits: ControllerHardLimits): Promise<void>;
  read(): Promise<TemperatureReading>;
  setSetpoint(temperatureK: number): Promise<void>;
  /** `null` turns the ramp (setpoint rate limit) off: setpoint changes then take effect at once. */
  setRampRate(kPerMin: number | null): Promise<void>;
  close(): Promise<void>;
}
