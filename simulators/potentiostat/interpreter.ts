import type { Clock } from '../../src/core/clock.js';
import { encodePackage, packagedValue, type PackageVariable } from '../../drivers/potentiostat/methodscript/data-package.js';
import { isCellModelError } from './cell/index.js';
import { DEVICE_ERROR_CODES, formatErrorCode } from './error-codes.js';
import { current, measurementLoop } from './measurement-loops.js';
import { ScriptFault } from './script-fault.js';
import { arithmetic, convert, linearFit, logarithm, mean, ScriptVariables, type Arithmetic, type Value } from './script-variables.js';
import { GALVANOSTAT_MODE, type SimulatedChannel } from './simulated-channel.js';
import type { Command, Comparison, Operand, Program, TextPart } from './script-parser.js';

export interface InterpreterOptions {
  readonly channel: SimulatedChannel;
  readonly clock: Clock;
  /** One output line (without its newline). */
  readonly output: (line: string) => void;
  /** Whether the device has the galvanostat (mode 6). */
  readonly galvanostat: boolean;
  readonly eisPeriodsPerPoint: number;
  readonly eisMinPointS: number;
  /** Elements of all arrays of one script together. */
  readonly maxArrayElements: number;
  /** Commands run between two turns of the event loop when none waits on the clock. */
  readonly commandsPerTurn: number;
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

const COMPARE: Readonly<Record<Comparison, (a: number, b: number) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

const ARITHMETIC: ReadonlySet<string> = new Set<Arithmetic>(['add_var', 'sub_var', 'mul_var', 'div_var', 'mod_var', 'pow_var']);

/** Commands the simulated channel accepts and does not model: bandwidth, potential ranges, acquisition. */
const ACCEPTED: ReadonlySet<string> = new Set(['var', 'set_pgstat_chan', 'set_max_bandwidth', 'set_acquisition_frac_autoadjust', 'set_pot_range', 'set_range_minmax', 'endloop', 'endif']);

/**
 * A reading as a device's variable holds it: at the resolution its package
 * carries (packagedValue), so a script's condition and the package agree.
 */
function held(value: PackageVariable): PackageVariable {
  return { ...value, value: packagedValue(value.value) };
}

/**
 * Executes one loaded script on a channel. Lab time is the script's own: it
 * starts at the clock's present, commands take no time, `wait` and the
 * measurement loops advance it by exact amounts (sample k of a loop at
 * t0 + k interval), and output waits until the clock reaches the time it
 * belongs to. The values thus do not depend on event-loop jitter. A script
 * that loops without waiting yields to the event loop every
 * `commandsPerTurn` commands, so the links (and an abort) are served.
 *
 * An abort (the signal) ends the running loop at once; any ending runs the
 * `on_finished:` block and then writes the empty line that ends the output.
 */
export class ScriptRun {
  private readonly variables: ScriptVariables;
  private nowMs: number;
  private timerStartMs: number;
  /** `set_int`: the interval timer's period and the start of its present period (lab ms); null before set_int. */
  private interval: { periodMs: number; startMs: number } | null = null;
  /** `set_script_output`: whether data (packages, send_string) reach the host; loop markers, errors and the end always do. */
  private dataOutput = true;
  private pck: PackageVariable[] | null = null;
  private loopCount = 0;
  private commandsThisTurn = 0;

  constructor(
    private readonly program: Program,
    private readonly options: InterpreterOptions,
    private readonly signal: AbortSignal,
  ) {
    this.nowMs = Math.max(options.clock.nowMs(), options.channel.timeMs);
    this.timerStartMs = this.nowMs;
    this.variables = new ScriptVariables(options.maxArrayElements);
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
      else if (!(e instanceof Aborted) && !(e instanceof BreakLoop)) throw e;
    }
  }

  private async execute(from: number, to: number, abortable = true): Promise<void> {
    for (let i = from; i < to; i++) {
      const command = this.program.commands[i];
      if (!command) return;
      if (abortable && this.signal.aborted) throw new Aborted();
      if (++this.commandsThisTurn >= this.options.commandsPerTurn) {
        this.commandsThisTurn = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (abortable && this.signal.aborted) throw new Aborted();
      }
      let next: number | undefined;
      try {
        next = await this.step(command, i, abortable);
      } catch (e) {
        if (e instanceof ScriptFault) throw new RuntimeFault(DEVICE_ERROR_CODES[e.code], command.line);
        throw e;
      }
      if (next !== undefined) i = next;
    }
  }

