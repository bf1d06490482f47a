import { Subject, type Observable } from 'rxjs';
import type { Clock } from '../../src/core/clock.js';
import { Random } from '../common/random.js';
import type { ThermalPreset } from './presets.js';
import { RampingPid } from './ramping-pid.js';
import { ThermalPlant } from './thermal-plant.js';

export type PhysicalFault = 'sensor-break' | 'heater-fail';

export interface ThermalSnapshot {
  readonly labTimeMs: number;
  /** The plant's true temperature (what a test checks the physics against). */
  readonly trueTemperatureK: number;
  /** What the controller reads: the lagging sensor plus noise; NaN on sensor break. */
  readonly measuredK: number;
  readonly targetSetpointK: number;
  readonly workingSetpointK: number;
  readonly rampKPerMin: number | null;
  readonly outputPercent: number;
  readonly heaterPowerW: number;
  readonly rampComplete: boolean;
  readonly sensorBreak: boolean;
  readonly heaterFail: boolean;
  /** The controller's setpoint limits (a Eurotherm's limit registers); the target stays within them. */
  readonly setpointLowK: number;
  readonly setpointHighK: number;
  /** A Lake Shore's TLIMIT: above this reading the control output goes off; null when not set. */
  readonly outputCutoffK: number | null;
  /** The reading went above `outputCutoffK`: the output is off until the host switches it on again. */
  readonly outputCutoffTripped: boolean;
}

export interface ThermalSimulationOptions {
  readonly clock: Clock;
  readonly preset: ThermalPreset;
  readonly seed: number;
  /** Lab time between wake-ups of the running simulation (it integrates in `preset.stepS` steps regardless). Default 1 s. */
  readonly tickMs?: number;
}

/**
 * A temperature controller and its plant, run on an injected clock: a PID
 * with setpoint ramping drives the heater of a `ThermalPlant`, the sensor adds
 * seeded noise. The plant is integrated in fixed steps of lab time k·stepS
 * after the start, so for a seed the trajectory depends only on the step at
 * which each input arrives, not on event-loop jitter; inputs take effect at
 * the step boundary before them. Faults (sensor break, heater fail) on demand.
 *
 * Limits the controller holds itself: setpoint limits (the target is kept
 * within them, starting from the preset's) and an output cutoff (a reading
 * above it switches the heater off at that step, until `setHeaterScale`
 * switches it on again).
 */
export class ThermalSimulation {
  readonly preset: ThermalPreset;
  private readonly clock: Clock;
  private readonly plant: ThermalPlant;
  private readonly pid: RampingPid;
  private readonly random: Random;
  private readonly originMs: number;
  private readonly stepMs: number;
  private readonly tickMs: number;
  private stepsDone = 0;
  private measuredK: number;
  private heaterScale = 1;
  private outputCutoffK: number | null = null;
  private outputCutoffTripped = false;
  private readonly faults = new Set<PhysicalFault>();
  private readonly states = new Subject<ThermalSnapshot>();
  private running: { readonly abort: AbortController; readonly done: Promise<void> } | null = null;

  /** A snapshot after every advance of the plant (each wake-up, each instrument request). */
  readonly state$: Observable<ThermalSnapshot> = this.states.asObservable();

  constructor(options: ThermalSimulationOptions) {
    const { clock, preset, seed } = options;
    this.clock = clock;
    this.preset = preset;
    this.plant = new ThermalPlant(preset.plant, preset.initialK);
    this.pid = new RampingPid(preset.pid, preset.initialK, (100 * this.plant.holdingPowerW(preset.initialK)) / preset.plant.maxHeaterPowerW, {
      lowK: preset.setpointLowK,
      highK: preset.setpointHighK,
    });
    this.random = new Random(seed);
    this.originMs = clock.nowMs();
    this.stepMs = preset.stepS * 1000;
    this.tickMs = options.tickMs ?? 1000;
    this.measuredK = preset.initialK;
  }

