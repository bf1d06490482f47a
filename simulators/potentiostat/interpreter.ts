import type { Clock } from '../../src/core/clock.js';
import { encodePackage, packagedValue, type PackageVariable } from '../../drivers/potentiostat/methodscript/data-package.js';
import { isCellModelError } from './cell/index.js';
import { DEVICE_ERROR_CODES, formatErrorCode } from './error-codes.js';
import { currentRangeIndex, GALVANOSTAT_MODE, type SimulatedChannel } from './simulated-channel.js';
import type { Command, Comparison, Operand, Program } from './script-parser.js';

export interface InterpreterOptions {
  readonly channel: SimulatedChannel;
  readonly clock: Clock;
  /** One output line (without its newline). */
  readonly output: (line: string) => void;
  /** Whether the device has the galvanostat (mode 6). */
  readonly galvanostat: boolean;
  readonly eisPeriodsPerPoint: number;
  readonly eisMinPointS: number;
  /** Each point of a measurement loop as it is taken, before the loop's body runs (whether or not a host reads the output). */
  readonly onPoint?: (point: MeasuredPoint) => void;
}

/** A point of a measurement loop: the loop command, its lab time, the readings its output variables received. */
export interface MeasuredPoint {
  readonly loop: string;
  readonly labTimeMs: number;
  readonly readings: readonly PackageVariable[];
}

/** How a script run ended. */
export type RunEnding = 'completed' | 'aborted' | 'error';

/** A runtime error: the device answers `!XXXX: Line L`. */
class RuntimeFault extends Error {
  constructor(
    readonly deviceCode: number,
    readonly line: number,
  ) {
    super(`!${formatErrorCode(deviceCode)}: Line ${line}`);
  }
}

class BreakLoop extends Error {}
class Aborted extends Error {}

/** A variable's content: its type (`ab`, `ba`, `eb`...), value and reading metadata, as packed. */
type Value = PackageVariable;

const COMPARE: Readonly<Record<Comparison, (a: number, b: number) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/**
 * A reading as a device's variable holds it: at the resolution its package
 * carries (packagedValue), so a script's condition and the package agree.
 */
function held(value: Value): Value {
  return { ...value, value: packagedValue(value.value) };
}

/**
 * Executes one loaded script on a channel. Lab time is the script's own: it
 * starts at the clock's present, commands take no time, `wait` and the
 * measurement loops advance it by exact amounts (sample k of a loop at
 * t0 + k interval), and output waits until the clock reaches the time it
 * belongs to. The values thus do not depend on event-loop jitter.
 *
 * An abort (the signal) ends the running loop at once; any ending runs the
 * `on_finished:` block and then writes the empty line that ends the output.
 */
export class ScriptRun {
  private readonly variables = new Map<string, Value>();
  private nowMs: number;
  private timerStartMs: number;
  private pck: PackageVariable[] | null = null;
  private loopCount = 0;

  constructor(
    private readonly program: Program,
    private readonly options: InterpreterOptions,
    private readonly signal: AbortSignal,
  ) {
    this.nowMs = Math.max(options.clock.nowMs(), options.channel.timeMs);
    this.timerStartMs = this.nowMs;
  }

  async run(): Promise<RunEnding> {
    let ending: RunEnding = 'completed';
    try {
      // The cell ran under the last drive while the device was idle.
      this.physics(0, () => this.options.channel.advanceTo(this.nowMs));
      await this.execute(0, this.program.onFinished);
    } catch (e) {
      if (e instanceof Aborted) ending = 'aborted';
      else if (e instanceof RuntimeFault) {
        ending = 'error';
        this.options.output(e.message);
      } else throw e;
    }
    await this.finish();
    this.options.output('');
    return ending;
  }

  /** on_finished: runs whatever ended the script; an abort there is not heeded. */
  private async finish(): Promise<void> {
    try {
      await this.execute(this.program.onFinished, this.program.commands.length, false);
    } catch (e) {
      if (e instanceof RuntimeFault) this.options.output(e.message);
      else if (!(e instanceof Aborted)) throw e;
    }
  }

  private async execute(from: number, to: number, abortable = true): Promise<void> {
    for (let i = from; i < to; i++) {
      const command = this.program.commands[i];
      if (!command) return;
      if (abortable && this.signal.aborted) throw new Aborted();
      const next = await this.step(command, i, abortable);
      if (next !== undefined) i = next;
    }
  }

