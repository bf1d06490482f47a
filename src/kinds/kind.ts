import type { TObject } from '@sinclair/typebox';
import type { Observable } from 'rxjs';
import type { SampleConfig } from '../config/sample.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Instrument } from '../instruments/instrument.js';
import type { LiDepositState } from '../../simulators/potentiostat/cell/li-plating-cell.js';

/**
 * An instrument kind (potentiostat, temperature controller, next the MCA)
 * declares in its folder `src/kinds/<kind>/` everything the rest of the
 * service needs to know of it:
 * - `config.ts`: its lab-file schemas (instrument and simulator);
 * - `instrument.ts`: the instrument class, with the hard limits checked in
 *   one place and its safe-state action;
 * - `streams.ts`: the descriptors of its streams (data keys, units, flags);
 * - `index.ts`: this object, with the driver factory (`connect`) and the
 *   simulator factory (`startSimulator`).
 * `src/kinds/registry.ts` lists the kinds; adding one touches its folder and
 * that list. Factories load drivers and simulators lazily, so reading a lab
 * file (or `operando --help`) does not load serial ports or sockets.
 */
export interface InstrumentKind<Config extends KindConfig = KindConfig, SimConfig extends KindConfig = KindConfig> {
  readonly name: Config['kind'];
  /** Lab-file schema of an instrument of the kind: an object whose `kind` is the literal `name`. */
  readonly instrumentSchema: TObject;
  /** Lab-file schema of a simulator of the kind, same `kind` literal. */
  readonly simulatorSchema: TObject;
  /** Its simulators are plants others can sit `inside` (a furnace holding a pellet). */
  readonly simulatorIsThermalHost: boolean;
  /** What the schema cannot say (minV below maxV, safeK within the limits): a problem at a path inside the entry, or null. */
  configProblem(config: Config): ConfigProblem | null;
  /** Why an instrument of this configuration cannot talk to that simulator of the kind (`sim://`), or null. */
  simulatorMismatch(config: Config, simulator: SimConfig): string | null;
  /** What a simulator entry's schema cannot say (a preset that needs a `sample`): a problem at a path inside the entry, or null. Absent: nothing. */
  simulatorConfigProblem?(config: SimConfig): ConfigProblem | null;
  /** Whether its simulator of this configuration holds a Li plating cell, which an NDP simulator can profile (an MCA simulator's `sample`). Absent: never. */
  simulatorHasLiDeposit?(config: SimConfig): boolean;
  /**
   * Opens the driver on `url` and wraps it in the kind's instrument (limits,
   * safe state). Identification is the caller's (`instrument.connect()`).
   */
  connect(config: Config, deps: ConnectDeps): Promise<ConnectableInstrument>;
  /** Starts a simulator of the kind, serving its wire protocol at its `url`. */
  startSimulator(config: SimConfig, deps: SimulatorDeps): Promise<RunningSimulator>;
  /** The simulator models `operando simulate` starts on its own, by name (`potentiostat`, `eurotherm`...). */
  readonly simulatorModels: Readonly<Record<string, SimulatorModel>>;
}

/** The option that picks what a simulator simulates: the `cell` of a potentiostat, the `preset` of a furnace or NMR VT unit. */
export interface SimulatorVariant {
  readonly key: 'cell' | 'preset';
  readonly choices: readonly string[];
  readonly default: string;
}

/** A simulator model of a kind, as `operando simulate` starts it. */
export interface SimulatorModel {
  /** The instrument and its wire protocol, for people. */
  readonly description: string;
  readonly variant: SimulatorVariant;
  /** The lab-file simulator entry of this model for checked standalone settings: the kind's factory starts it. */
  entry(id: string, settings: StandaloneSimulatorSettings): KindConfig;
}

/** What `operando simulate` sets up: the link, a TCP port and address, the noise seed, the variant (one of its choices). */
export interface StandaloneSimulatorSettings {
  readonly link: 'tcp' | 'pty';
  readonly port?: number;
  readonly host?: string;
  readonly seed: number;
  readonly variant: string;
}

/** What every lab-file entry of a kind has. */
export interface KindConfig {
  readonly id: string;
  readonly kind: string;
}

export interface ConfigProblem {
  /** JSON pointer below the entry, e.g. `/limits` or `/limits/safeK`. */
  readonly path: string;
  readonly message: string;
}

export interface ConnectDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The transport URL, `sim://` already resolved. */
  readonly url: string;
  /** The simulator behind `sim://`, when the lab runs one for this instrument. */
  readonly simulator?: RunningSimulator;
}

/**
 * An instrument not yet connected: `connect()` makes the first attempt
 * (false: not reached; it is `error` then and keeps trying).
 */
export type ConnectableInstrument = Instrument & { connect(): Promise<boolean> };

export interface SimulatorDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A plant other simulators can sit inside (a furnace, an NMR probe): its true temperature. */
export interface ThermalHost {
  temperatureK(): number;
  readonly temperatureK$: Observable<number>;
}

/** A simulator the lab started, serving its instrument's wire protocol at `url`. */
export interface RunningSimulator {
  readonly id: string;
  readonly kind: string;
  readonly url: string;
  /** The simulator object itself, for its kind's typed accessors (tests and fault injection). */
  readonly instance: object;
  /** Set when other simulators can sit inside this one. */
  readonly thermalHost?: ThermalHost;
  /** Puts this simulator's specimen inside a thermal host; returns the undo. */
  placeInside?(host: ThermalHost): () => void;
  /** The specimen as the simulator knows it, for what a lab file's sample leaves out. */
  readonly sample?: SampleConfig;
  /** The Li on a simulated cell's working electrode now, for an NDP simulator that profiles it (a Li plating cell). */
  readonly liDeposit?: () => LiDepositState;
  /** Makes this simulated NDP detector see the Li `deposit` reports from now on (an MCA simulator's `sample`); returns the undo. */
  profileLiOf?(deposit: () => LiDepositState): () => void;
  /**
   * A simulated detector's channel-to-energy calibration, agreed with the
   * instrument that reads it, which records it with every spectrum: the
   * instrument's own (lab-file `energyCalibrationKeV` at its `channels`) is
   * taken when it has one, else the simulator's. Returns the one both use.
   */
  agreeEnergyCalibration?(channels: number, instrumentKeV: readonly [number, number, number] | null): readonly [number, number, number];
  close(): Promise<void>;
}