  /** Wakes up every `tickMs` of lab time to integrate, so `state$` flows without requests. */
  start(): void {
    if (this.running) return;
    const abort = new AbortController();
    const done = (async () => {
      while (!abort.signal.aborted) {
        await this.clock.sleep(this.tickMs, abort.signal).catch(() => undefined);
        if (!abort.signal.aborted) this.advance();
      }
    })();
    this.running = { abort, done };
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    running?.abort.abort();
    await running?.done;
    this.states.complete();
  }

  /** The state now (integrated up to the last step boundary). */
  snapshot(): ThermalSnapshot {
    this.advance();
    return this.current();
  }

  setTargetSetpoint(temperatureK: number): void {
    this.advance();
    this.pid.setTarget(temperatureK);
  }

  setRamp(kPerMin: number | null): void {
    this.advance();
    this.pid.setRamp(kPerMin);
  }

  /** Fraction of the full heater power available (a Lake Shore heater range); switching it clears an output cutoff trip. */
  setHeaterScale(fraction: number): void {
    this.advance();
    this.heaterScale = Math.min(1, Math.max(0, fraction));
    this.outputCutoffTripped = false;
  }

  /** The controller's setpoint limits (lowK < highK); a target outside them is clamped into them. */
  setSetpointLimits(lowK: number, highK: number): void {
    this.advance();
    this.pid.setLimits(lowK, highK);
  }

  /** Switches the output off at the first step whose reading lies above `limitK` (null: no cutoff). */
  setOutputCutoff(limitK: number | null): void {
    this.advance();
    this.outputCutoffK = limitK;
  }

  setFault(fault: PhysicalFault, active: boolean): void {
    this.advance();
    if (active) this.faults.add(fault);
    else this.faults.delete(fault);
  }

  /** Integrates up to the last step boundary before now and publishes a snapshot if anything moved. */
  private advance(): void {
    const due = Math.floor((this.clock.nowMs() - this.originMs) / this.stepMs);
    if (due <= this.stepsDone) return;
    const dtS = this.preset.stepS;
    while (this.stepsDone < due) {
      // One noise draw per step whatever the faults, so the noise stream stays aligned with time.
      this.measuredK = this.plant.sensorTemperatureK + this.random.gaussian(0, this.preset.plant.sensorNoiseSdK);
      if (this.outputCutoffK !== null && this.measuredK > this.outputCutoffK) this.outputCutoffTripped = true;
      this.pid.step(dtS, this.faults.has('sensor-break') ? null : this.measuredK);
      this.plant.step(dtS, this.heaterPowerW());
      this.stepsDone++;
    }
    this.states.next(this.current());
  }

  private current(): ThermalSnapshot {
    const sensorBreak = this.faults.has('sensor-break');
    return {
      labTimeMs: this.originMs + this.stepsDone * this.stepMs,
      trueTemperatureK: this.plant.temperatureK,
      measuredK: sensorBreak ? Number.NaN : this.measuredK,
      targetSetpointK: this.pid.targetSetpointK,
      workingSetpointK: this.pid.workingSetpointK,
      rampKPerMin: this.pid.rampKPerMin,
      outputPercent: this.pid.outputPercent,
      heaterPowerW: this.heaterPowerW(),
      rampComplete: this.pid.rampComplete,
      sensorBreak,
      heaterFail: this.faults.has('heater-fail'),
      setpointLowK: this.pid.setpointLowK,
      setpointHighK: this.pid.setpointHighK,
      outputCutoffK: this.outputCutoffK,
      outputCutoffTripped: this.outputCutoffTripped,
    };
  }

  private heaterPowerW(): number {
    if (this.faults.has('heater-fail') || this.outputCutoffTripped) return 0;
    return this.plant.heaterPowerW((this.heaterScale * this.pid.outputPercent) / 100);
  }
}