  /** Runs one command; returns the index to continue after, for blocks. */
  private async step(command: Command, index: number, abortable: boolean): Promise<number | undefined> {
    const { channel } = this.options;
    const operand = (k: number) => this.evaluate(command, command.operands[k]);
    switch (command.name) {
      case 'var':
      case 'set_pgstat_chan':
      case 'set_max_bandwidth':
      case 'set_range':
      case 'set_range_minmax':
      case 'set_autoranging':
      case 'endloop':
      case 'endif':
        // Ranging and bandwidth do not change an ideal simulated reading.
        return undefined;
      case 'set_pgstat_mode': {
        const mode = operand(0);
        if (mode === GALVANOSTAT_MODE && !this.options.galvanostat) throw new RuntimeFault(DEVICE_ERROR_CODES.modeNotSupported, command.line);
        this.drive(command, () => {
          channel.mode = mode;
          channel.holdsCurrent = false;
        });
        return undefined;
      }
      case 'set_e':
        this.drive(command, () => (channel.appliedPotentialV = operand(0)));
        return undefined;
      case 'set_i':
        this.drive(command, () => (channel.appliedCurrentA = operand(0)));
        return undefined;
      case 'cell_on':
        this.drive(command, () => (channel.cellOn = true));
        return undefined;
      case 'cell_off':
        this.drive(command, () => (channel.cellOn = false));
        return undefined;
      case 'timer_start':
        this.timerStartMs = this.nowMs;
        return undefined;
      case 'timer_get':
        this.store(command, 0, held({ type: 'eb', value: (this.nowMs - this.timerStartMs) / 1000 }));
        return undefined;
      case 'pck_start':
        this.pck = [];
        return undefined;
      case 'pck_add':
        this.pck?.push(this.packageVariable(command));
        return undefined;
      case 'pck_end':
        if (this.pck && this.pck.length > 0) this.options.output(encodePackage({ variables: this.pck }));
        this.pck = null;
        return undefined;
      case 'wait':
        await this.sleepUntil(this.nowMs + operand(0) * 1000, abortable);
        this.physics(command.line, () => channel.advanceTo(this.nowMs));
        return undefined;
      case 'if':
        if (!this.compare(command)) return command.end;
        return undefined;
      case 'breakloop':
        throw new BreakLoop();
      case 'loop':
        await this.loop(command, index);
        return command.end;
      default:
        await this.measurementLoop(command, index);
        return command.end;
    }
  }

  private async loop(command: Command, index: number): Promise<void> {
    this.options.output('L');
    try {
      while (this.compare(command)) await this.execute(index + 1, command.end ?? index + 1);
    } catch (e) {
      if (!(e instanceof BreakLoop)) throw e;
    } finally {
      this.options.output('+');
    }
  }

  /** meas_loop_*: the technique's timing and readings; the body runs once per point. */
  private async measurementLoop(command: Command, index: number): Promise<void> {
    const { channel } = this.options;
    const body = () => this.execute(index + 1, command.end ?? index + 1);
    const points = this.points(command);
    this.options.output(`M${(this.loopCount++).toString(16).toUpperCase().padStart(4, '0')}`);
    try {
      for (const point of points) {
        // Wait first: an abort during the wait leaves the cell at the abort time, not at the point.
        await this.sleepUntil(point.atMs, true);
        const readings = this.physics(command.line, () => {
          channel.advanceTo(this.nowMs);
          return point.read().map(held);
        });
        readings.forEach((value, k) => this.store(command, k, value));
        this.options.onPoint?.({ loop: command.name, labTimeMs: this.nowMs, readings });
        await body();
      }
    } catch (e) {
      if (!(e instanceof BreakLoop)) throw e;
    } finally {
      this.options.output('*');
    }
  }

  /** The points of a measurement loop: when each is taken and how it is read. Sets the drive. */
  private points(command: Command): Iterable<{ atMs: number; read: () => Value[] }> {
    const { channel } = this.options;
    const operand = (k: number) => this.evaluate(command, command.operands[k]);
    const requireCell = (on: boolean) => {
      if (channel.cellOn !== on) throw new RuntimeFault(DEVICE_ERROR_CODES.wrongCellState, command.line);
    };
    const requireMode = (galvanostat: boolean, mode?: number) => {
      if ((channel.mode === GALVANOSTAT_MODE) !== galvanostat || (mode !== undefined && channel.mode !== mode)) {
        throw new RuntimeFault(DEVICE_ERROR_CODES.wrongMode, command.line);
      }
    };
    const range = (currentA: number) => ({ status: 0, rangeIndex: currentRangeIndex(currentA) });
    switch (command.name) {
      case 'meas_loop_ocp': {
        requireCell(false);
        return this.timed(operand(0), operand(1), () => [{ type: 'ab', value: channel.readPotentialV() }]);
      }
      case 'meas_loop_cp': {
        requireCell(true);
        requireMode(true);
        const currentA = operand(0);
        this.drive(command, () => (channel.appliedCurrentA = currentA));
        return this.timed(operand(1), operand(2), () => {
          const measured = channel.readCurrentA();
          return [
            { type: 'ab', value: channel.readPotentialV() },
            { type: 'ba', value: measured, ...range(measured) },
          ];
        });
      }
      case 'meas_loop_ca': {
        requireCell(true);
        requireMode(false);
        const potentialV = operand(0);
        this.drive(command, () => (channel.appliedPotentialV = potentialV));
        return this.timed(operand(1), operand(2), () => {
          const measured = channel.readCurrentA();
          return [
            { type: 'da', value: potentialV },
            { type: 'ba', value: measured, ...range(measured) },
          ];
        });
      }
      case 'meas_loop_eis':
      case 'meas_loop_geis': {
        requireCell(true);
        requireMode(false, 3);
        const [amplitude, startHz, endHz, count, dc] = [0, 1, 2, 3, 4].map(operand) as [number, number, number, number, number];
        if (!(amplitude > 0 && startHz > 0 && endHz > 0 && Number.isInteger(count) && count >= 1)) {
          throw new RuntimeFault(DEVICE_ERROR_CODES.valueOutOfRange, command.line);
        }
        const galvanostatic = command.name === 'meas_loop_geis';
        this.drive(command, () => {
          if (galvanostatic) channel.appliedCurrentA = dc;
          else channel.appliedPotentialV = dc;
          channel.holdsCurrent = galvanostatic;
        });
        return this.sweep(startHz, endHz, count, (frequencyHz) => {
          const z = channel.readImpedance(frequencyHz, galvanostatic ? { amplitudeA: amplitude } : { amplitudeV: amplitude });
          const currentAmplitudeA = galvanostatic ? amplitude : amplitude / Math.hypot(z.re, z.im);
          return [
            { type: 'dc', value: frequencyHz },
            { type: 'cc', value: z.re, status: 0, rangeIndex: currentRangeIndex(currentAmplitudeA) },
            { type: 'cd', value: z.im },
          ];
        });
      }
      default:
        throw new RuntimeFault(DEVICE_ERROR_CODES.unknownCommand, command.line);
    }
  }

