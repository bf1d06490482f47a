import type { Random } from '../common/random.js';
import type { CellModel } from './cell/index.js';
import { Compliance, type ComplianceSteps } from './compliance.js';
import { CurrentRanging, type CurrentReading } from './current-ranging.js';
import { currentRangesOf, SIMULATOR_DEFAULTS, type CurrentRange } from './defaults.js';

export interface NoiseSettings {
  /** Standard deviation of a potential reading (V). */
  readonly potentialV: number;
  /** Standard deviation of a current reading (A). */
  readonly currentA: number;
}

/** MethodSCRIPT pgstat mode of the galvanostat. */
export const GALVANOSTAT_MODE = 6;

/** The device's current ranges and how it behaves at their limits (defaults: the EmStat4 HR, SIMULATOR_DEFAULTS). */
export interface ChannelRangeSettings {
  readonly ranges: readonly CurrentRange[];
  readonly saturationFactor: number;
  readonly complianceSteps: ComplianceSteps;
}

/** The range settings of a device by its id: its current ranges (currentRangesOf), the defaults' saturation and compliance steps. */
export function channelRangeSettings(device: string): ChannelRangeSettings {
  return { ranges: currentRangesOf(device), saturationFactor: SIMULATOR_DEFAULTS.rangeSaturationFactor, complianceSteps: SIMULATOR_DEFAULTS.complianceStepS };
}

/**
 * One potentiostat channel wired to a cell model: the instrument state the
 * script sets (cell on/off, mode, applied potential or current, current
 * ranges) and the physics, advanced in lab time under that state. Readings
 * carry seeded noise.
 *
 * The current ranges bound what flows (CurrentRanging): a potential hold
 * passes at most the limit of the measured current's (`ba`) highest allowed
 * range, the cell seeing the clipped current (Compliance); the galvanostat
 * sources at most the limit of its applied current's (`db`) ranges in mode 6,
 * of the `ba` ranges when a galvanostatic EIS runs in another mode.
 */
export class SimulatedChannel {
  cellOn = false;
  mode = 2;
  appliedPotentialV = 0;
  appliedCurrentA = 0;
  /** A GEIS sweep holds its DC current in the high-speed mode; the next mode change ends that. */
  holdsCurrent = false;
  /** Ranges of the measured WE current (`set_range ba`, `set_autoranging ba`). */
  readonly currentRanging: CurrentRanging;
  /** Ranges of the galvanostat's applied current (`set_range db`, `set_autoranging db`). */
  readonly appliedCurrentRanging: CurrentRanging;
  private readonly compliance: Compliance;
  private modelTimeMs: number;

  constructor(
    readonly cell: CellModel,
    private readonly random: Random,
    private readonly noise: NoiseSettings,
    startMs: number,
    ranges: ChannelRangeSettings = channelRangeSettings(SIMULATOR_DEFAULTS.identity.device),
  ) {
    this.modelTimeMs = startMs;
    this.currentRanging = new CurrentRanging(ranges.ranges, ranges.saturationFactor);
    this.appliedCurrentRanging = new CurrentRanging(ranges.ranges, ranges.saturationFactor);
    this.compliance = new Compliance(ranges.complianceSteps);
  }

  /** The lab time up to which the cell has been computed. */
  get timeMs(): number {
    return this.modelTimeMs;
  }

  /**
   * Advances the cell to `timeMs` under the present state: at open circuit
   * with the cell off, at the applied current in the galvanostat mode or under
   * a GEIS sweep, at the applied potential otherwise. Earlier times are ignored (time only moves on).
   */
  advanceTo(timeMs: number): void {
    const dtS = (timeMs - this.modelTimeMs) / 1000;
    if (!(dtS > 0)) return;
    if (!this.cellOn || this.galvanostatic) this.compliance.reset();
    if (!this.cellOn) this.cell.rest(dtS);
    else if (this.galvanostatic) this.cell.advanceGalvanostatic(dtS, this.sourcedCurrentA());
    else this.compliance.advance(this.cell, dtS, this.appliedPotentialV, this.currentRanging.limitA());
    this.modelTimeMs = timeMs;
  }

  /** Whether the cell is driven by a current (the galvanostat, or a GEIS sweep's DC current). */
  get galvanostatic(): boolean {
    return this.mode === GALVANOSTAT_MODE || this.holdsCurrent;
  }

  /** Whether a potential hold is at its current limit now (the current clipped, the setpoint not reached). */
  get inCompliance(): boolean {
    return this.compliance.active;
  }

  /** WE vs RE potential reading (V). */
  readPotentialV(): number {
    return this.cell.voltage() + this.random.gaussian(0, this.noise.potentialV);
  }

  /** WE current reading (A), unranged. */
  readCurrentA(): number {
    return this.cell.current() + this.random.gaussian(0, this.noise.currentA);
  }

  /** WE current reading as the device packs it: clipped at its range's limit, with status and range index. */
  readCurrent(): CurrentReading {
    const currentA = this.readCurrentA();
    if (this.cellOn && this.galvanostatic) return this.galvanostatRanging().reading(currentA, this.sourceClipped());
    return this.currentRanging.reading(currentA, this.cellOn && this.compliance.active);
  }

  /**
   * Status and range of an impedance point: the range must hold the DC
   * current and the excitation's amplitude together; overload when it cannot,
   * or when the DC current is clipped already.
   */
  excitationReading(amplitudeA: number): CurrentReading {
    const totalA = Math.abs(this.cell.current()) + Math.abs(amplitudeA);
    if (this.galvanostatic) return this.galvanostatRanging().reading(totalA, this.sourceClipped());
    return this.currentRanging.reading(totalA, this.compliance.active);
  }

  /**
   * Impedance reading at `frequencyHz` with a sine potential (PEIS) or current
   * (GEIS) excitation: the small-signal Z is the same either way; the reading
   * noise of V and I is carried through Z = V/I, with V = I |Z|.
   */
  readImpedance(frequencyHz: number, excitation: { readonly amplitudeV: number } | { readonly amplitudeA: number }): { re: number; im: number } {
    const z = this.cell.impedance(frequencyHz);
    const magnitude = Math.hypot(z.re, z.im);
    const amplitudeV = 'amplitudeV' in excitation ? excitation.amplitudeV : excitation.amplitudeA * magnitude;
    const sdOhm = (magnitude / amplitudeV) * Math.hypot(this.noise.potentialV, this.noise.currentA * magnitude);
    return { re: z.re + this.random.gaussian(0, sdOhm), im: z.im + this.random.gaussian(0, sdOhm) };
  }

  /** The ranges the galvanostat sources through: `db` in its own mode, `ba` under a GEIS in another mode (the driver's). */
  private galvanostatRanging(): CurrentRanging {
    return this.mode === GALVANOSTAT_MODE ? this.appliedCurrentRanging : this.currentRanging;
  }

  /** The applied current as the galvanostat sources it: at most its range's limit. */
  private sourcedCurrentA(): number {
    const limitA = this.galvanostatRanging().limitA();
    return Math.sign(this.appliedCurrentA) * Math.min(Math.abs(this.appliedCurrentA), limitA);
  }

  private sourceClipped(): boolean {
    return Math.abs(this.appliedCurrentA) > this.galvanostatRanging().limitA();
  }
}