  /** Runs one command; returns the index to continue after, for blocks and branches. */
  private async step(command: Command, index: number, abortable: boolean): Promise<number | undefined> {
    const { channel } = this.options;
    const number = (k: number) => this.number(command.operands[k]);
    if (ACCEPTED.has(command.name)) return undefined;
    if (ARITHMETIC.has(command.name)) {
      const target = command.targets[0]!;
      this.variables.write(target, arithmetic(command.name as Arithmetic, this.variables.read(target), this.read(command.operands[0])));
      return undefined;
    }
    switch (command.name) {
      case 'array':
        this.variables.allocate(command.arrays[0]!, number(0));
        return undefined;
      case 'store_var': {
        const { value, integer } = this.read(command.operands[0]);
        this.variables.write(command.targets[0]!, { type: command.variableType!, value, ...(integer && { integer }) });
        return undefined;
      }
      case 'copy_var':
        this.variables.write(command.targets[0]!, this.read(command.operands[0]));
        return undefined;
      case 'float_to_int':
      case 'int_to_float': {
        const target = command.targets[0]!;
        this.variables.write(target, convert(this.variables.read(target), command.name === 'float_to_int'));
        return undefined;
      }
      case 'alter_vartype': {
        const target = command.targets[0]!;
        const { value, integer } = this.variables.read(target);
        this.variables.write(target, { type: command.variableType!, value, ...(integer && { integer }) });
        return undefined;
      }
      case 'array_set':
        this.variables.setElement(command.arrays[0]!, number(0), this.read(command.operands[1]));
        return undefined;
      case 'array_get':
        this.variables.write(command.targets[0]!, this.variables.element(command.arrays[0]!, number(0)));
        return undefined;
      case 'log_var': {
        const target = command.targets[0]!;
        this.variables.write(target, logarithm(this.variables.read(target)));
        return undefined;
      }
      case 'mean':
        this.variables.write(command.targets[0]!, mean(this.variables.values(command.arrays[0]!)));
        return undefined;
      case 'linear_fit': {
        const [xs, ys] = command.arrays.map((array) => this.variables.values(array)) as [readonly Value[], readonly Value[]];
        const { slope, intercept } = linearFit(xs, ys);
        this.variables.write(command.targets[0]!, slope);
        this.variables.write(command.targets[1]!, intercept);
        return undefined;
      }
      case 'set_pgstat_mode': {
        const mode = number(0);
        if (mode === GALVANOSTAT_MODE && !this.options.galvanostat) throw new ScriptFault('modeNotSupported', 'this device has no galvanostat');
        this.drive(command, () => {
          channel.mode = mode;
          channel.holdsCurrent = false;
        });
        return undefined;
      }
      case 'set_range':
      case 'set_autoranging': {
        // Potential ranges (`ab`, `da`) are not modelled: a cell's few volts fit the instrument's range.
        const ranging = command.variableType === 'ba' ? channel.currentRanging : command.variableType === 'db' ? channel.appliedCurrentRanging : undefined;
        if (!ranging) return undefined;
        const [a, b] = [number(0), command.operands.length > 1 ? number(1) : 0];
        this.drive(command, () => (command.name === 'set_range' ? ranging.setRange(a) : ranging.setAutoranging(a, b)));
        return undefined;
      }
      case 'set_e':
        this.drive(command, () => (channel.appliedPotentialV = number(0)));
        return undefined;
      case 'set_i':
        this.drive(command, () => (channel.appliedCurrentA = number(0)));
        return undefined;
      case 'cell_on': {
        // `ocp(E)`: the cell switched on at E (PalmSens' cycling example passes the OCP it measured), so it does not jump.
        const ocp = command.options['ocp']?.[0];
        this.drive(command, () => {
          if (ocp) channel.appliedPotentialV = this.number(ocp);
          channel.cellOn = true;
        });
        return undefined;
      }
      case 'meas':
        await this.sleepUntil(this.nowMs + number(0) * 1000, abortable);
        this.variables.write(command.targets[0]!, this.physics(command.line, () => this.measure(command.variableType!)));
        return undefined;
      case 'cell_off':
        this.drive(command, () => (channel.cellOn = false));
        return undefined;
      case 'timer_start':
        this.timerStartMs = this.nowMs;
        return undefined;
      case 'set_int': {
        const periodS = number(0);
        if (!(periodS > 0)) throw new ScriptFault('valueOutOfRange', `set_int ${periodS}`);
        this.interval = { periodMs: periodS * 1000, startMs: this.nowMs };
        return undefined;
      }
      case 'await_int':
        await this.awaitInterval(abortable);
        this.physics(command.line, () => channel.advanceTo(this.nowMs));
        return undefined;
      case 'timer_get':
        this.variables.write(command.targets[0]!, held({ type: 'eb', value: (this.nowMs - this.timerStartMs) / 1000 }));
        return undefined;
      case 'pck_start':
        this.pck = [];
        return undefined;
      case 'pck_add': {
        // The package carries type, value and reading metadata; whether a value is an integer is the script's business.
        const { integer: _integer, ...variable } = this.read(command.operands[0]);
        this.pck?.push(variable);
        return undefined;
      }
      case 'pck_end':
        if (this.pck && this.pck.length > 0 && this.dataOutput) this.options.output(encodePackage({ variables: this.pck }));
        this.pck = null;
        return undefined;
      case 'send_string':
        if (this.dataOutput) this.options.output(`T${this.text(command.text ?? [])}`);
        return undefined;
      case 'set_script_output': {
        // 0 none, 1 the host, 2 file storage, 3 both. The simulated device has no storage to write (file_open is unknown
        // to it), so only the host part is modelled. Which lines the firmware holds back is not published: data only here.
        const mode = number(0);
        if (!(Number.isInteger(mode) && mode >= 0 && mode <= 3)) throw new ScriptFault('valueOutOfRange', `set_script_output ${mode}`);
        this.dataOutput = (mode & 1) !== 0;
        return undefined;
      }
      case 'wait':
        await this.sleepUntil(this.nowMs + number(0) * 1000, abortable);
        this.physics(command.line, () => channel.advanceTo(this.nowMs));
        return undefined;
      case 'if':
        return this.compare(command) ? undefined : this.branchAfter(command);
      case 'elseif':
      case 'else':
        // Reached from the end of a taken branch: the rest of the if is skipped.
        return command.end;
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

  /**
   * After a false `if` (or `elseif`): the index to continue after, that of
   * the first following `elseif` whose condition holds, of the `else`, or of
   * the `endif`.
   */
  private branchAfter(command: Command): number {
    const { commands } = this.program;
    let at = command.next!;
    while (commands[at]!.name === 'elseif' && !this.compare(commands[at]!)) at = commands[at]!.next!;
    return at;
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

  /** meas_loop_*: the technique's timing and readings (measurement-loops.ts); the body runs once per point. */
  private async measurementLoop(command: Command, index: number): Promise<void> {
    const { channel } = this.options;
    const body = () => this.execute(index + 1, command.end ?? index + 1);
    const points = measurementLoop(command.name, {
      channel,
      startMs: this.nowMs,
      value: (k) => this.number(command.operands[k]),
      option: (name) => {
        const operand = command.options[name]?.[0];
        return operand && this.number(operand);
      },
      drive: (change) => this.drive(command, change),
      eisPeriodsPerPoint: this.options.eisPeriodsPerPoint,
      eisMinPointS: this.options.eisMinPointS,
    });
    this.options.output(`M${(this.loopCount++).toString(16).toUpperCase().padStart(4, '0')}`);
    try {
      for (const point of points) {
        if (point.apply) this.drive(command, point.apply);
        // Wait first: an abort during the wait leaves the cell at the abort time, not at the point.
        await this.sleepUntil(point.atMs, true);
        const readings = this.physics(command.line, () => {
          channel.advanceTo(this.nowMs);
          return point.read().map(held);
        });
        readings.forEach((value, k) => {
          const target = command.targets[k];
          if (target) this.variables.write(target, value);
        });
        this.options.onPoint?.({ loop: command.name, labTimeMs: this.nowMs, readings });
        await body();
      }
    } catch (e) {
      if (!(e instanceof BreakLoop)) throw e;
    } finally {
      this.options.output('*');
    }
  }

  /** `meas`: one reading of a variable type at the present lab time; the types this channel measures are `ab` and `ba`. */
  private measure(type: string): Value {
    const { channel } = this.options;
    channel.advanceTo(this.nowMs);
    if (type === 'ab') return held({ type, value: channel.readPotentialV() });
    if (type === 'ba') return held(current(type, channel.readCurrent()));
    throw new ScriptFault('valueOutOfRange', `meas cannot measure variable type ${type} on this device`);
  }

  /**
   * `await_int`: waits for the end of the interval timer's period, the first
   * multiple of the period after `set_int` or the previous `await_int` that
   * is still ahead (a body that overran skips the periods it missed; the
   * firmware's handling of an overrun is not published). Without `set_int`
   * the command is not valid.
   */
  private async awaitInterval(abortable: boolean): Promise<void> {
    const interval = this.interval;
    if (!interval) throw new ScriptFault('notInThisState', 'await_int before set_int');
    const periods = Math.max(1, Math.ceil((this.nowMs - interval.startMs) / interval.periodMs));
    interval.startMs += periods * interval.periodMs;
    await this.sleepUntil(interval.startMs, abortable);
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
      // The wait is a turn of the event loop.
      this.commandsThisTurn = 0;
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
    return compare(this.number(command.operands[0]), this.number(command.operands[1]));
  }

  private read(operand: Operand | undefined): Value {
    if (!operand) throw new ScriptFault('notInThisState', 'a command without its operand');
    return this.variables.read(operand);
  }

  private number(operand: Operand | undefined): number {
    return this.read(operand).value;
  }

  /** The text of `send_string`, an f-string's values written as numbers. */
  private text(parts: readonly TextPart[]): string {
    return parts.map((part) => (typeof part === 'string' ? part : String(packagedValue(this.number(part))))).join('');
  }
}