  /** Points every `intervalS` for `runS`: the k-th at t0 + k interval (k = 1...). */
  private *timed(intervalS: number, runS: number, read: () => Value[]): Iterable<{ atMs: number; read: () => Value[] }> {
    const startMs = this.nowMs;
    const count = intervalS > 0 ? Math.floor(runS / intervalS + 1e-9) : 0;
    for (let k = 1; k <= count; k++) yield { atMs: startMs + k * intervalS * 1000, read };
  }

  /** EIS points, log-spaced from start to end; each lasts a few periods, at least the minimum. */
  private *sweep(startHz: number, endHz: number, count: number, read: (frequencyHz: number) => Value[]): Iterable<{ atMs: number; read: () => Value[] }> {
    let atMs = this.nowMs;
    for (let k = 0; k < count; k++) {
      const frequencyHz = count === 1 ? startHz : startHz * (endHz / startHz) ** (k / (count - 1));
      atMs += Math.max(this.options.eisMinPointS, this.options.eisPeriodsPerPoint / frequencyHz) * 1000;
      yield { atMs, read: () => read(frequencyHz) };
    }
  }

  /** Changes the drive at the present lab time: the cell is computed up to now under the old one first. */
  private drive(command: Command, change: () => void): void {
    this.physics(command.line, () => {
      this.options.channel.advanceTo(this.nowMs);
      change();
    });
  }

  /** Runs model code for a script line; a cell the model cannot solve is an overload of the device. */
  private physics<T>(line: number, work: () => T): T {
    try {
      return work();
    } catch (e) {
      if (isCellModelError(e)) throw new RuntimeFault(DEVICE_ERROR_CODES.cellOverload, line);
      throw e;
    }
  }

  /**
   * Waits until the clock reaches `targetMs` and moves the script's time there.
   * An abort ends the wait with the script's time at the moment of the abort;
   * the cell catches up at the next drive change (on_finished's cell_off).
   */
  private async sleepUntil(targetMs: number, abortable: boolean): Promise<void> {
    const { clock } = this.options;
    const waitMs = targetMs - clock.nowMs();
    if (waitMs > 0) {
      try {
        await clock.sleep(waitMs, abortable ? this.signal : undefined);
      } catch (e) {
        if (!this.signal.aborted) throw e;
        this.nowMs = Math.min(targetMs, Math.max(this.nowMs, clock.nowMs()));
        throw new Aborted();
      }
    }
    this.nowMs = targetMs;
  }

  private compare(command: Command): boolean {
    const compare = COMPARE[command.comparison ?? '=='];
    return compare(this.evaluate(command, command.operands[0]), this.evaluate(command, command.operands[1]));
  }

  private evaluate(command: Command, operand: Operand | undefined): number {
    if (!operand) throw new RuntimeFault(DEVICE_ERROR_CODES.notInThisState, command.line);
    if (operand.kind === 'literal') return operand.value;
    const found = this.variables.get(operand.name);
    if (!found) throw new RuntimeFault(DEVICE_ERROR_CODES.variableWithoutValue, command.line);
    return found.value;
  }

  private packageVariable(command: Command): PackageVariable {
    const operand = command.operands[0];
    if (operand?.kind === 'literal') return { type: 'ja', value: operand.value };
    const found = operand ? this.variables.get(operand.name) : undefined;
    if (!found) throw new RuntimeFault(DEVICE_ERROR_CODES.variableWithoutValue, command.line);
    return { ...found };
  }

  private store(command: Command, k: number, value: Value): void {
    const name = command.targets[k];
    if (name !== undefined) this.variables.set(name, value);
  }
}
