import { OperandoError } from '../../src/core/errors.js';
import { parseSiLiteral } from '../../drivers/potentiostat/methodscript/si-number.js';
import { DEVICE_ERROR_CODES } from './error-codes.js';

/** A load error of a script: the device answers `e!XXXX: Line L, Col C`. */
export class ScriptLoadError extends OperandoError<'SCRIPT_LOAD'> {
  constructor(
    readonly deviceCode: number,
    readonly line: number,
    readonly column: number,
    why: string,
  ) {
    super(`script line ${line}, column ${column}: ${why}`, 'SCRIPT_LOAD', { deviceCode, line, column });
  }
}

export type Operand = { readonly kind: 'literal'; readonly value: number } | { readonly kind: 'variable'; readonly name: string };

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One script command with its arguments checked and its block partner found. */
export interface Command {
  readonly name: string;
  /** Script line (1 = the first line after `e`), for runtime errors. */
  readonly line: number;
  readonly operands: readonly Operand[];
  /** Variable names the command writes (declarations and outputs). */
  readonly targets: readonly string[];
  /** A variable type argument (`set_range ba 100u`). */
  readonly variableType?: string;
  readonly comparison?: Comparison;
  /** For a block opener: the index of its `endloop` / `endif`. */
  end?: number;
}

export interface Program {
  readonly commands: readonly Command[];
  /** Index of the first command of the `on_finished:` block; `commands.length` when there is none. */
  readonly onFinished: number;
}

/** Argument kinds: a new name, a declared variable written to, a value (literal or variable), a type, a comparison. */
type ArgumentKind = 'declare' | 'target' | 'value' | 'type' | 'comparison';

const SPEC: Readonly<Record<string, readonly ArgumentKind[]>> = {
  var: ['declare'],
  set_pgstat_chan: ['value'],
  set_pgstat_mode: ['value'],
  set_max_bandwidth: ['value'],
  set_range: ['type', 'value'],
  set_range_minmax: ['type', 'value', 'value'],
  set_autoranging: ['type', 'value', 'value'],
  set_e: ['value'],
  set_i: ['value'],
  cell_on: [],
  cell_off: [],
  timer_start: [],
  timer_get: ['target'],
  pck_start: [],
  pck_add: ['value'],
  pck_end: [],
  wait: ['value'],
  meas_loop_ocp: ['target', 'value', 'value'],
  meas_loop_cp: ['target', 'target', 'value', 'value', 'value'],
  meas_loop_ca: ['target', 'target', 'value', 'value', 'value'],
  meas_loop_eis: ['target', 'target', 'target', 'value', 'value', 'value', 'value', 'value'],
  meas_loop_geis: ['target', 'target', 'target', 'value', 'value', 'value', 'value', 'value'],
  loop: ['value', 'comparison', 'value'],
  endloop: [],
  if: ['value', 'comparison', 'value'],
  endif: [],
  breakloop: [],
};

/** Commands of devices with a galvanostat only: firmware without one does not know them. */
const GALVANOSTAT_COMMANDS: ReadonlySet<string> = new Set(['meas_loop_geis']);

const COMPARISONS: readonly Comparison[] = ['<', '<=', '>', '>=', '==', '!='];
const NAME = /^[a-z_][a-z0-9_]*$/;
const VARIABLE_TYPE = /^[a-z]{2}$/;
const ON_FINISHED = /^on_finished:?$/;

/**
 * Parses the subset of MethodSCRIPT the driver generates, checking what the
 * device checks at load time: known commands, argument count and form,
 * declared variables, matching blocks, no nested measurement loops,
 * `breakloop` inside a loop. A device without the galvanostat (`galvanostat:
 * false`, the EmStat Pico) does not know GEIS. Throws ScriptLoadError.
 */
