import { Subject, type Observable } from 'rxjs';
import { OperandoError } from '../../../src/core/errors.js';
import { EsrBit, HeaterStatus, ReadingStatusBit } from '../../../drivers/temperature/lakeshore336/reply-parser.js';
import type { ThermalSimulation } from '../thermal-simulation.js';

export interface LakeShore336Identity {
  readonly serial: string;
  readonly firmware: string;
}

/** Heater power per range (0 off, 1 low, 2 medium, 3 high): the 336's ranges are decades of power. */
const HEATER_RANGE_FRACTION = [0, 0.01, 0.1, 1] as const;
type HeaterRange = 0 | 1 | 2 | 3;
/** The 336's ramp rates, K/min. */
const MAX_RAMP_K_PER_MIN = 100;

/** Why a part of a command line failed; it sets the matching bit of the event status register. */
class CommandLineError extends OperandoError<'COMMAND_ERROR' | 'EXECUTION_ERROR'> {
  get esrBit(): number {
    return this.code === 'COMMAND_ERROR' ? EsrBit.commandError : EsrBit.executionError;
  }
}

const commandError = (): CommandLineError => new CommandLineError('unknown command or wrong number of parameters', 'COMMAND_ERROR');
const executionError = (): CommandLineError => new CommandLineError('parameter out of range', 'EXECUTION_ERROR');

/**
 * The Lake Shore 336's command set over a ThermalSimulation: control loop 1
 * on input A. Lines hold commands and queries separated by `;`; the answers
 * of the queries come back on one line separated by `;`, none when the line
 * has no query. An unknown command sets the command-error bit of the event
 * status register, a bad parameter the execution-error bit; `*ESR?` reads and
 * clears it. SETP? answers the working (ramping) setpoint. It starts on
 * heater range 3 (high), holding the preset's initial temperature, as an
 * instrument that was already in use. `TLIMIT A,K` (0 = off) switches the
 * control output off (heater range 0) when input A reads above K, until a
 * `RANGE` switches it on again.
 */
export class LakeShore336Interpreter {
  private esr = 0;
  private heaterRange: HeaterRange = 3;
  private rampOn = false;
  private rampKPerMin = 0;
  private readonly received = new Subject<string>();

  /** Every command line received (tests assert, for example, that nothing was set). */
  readonly lines$: Observable<string> = this.received.asObservable();

  constructor(
    private readonly simulation: ThermalSimulation,
    private readonly identity: LakeShore336Identity = { serial: 'LSA2F3C', firmware: '2.9' },
  ) {
    simulation.setHeaterScale(HEATER_RANGE_FRACTION[this.heaterRange]);
  }

  /** The reply line (without terminator) to a command line, or null when it has no query. */
  handleLine(line: string): string | null {
    this.received.next(line);
    const answers: string[] = [];
    for (const part of line.split(';')) {
      const text = part.trim();
      if (text === '') continue;
      try {
        const answer = this.execute(text);
        if (answer !== null) answers.push(answer);
      } catch (e) {
        if (!(e instanceof CommandLineError)) throw e;
        this.esr |= 1 << e.esrBit;
      }
    }
    return answers.length > 0 ? answers.join(';') : null;
  }

  private execute(text: string): string | null {
    const match = /^(\*?[A-Za-z]+\??)\s*(.*)$/.exec(text);
    if (!match) throw commandError();
    const mnemonic = match[1]!.toUpperCase();
    const args = match[2] === '' ? [] : match[2]!.split(',').map((a) => a.trim());
    const s = this.simulation.snapshot();
    switch (mnemonic) {
      case '*IDN?':
        return `LSCI,MODEL336,${this.identity.serial},${this.identity.firmware}`;
      case '*ESR?': {
        const value = this.esr;
        this.esr = 0;
        return String(value);
      }
      case '*CLS':
        this.esr = 0;
        return null;
      case 'KRDG?':
        this.input(args);
        // A broken sensor reads 0 K alongside its RDGST? bits.
        return signed(s.sensorBreak ? 0 : s.measuredK, 3);
      case 'RDGST?':
        this.input(args);
        return String(s.sensorBreak ? 1 << ReadingStatusBit.sensorUnitsOverrange : 0);
      case 'SETP': {
        this.loop(args, 2);
        const k = number(args[1]);
        if (k < s.setpointLowK || k > s.setpointHighK) throw executionError();
        this.simulation.setTargetSetpoint(k);
        return null;
      }
      case 'TLIMIT': {
        if (args.length !== 2) throw commandError();
        this.input(args.slice(0, 1));
        const k = number(args[1]);
        if (k < 0) throw executionError();
        this.simulation.setOutputCutoff(k === 0 ? null : k);
        return null;
      }
      case 'TLIMIT?':
        this.input(args);
        return signed(s.outputCutoffK ?? 0, 3);
      case 'SETP?':
        this.loop(args, 1);
        return signed(s.workingSetpointK, 3);
      case 'RAMP': {
        this.loop(args, 3);
        const on = integer(args[1], 0, 1);
        const rate = number(args[2]);
        if (rate < 0 || rate > MAX_RAMP_K_PER_MIN) throw executionError();
        this.rampOn = on === 1;
        this.rampKPerMin = rate;
        // A rate of 0 ramps "infinitely fast": the setpoint steps.
        this.simulation.setRamp(this.rampOn && rate > 0 ? rate : null);
        return null;
      }
      case 'RAMP?':
        this.loop(args, 1);
        return `${this.rampOn ? 1 : 0},${signed(this.rampKPerMin, 1)}`;
      case 'RAMPST?':
        this.loop(args, 1);
        return s.rampKPerMin !== null && !s.rampComplete ? '1' : '0';
      case 'RANGE': {
        this.loop(args, 2);
        this.heaterRange = integer(args[1], 0, 3) as HeaterRange;
        this.simulation.setHeaterScale(HEATER_RANGE_FRACTION[this.heaterRange]);
        return null;
      }
      case 'RANGE?':
        this.loop(args, 1);
        return String(s.outputCutoffTripped ? 0 : this.heaterRange);
      case 'HTR?':
        this.loop(args, 1);
        return signed(this.heaterRange === 0 || s.outputCutoffTripped ? 0 : s.outputPercent, 1);
      case 'HTRST?':
        this.loop(args, 1);
        return String(s.heaterFail ? HeaterStatus.openLoad : HeaterStatus.ok);
      default:
        throw commandError();
    }
  }

  /** Only input A is connected. */
  private input(args: string[]): void {
    if (args.length !== 1) throw commandError();
    if (args[0]!.toUpperCase() !== 'A') throw executionError();
  }

  /** Only loop (output) 1 is connected; `count` is the number of arguments including it. */
  private loop(args: string[], count: number): void {
    if (args.length !== count) throw commandError();
    integer(args[0], 1, 1);
  }
}

function number(text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(value)) throw executionError();
  return value;
}

function integer(text: string | undefined, min: number, max: number): number {
  const value = number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw executionError();
  return value;
}

/** The 336's number format: explicit sign, fixed decimals (`+300.000`). */
function signed(value: number, decimals: number): string {
  return `${value < 0 ? '-' : '+'}${Math.abs(value).toFixed(decimals)}`;
}
