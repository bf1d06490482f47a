import { asciiText, formatConfiguration, parseConfiguration, type ConfigurationCommand } from '../../drivers/mca/amptek-dp5/configuration.js';
import { encodePacket, pidsText, type Dp5Packet } from '../../drivers/mca/amptek-dp5/packet.js';
import { Dp5PacketParser } from '../../drivers/mca/amptek-dp5/packet-parser.js';
import { ACK, ackPacket, REPLY_PIDS } from '../../drivers/mca/amptek-dp5/replies.js';
import { REQUEST_PIDS } from '../../drivers/mca/amptek-dp5/requests.js';
import { encodeSpectrumPacket, isSpectrumChannels, MAX_CHANNEL_COUNT, type SpectrumChannels } from '../../drivers/mca/amptek-dp5/spectrum.js';
import { encodeStatus, type Dp5Status, type Dp5Version } from '../../drivers/mca/amptek-dp5/status.js';
import { Subject, type Observable } from 'rxjs';
import type { Clock } from '../../src/core/clock.js';
import { Random } from '../common/random.js';
import { DP5_SIMULATOR_DEFAULTS } from './defaults.js';
import type { SpectrumSource } from './spectrum-source.js';

export interface Dp5Identity {
  readonly deviceId: number;
  readonly serialNumber: number;
  readonly firmwareVersion: Dp5Version;
  readonly fpgaVersion: Dp5Version;
}

export interface Dp5DeviceOptions {
  /** Lab time: real time and live time accumulate on it (a lab at 600x counts 600 s a second). */
  readonly clock: Clock;
  readonly source: SpectrumSource;
  /** Seed of the counting statistics. */
  readonly seed: number;
  readonly identity?: Partial<Dp5Identity>;
  readonly deadTimeS?: number;
}

/** The device's state, for tests and the simulator's status. */
export interface Dp5DeviceState {
  readonly enabled: boolean;
  readonly channels: SpectrumChannels;
  /** Null: no preset (`PRET=OFF`). */
  readonly presetRealTimeS: number | null;
  readonly presetReached: boolean;
  readonly realTimeS: number;
  readonly liveTimeS: number;
  readonly totalCounts: number;
  readonly monitorCounts: number;
  readonly inputCounts: number;
}

const NS_PER_TENTH = 100_000_000n;
const MAX_COUNTER = 0xffffffff;
/** Configuration the simulated DP5 takes: the two the driver sets, and detector settings it only stores. */
const STORED_ONLY = new Set(['GAIN', 'TPEA', 'THSL', 'THFA', 'PRER', 'PREC']);

/**
 * The DP5's side of the packet protocol: requests in, replies out, and the
 * MCA behind them (PROTOCOL.md in drivers/mca/amptek-dp5/).
 *
 * The MCA accumulates on the lab clock whenever it is enabled, up to the
 * preset real time, at which it stops and flags it, as a DP5 does. Its state
 * is brought up to the lab time at every request (and `state()`): over each
 * stretch the source says what reaches the detector, the device records the
 * live fraction 1 / (1 + rate x dead time) of it (non-paralysable dead time)
 * as Poisson draws of a seeded generator, and counts the input events and
 * the monitor (general-purpose counter) the same way. A channel saturates at
 * 2^24 - 1 (its three bytes), a counter at 2^32 - 1.
 *
 * Refusals are the DP5's acknowledge codes: a bad checksum 04, bytes outside a
 * packet 01, a length field the request cannot have 03, unknown PID1 02,
 * unknown PID2 07, configuration it does not take 05 (with the command).
 */