export function parseScript(lines: readonly string[], device: { readonly galvanostat: boolean } = { galvanostat: true }): Program {
  const commands: Command[] = [];
  const declared = new Set<string>();
  const open: { index: number; kind: 'measurement' | 'loop' | 'if'; line: number }[] = [];
  let onFinished: number | undefined;
  lines.forEach((raw, i) => {
    const line = i + 1;
    // `#` starts a comment anywhere on a line. Columns count from 1 in the raw line.
    const tokens = [...(raw.split('#', 1)[0] ?? '').matchAll(/\S+/g)].map((m) => ({ text: m[0], column: m.index + 1 }));
    const [head, ...args] = tokens;
    if (!head) return;
    const name = head.text;
    if (ON_FINISHED.test(name) && args.length === 0) {
      if (onFinished !== undefined || open.length > 0) fail('scriptBlockStructure', line, head.column, 'on_finished: must come once, outside blocks');
      onFinished = commands.length;
      return;
    }
    const spec = device.galvanostat || !GALVANOSTAT_COMMANDS.has(name) ? SPEC[name] : undefined;
    if (!spec) fail('scriptUnknownCommand', line, head.column, `unknown command "${name}"`);
    if (args.length !== spec.length) fail('scriptArgumentCount', line, (args[spec.length] ?? head).column, `${name} takes ${spec.length} argument(s), got ${args.length}`);
    const operands: Operand[] = [];
    const targets: string[] = [];
    let variableType: string | undefined;
    let comparison: Comparison | undefined;
    spec.forEach((kind, k) => {
      const { text: arg, column } = args[k] ?? { text: '', column: head.column };
      switch (kind) {
        case 'declare':
          if (!NAME.test(arg)) fail('scriptBadArgument', line, column, `"${arg}" is not a variable name`);
          declared.add(arg);
          targets.push(arg);
          return;
        case 'target':
          if (!declared.has(arg)) fail('scriptUndeclaredVariable', line, column, `variable "${arg}" is not declared`);
          targets.push(arg);
          return;
        case 'value': {
          if (NAME.test(arg)) {
            if (!declared.has(arg)) fail('scriptUndeclaredVariable', line, column, `variable "${arg}" is not declared`);
            operands.push({ kind: 'variable', name: arg });
            return;
          }
          const literal = parseSiLiteral(arg);
          if (!literal) fail('scriptBadArgument', line, column, `"${arg}" is not a number (integer with an SI prefix)`);
          operands.push({ kind: 'literal', value: literal.value });
          return;
        }
        case 'type':
          if (!VARIABLE_TYPE.test(arg)) fail('scriptBadArgument', line, column, `"${arg}" is not a variable type`);
          variableType = arg;
          return;
        case 'comparison':
          comparison = COMPARISONS.find((c) => c === arg);
          if (!comparison) fail('scriptBadArgument', line, column, `"${arg}" is not a comparison`);
          return;
      }
    });
    const index = commands.length;
    const command: Command = { name, line, operands, targets, ...(variableType ? { variableType } : {}), ...(comparison ? { comparison } : {}) };
    if (name.startsWith('meas_loop_')) {
      if (open.some((b) => b.kind === 'measurement')) fail('scriptBlockStructure', line, head.column, 'measurement loops do not nest');
      open.push({ index, kind: 'measurement', line });
    } else if (name === 'loop' || name === 'if') {
      open.push({ index, kind: name === 'loop' ? 'loop' : 'if', line });
    } else if (name === 'endloop' || name === 'endif') {
      const block = open.pop();
      const wanted = name === 'endif' ? ['if'] : ['measurement', 'loop'];
      if (!block || !wanted.includes(block.kind)) fail('scriptBlockStructure', line, head.column, `${name} without its opening command`);
      const opener = commands[block.index];
      if (opener) opener.end = index;
    } else if (name === 'breakloop' && !open.some((b) => b.kind !== 'if')) {
      fail('scriptBlockStructure', line, head.column, 'breakloop outside a loop');
    }
    commands.push(command);
  });
  const unclosed = open.pop();
  if (unclosed) fail('scriptBlockStructure', unclosed.line, 1, 'block not closed');
  return { commands, onFinished: onFinished ?? commands.length };
}

function fail(code: keyof typeof DEVICE_ERROR_CODES, line: number, column: number, why: string): never {
  throw new ScriptLoadError(DEVICE_ERROR_CODES[code], line, column, why);
}