export class Dp5Device {
  private readonly clock: Clock;
  private source: SpectrumSource;
  private readonly random: Random;
  private readonly identity: Dp5Identity;
  private readonly deadTimeS: number;
  private readonly parser = new Dp5PacketParser(DP5_SIMULATOR_DEFAULTS.maxRequestDataBytes);
  private channels: SpectrumChannels = DP5_SIMULATOR_DEFAULTS.channels;
  private counts = new Uint32Array(DP5_SIMULATOR_DEFAULTS.channels);
  private enabled = false;
  private presetNs: bigint | null = null;
  private presetReached = false;
  private realNs = 0n;
  private liveS = 0;
  private fastCount = 0;
  private slowCount = 0;
  private generalPurposeCount = 0;
  /** Lab time up to which the state is accumulated. */
  private accumulatedToNs: bigint;
  /** Values of stored-only commands, for readback. */
  private readonly stored = new Map<string, string>();
  private readonly handled = new Subject<Dp5Packet>();
  /** Every request packet, once answered (busy ones included): what tests wait for. */
  readonly requests$: Observable<Dp5Packet> = this.handled.asObservable();

  constructor(options: Dp5DeviceOptions) {
    this.clock = options.clock;
    this.source = options.source;
    this.random = new Random(options.seed);
    this.identity = { ...DP5_SIMULATOR_DEFAULTS.identity, ...options.identity };
    this.deadTimeS = options.deadTimeS ?? DP5_SIMULATOR_DEFAULTS.deadTimeS;
    this.accumulatedToNs = this.clock.nowNs();
  }

  /** Another source from now on (what was accumulated stays): the NDP model plugs in here. */
  setSource(source: SpectrumSource): void {
    this.advance();
    this.source = source;
  }

  /** The source counted from now on (tests, fault injection: the NDP model's beam). */
  currentSource(): SpectrumSource {
    return this.source;
  }

  /** The replies to the requests in `bytes`, in order; `busy` answers each request with ACK 0D and leaves it undone. */
  receive(bytes: Uint8Array, options: { busy?: boolean } = {}): Uint8Array[] {
    const replies: Uint8Array[] = [];
    for (const event of this.parser.push(bytes)) {
      if ('error' in event) {
        const code = event.error.code === 'BAD_CHECKSUM' ? ACK.checksumError : event.error.code === 'PACKET_TOO_LONG' ? ACK.lengthError : ACK.syncError;
        replies.push(ackPacket(code));
      } else {
        replies.push(options.busy ? ackPacket(ACK.busy) : this.handle(event.packet));
        this.handled.next(event.packet);
      }
    }
    return replies;
  }

  /** Forgets a partial request (a new datagram: UDP requests never span two). */
  resetFraming(): void {
    this.parser.reset();
  }

  state(): Dp5DeviceState {
    this.advance();
    let total = 0;
    for (const count of this.counts) total += count;
    return {
      enabled: this.enabled,
      channels: this.channels,
      presetRealTimeS: this.presetNs === null ? null : Number(this.presetNs) / 1e9,
      presetReached: this.presetReached,
      realTimeS: Number(this.realNs) / 1e9,
      liveTimeS: this.liveS,
      totalCounts: total,
      monitorCounts: this.generalPurposeCount,
      inputCounts: this.fastCount,
    };
  }

  /** The reply to one request. */
  handle(packet: Dp5Packet): Uint8Array {
    const { pid1, pid2, data } = packet;
    const is = ([p1, p2]: readonly [number, number]) => pid1 === p1 && pid2 === p2;
    const noData = (reply: () => Uint8Array) => (data.length === 0 ? reply() : ackPacket(ACK.lengthError));
    if (is(REQUEST_PIDS.status)) return noData(() => encodePacket(REPLY_PIDS.status[0], REPLY_PIDS.status[1], encodeStatus(this.status())));
    if (is(REQUEST_PIDS.spectrum)) return noData(() => this.spectrum(false));
    if (is(REQUEST_PIDS.spectrumAndStatus)) return noData(() => this.spectrum(true));
    if (is(REQUEST_PIDS.textConfiguration)) return this.configure(data);
    if (is(REQUEST_PIDS.readConfiguration)) return this.readBack(data);
    if (is(REQUEST_PIDS.clearSpectrum)) return noData(() => this.command(() => this.clear()));
    if (is(REQUEST_PIDS.enableMca)) return noData(() => this.command(() => this.enable()));
    if (is(REQUEST_PIDS.disableMca)) return noData(() => this.command(() => this.disable()));
    if (is(REQUEST_PIDS.echo)) return encodePacket(REPLY_PIDS.echo[0], REPLY_PIDS.echo[1], data);
    const knownGroup = Object.values(REQUEST_PIDS).some(([p1]) => p1 === pid1);
    return ackPacket(knownGroup ? ACK.unrecognisedCommand : ACK.pidError, pidsText(pid1, pid2));
  }

  private command(action: () => void): Uint8Array {
    this.advance();
    action();
    return ackPacket(ACK.ok);
  }

  private clear(): void {
    this.counts = new Uint32Array(this.channels);
    this.realNs = 0n;
    this.liveS = 0;
    this.fastCount = 0;
    this.slowCount = 0;
    this.generalPurposeCount = 0;
    this.presetReached = false;
  }

  private enable(): void {
    this.enabled = true;
    // A preset already counted stops it again at once, as on the device.
    this.stopAtPreset();
  }

  private disable(): void {
    this.enabled = false;
  }

  private status(): Dp5Status {
    this.advance();
    const realMs = Number(this.realNs / 1_000_000n);
    return {
      fastCount: this.fastCount,
      slowCount: this.slowCount,
      generalPurposeCount: this.generalPurposeCount,
      accumulationTimeS: realMs / 1000,
      liveTimeS: Math.floor(this.liveS * 1000) / 1000,
      realTimeS: realMs / 1000,
      firmwareVersion: this.identity.firmwareVersion,
      fpgaVersion: this.identity.fpgaVersion,
      serialNumber: this.identity.serialNumber,
      highVoltageV: DP5_SIMULATOR_DEFAULTS.detector.highVoltageV,
      detectorTemperatureK: DP5_SIMULATOR_DEFAULTS.detector.detectorTemperatureK,
      boardTemperatureC: DP5_SIMULATOR_DEFAULTS.detector.boardTemperatureC,
      presetRealTimeReached: this.presetReached,
      mcaEnabled: this.enabled,
      presetCountReached: false,
      deviceId: this.identity.deviceId,
    };
  }

  private spectrum(withStatus: boolean): Uint8Array {
    const status = withStatus ? this.status() : (this.advance(), null);
    return encodeSpectrumPacket(this.counts, status);
  }

  /** `20 02`: every command checked before any is applied; the first refused one is named in the ACK. */
  private configure(data: Uint8Array): Uint8Array {
    const commands = this.commandsOf(data);
    if (!Array.isArray(commands)) return commands;
    for (const command of commands) {
      if (!this.accepts(command)) return ackPacket(ACK.badParameter, formatConfiguration([command]));
    }
    this.advance();
    for (const command of commands) this.apply(command);
    return ackPacket(ACK.ok);
  }

  /** `20 03`: `NAME=?;` each, answered `NAME=VALUE;` each. */
  private readBack(data: Uint8Array): Uint8Array {
    const commands = this.commandsOf(data);
    if (!Array.isArray(commands)) return commands;
    const values: ConfigurationCommand[] = [];
    for (const { name, value } of commands) {
      const current = this.valueOf(name);
      if (value !== '?' || current === undefined) return ackPacket(ACK.badParameter, `${name}=${value};`);
      values.push({ name, value: current });
    }
    return encodePacket(REPLY_PIDS.configurationReadback[0], REPLY_PIDS.configurationReadback[1], new Uint8Array(Buffer.from(formatConfiguration(values), 'latin1')));
  }

  private commandsOf(data: Uint8Array): ConfigurationCommand[] | Uint8Array {
    const text = asciiText(data);
    if (text === null) return ackPacket(ACK.badParameter);
    try {
      return parseConfiguration(text);
    } catch {
      return ackPacket(ACK.badParameter, text.slice(0, 64));
    }
  }

  private accepts({ name, value }: ConfigurationCommand): boolean {
    if (name === 'PRET') return value === 'OFF' || presetTenths(value) !== null;
    if (name === 'MCAC') return isSpectrumChannels(Number(value)) && /^\d+$/.test(value);
    return STORED_ONLY.has(name);
  }

  private apply({ name, value }: ConfigurationCommand): void {
    if (name === 'PRET') {
      const tenths = value === 'OFF' ? null : presetTenths(value);
      this.presetNs = tenths === null || tenths === 0n ? null : tenths * NS_PER_TENTH;
      this.stopAtPreset();
    } else if (name === 'MCAC') {
      const channels = Number(value) as SpectrumChannels;
      if (channels !== this.channels) {
        // A new channel count starts an empty spectrum.
        this.channels = channels;
        this.counts = new Uint32Array(channels);
      }
    } else {
      this.stored.set(name, value);
    }
  }

  private valueOf(name: string): string | undefined {
    if (name === 'PRET') return this.presetNs === null ? 'OFF' : (Number(this.presetNs / NS_PER_TENTH) / 10).toFixed(1);
    if (name === 'MCAC') return String(this.channels);
    return this.stored.get(name);
  }

  /** Brings the MCA up to the lab time: counts, clocks and counters of the stretch while enabled, stopping at the preset. */
  private advance(): void {
    const nowNs = this.clock.nowNs();
    if (nowNs <= this.accumulatedToNs) return;
    if (this.enabled) {
      const untilPresetNs = this.presetNs === null ? null : this.presetNs - this.realNs;
      const endNs = untilPresetNs !== null && this.accumulatedToNs + untilPresetNs < nowNs ? this.accumulatedToNs + untilPresetNs : nowNs;
      if (endNs > this.accumulatedToNs) this.accumulate(this.accumulatedToNs, endNs);
      this.stopAtPreset();
    }
    this.accumulatedToNs = nowNs;
    this.source.settle?.(nowNs);
  }

  private accumulate(fromNs: bigint, toNs: bigint): void {
    const seconds = Number(toNs - fromNs) / 1e9;
    const arriving = this.source.accumulate(fromNs, toNs, this.channels);
    const liveFraction = 1 / (1 + arriving.inputRatePerS * this.deadTimeS);
    let recorded = 0;
    for (let channel = 0; channel < this.channels; channel++) {
      const n = this.random.poisson(Math.max(0, arriving.counts[channel] ?? 0) * liveFraction);
      recorded += n;
      this.counts[channel] = Math.min(MAX_CHANNEL_COUNT, this.counts[channel]! + n);
    }
    this.slowCount = Math.min(MAX_COUNTER, this.slowCount + recorded);
    this.fastCount = Math.min(MAX_COUNTER, this.fastCount + this.random.poisson(arriving.inputRatePerS * seconds));
    this.generalPurposeCount = Math.min(MAX_COUNTER, this.generalPurposeCount + this.random.poisson(Math.max(0, arriving.monitorCounts)));
    this.realNs += toNs - fromNs;
    this.liveS += seconds * liveFraction;
  }

  private stopAtPreset(): void {
    if (this.presetNs !== null && this.realNs >= this.presetNs) {
      this.presetReached = true;
      this.enabled = false;
    }
  }
}

/** A preset real time in tenths of a second (`60`, `60.5`; at most 99999999.9 s), or null. */
function presetTenths(value: string): bigint | null {
  const match = /^(\d{1,8})(?:\.(\d))?$/.exec(value);
  if (!match) return null;
  return BigInt(match[1]!) * 10n + BigInt(match[2] ?? '0');
}
