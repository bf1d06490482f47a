import { OperandoError } from '../../src/core/errors.js';
import { DEVICE_ERROR_CODES } from './error-codes.js';
import { COMMANDS, GALVANOSTAT_COMMANDS, type ArgumentKind } from './script-commands.js';
import { NAME, parseOperand, type ElementRef, type Operand, type Target } from './script-operands.js';
import { tokenizeLine, type Token } from './script-tokens.js';

export type { ElementRef, Literal, Operand, Target, VariableRef } from './script-operands.js';

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

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** The text of `send_string`: literal parts and, in an f-string, the values `{name}` / `{xs[i]}` put between them. */
export type TextPart = string | Operand;

/** One script command with its arguments checked and its block partners found. */
export interface Command {
  readonly name: string;
  /** Script line (1 = the first line after `e`), for runtime errors. */
  readonly line: number;
  /** What the command reads, in argument order (`value` arguments). */
  readonly operands: readonly Operand[];
  /** What the command writes, in argument order (`target` arguments). */
  readonly targets: readonly Target[];
  /** Arrays the command names (`array`, `array_set`, `array_get`). */
  readonly arrays: readonly string[];
  /** The scalar `var` declares. */
  readonly declares?: string;
  /** A variable type argument (`set_range ba 100u`, `store_var x 1 ja`). */
  readonly variableType?: string;
  readonly comparison?: Comparison;
  readonly text?: readonly TextPart[];
  /** Optional arguments given (`nscans(3)`), by name. */
  readonly options: Readonly<Record<string, readonly Operand[]>>;
  /** For a block opener and for `elseif`/`else`: the index of its `endloop` / `endif`. */
  end?: number;
  /** For `if`/`elseif`/`else`: the index of the next branch (`elseif`, `else`) or of the `endif`. */
  next?: number;
}

export interface Program {
  readonly commands: readonly Command[];
  /** Index of the first command of the `on_finished:` block; `commands.length` when there is none. */
  readonly onFinished: number;
}

const COMPARISONS: readonly Comparison[] = ['<', '<=', '>', '>=', '==', '!='];
const VARIABLE_TYPE = /^[a-z]{2}$/;
const ON_FINISHED = /^on_finished:?$/;
const OPTIONAL_ARGUMENT = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s;
/** `{name}` or `{xs[i]}` in an f-string; `\{` and `\\` are escapes. */
const PLACEHOLDER = /\\([\\{])|\{([^{}]*)\}/g;

interface OpenBlock {
  readonly index: number;
  readonly kind: 'measurement' | 'loop' | 'if';
  readonly line: number;
  /** An `if`'s branches: the `if`, its `elseif`s, its `else`. */
  readonly branches: number[];
  hasElse: boolean;
}

/** Declared names, scalars and arrays apart. */
interface Scope {
  readonly scalars: Set<string>;
  readonly arrays: Set<string>;
}

/**
 * Parses a script as the device loads it, checking what the device checks at
 * load time: known commands (see script-commands.ts), the count and form of
 * their arguments and optional arguments, declared variables and arrays,
 * matching blocks (`loop`/`meas_loop_*` ... `endloop`, `if` ... `elseif` ...
 * `else` ... `endif`), no nested measurement loops, `breakloop` inside a
 * loop, one `on_finished:` outside blocks. A device without the galvanostat
 * (`galvanostat: false`, the EmStat Pico) does not know GEIS.
 *
 * Throws ScriptLoadError, and nothing else, whatever the text.
 */
export function parseScript(lines: readonly string[], device: { readonly galvanostat: boolean } = { galvanostat: true }): Program {
  const commands: Command[] = [];
  const scope: Scope = { scalars: new Set(), arrays: new Set() };
  const open: OpenBlock[] = [];
  let onFinished: number | undefined;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const tokenized = tokenizeLine(raw);
    if ('problem' in tokenized) fail('scriptBadArgument', line, tokenized.problem.column, tokenized.problem.why);
    const [head, ...args] = tokenized.tokens;
    if (!head) return;
    if (head.kind === 'word' && ON_FINISHED.test(head.text) && args.length === 0) {
      if (onFinished !== undefined || open.length > 0) fail('scriptBlockStructure', line, head.column, 'on_finished: must come once, outside blocks');
      onFinished = commands.length;
      return;
    }
    const index = commands.length;
    const command = parseCommand(head, args, line, scope, device);
    structure(command, index, head, open, commands);
    commands.push(command);
  });
  const unclosed = open.pop();
  if (unclosed) fail('scriptBlockStructure', unclosed.line, 1, 'block not closed');
  return { commands, onFinished: onFinished ?? commands.length };
}

/** One command: its name known, its arguments of the right count and form, its names declared. */
function parseCommand(head: Token, args: readonly Token[], line: number, scope: Scope, device: { readonly galvanostat: boolean }): Command {
  const name = head.text;
  // Own properties only: a script's word must not reach Object.prototype (`toString`).
  const spec = head.kind === 'word' && Object.hasOwn(COMMANDS, name) && (device.galvanostat || !GALVANOSTAT_COMMANDS.has(name)) ? COMMANDS[name] : undefined;
  if (!spec) fail('scriptUnknownCommand', line, head.column, `unknown command "${name}"`);
  const count = spec.arguments.length;
  const positional = args.slice(0, count);
  if (positional.length < count) fail('scriptArgumentCount', line, head.column, `${name} takes ${count} argument(s), got ${args.length}`);
  const command: {
    -readonly [K in keyof Command]: Command[K];
  } & { operands: Operand[]; targets: Target[]; arrays: string[] } = { name, line, operands: [], targets: [], arrays: [], options: {} };
  spec.arguments.forEach((kind, k) => readArgument(kind, positional[k]!, line, scope, command));
  const options: Record<string, readonly Operand[]> = {};
  for (const token of args.slice(count)) {
    const match = token.kind === 'word' ? OPTIONAL_ARGUMENT.exec(token.text) : null;
    if (!match) fail('scriptArgumentCount', line, token.column, `${name} takes ${count} argument(s), got ${args.length}`);
    const [, option = '', inner = ''] = match;
    const kinds = spec.optional && Object.hasOwn(spec.optional, option) ? spec.optional[option] : undefined;
    if (!kinds || Object.hasOwn(options, option)) fail('scriptBadArgument', line, token.column, `${name} has no optional argument "${option}" (or it is given twice)`);
    const values = inner.split(/[\s,]+/).filter((v) => v !== '');
    if (values.length !== kinds.length) fail('scriptArgumentCount', line, token.column, `${option}() takes ${kinds.length} argument(s), got ${values.length}`);
    options[option] = values.map((text) => readValue(text, token.column, line, scope));
  }
  command.options = options;
  return command;
}

function readArgument(
  kind: ArgumentKind,
  token: Token,
  line: number,
  scope: Scope,
  command: { operands: Operand[]; targets: Target[]; arrays: string[]; declares?: string; variableType?: string; comparison?: Comparison; text?: readonly TextPart[] },
): void {
  const { column } = token;
  if (kind === 'string') {
    if (token.kind === 'word') fail('scriptBadArgument', line, column, `"${token.text}" is not a string`);
    command.text = token.kind === 'fstring' ? formatParts(token.text, column, line, scope) : [token.text];
    return;
  }
  if (token.kind !== 'word') fail('scriptBadArgument', line, column, 'a string where a number, a name or a type belongs');
  const text = token.text;
  switch (kind) {
    case 'declare':
    case 'declareArray': {
      if (!NAME.test(text)) fail('scriptBadArgument', line, column, `"${text}" is not a variable name`);
      const [mine, other] = kind === 'declare' ? [scope.scalars, scope.arrays] : [scope.arrays, scope.scalars];
      if (other.has(text)) fail('scriptBadArgument', line, column, `"${text}" is declared already, as another kind`);
      mine.add(text);
      if (kind === 'declare') command.declares = text;
      else command.arrays.push(text);
      return;
    }
    case 'array':
      if (!NAME.test(text)) fail('scriptBadArgument', line, column, `"${text}" is not an array name`);
      if (!scope.arrays.has(text)) fail('scriptUndeclaredVariable', line, column, `array "${text}" is not declared`);
      command.arrays.push(text);
      return;
    case 'target': {
      const target = parseOperand(text);
      if (!target || target.kind === 'literal') fail('scriptBadArgument', line, column, `"${text}" is not a variable`);
      checkDeclared(target, column, line, scope);
      command.targets.push(target);
      return;
    }
    case 'value':
      command.operands.push(readValue(text, column, line, scope));
      return;
    case 'type':
      if (!VARIABLE_TYPE.test(text)) fail('scriptBadArgument', line, column, `"${text}" is not a variable type`);
      command.variableType = text;
      return;
    case 'comparison': {
      const comparison = COMPARISONS.find((c) => c === text);
      if (!comparison) fail('scriptBadArgument', line, column, `"${text}" is not a comparison`);
      command.comparison = comparison;
      return;
    }
  }
}

function readValue(text: string, column: number, line: number, scope: Scope): Operand {
  const operand = parseOperand(text);
  if (!operand) fail('scriptBadArgument', line, column, `"${text}" is not a number (integer with an SI prefix) or a variable`);
  checkDeclared(operand, column, line, scope);
  return operand;
}

function checkDeclared(operand: Operand, column: number, line: number, scope: Scope): void {
  if (operand.kind === 'variable' && !scope.scalars.has(operand.name)) fail('scriptUndeclaredVariable', line, column, `variable "${operand.name}" is not declared`);
  if (operand.kind === 'element') checkElement(operand, column, line, scope);
}

function checkElement(element: ElementRef, column: number, line: number, scope: Scope): void {
  if (!scope.arrays.has(element.array)) fail('scriptUndeclaredVariable', line, column, `array "${element.array}" is not declared`);
  if (element.index.kind === 'variable' && !scope.scalars.has(element.index.name)) {
    fail('scriptUndeclaredVariable', line, column, `variable "${element.index.name}" is not declared`);
  }
}

/** An f-string's text and placeholders. */
function formatParts(text: string, column: number, line: number, scope: Scope): TextPart[] {
  const parts: TextPart[] = [];
  let literal = '';
  let at = 0;
  const plain = (to: number) => {
    const segment = text.slice(at, to);
    if (/[{}]/.test(segment)) fail('scriptBadArgument', line, column, 'unbalanced braces in an f-string');
    literal += segment;
  };
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [whole, escaped, inner] = match;
    plain(match.index);
    at = match.index + whole.length;
    if (escaped !== undefined) {
      literal += escaped;
      continue;
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(readValue((inner ?? '').trim(), column, line, scope));
  }
  plain(text.length);
  if (literal !== '') parts.push(literal);
  return parts;
}

/** Block structure: openers, branches and closers matched; `breakloop` inside a loop. */
function structure(command: Command, index: number, head: Token, open: OpenBlock[], commands: Command[]): void {
  const { name, line } = command;
  const column = head.column;
  const top = open.at(-1);
  if (name.startsWith('meas_loop_')) {
    if (open.some((b) => b.kind === 'measurement')) fail('scriptBlockStructure', line, column, 'measurement loops do not nest');
    open.push({ index, kind: 'measurement', line, branches: [], hasElse: false });
  } else if (name === 'loop' || name === 'if') {
    open.push({ index, kind: name, line, branches: name === 'if' ? [index] : [], hasElse: false });
  } else if (name === 'elseif' || name === 'else') {
    if (!top || top.kind !== 'if') fail('scriptBlockStructure', line, column, `${name} without its if`);
    if (top.hasElse) fail('scriptBlockStructure', line, column, `${name} after else`);
    top.branches.push(index);
    top.hasElse = name === 'else';
  } else if (name === 'endloop' || name === 'endif') {
    const block = open.pop();
    const wanted = name === 'endif' ? ['if'] : ['measurement', 'loop'];
    if (!block || !wanted.includes(block.kind)) fail('scriptBlockStructure', line, column, `${name} without its opening command`);
    const opener = commands[block.index]!;
    opener.end = index;
    block.branches.forEach((branch, k) => {
      const partner = commands[branch]!;
      partner.end = index;
      partner.next = block.branches[k + 1] ?? index;
    });
  } else if (name === 'breakloop' && !open.some((b) => b.kind !== 'if')) {
    fail('scriptBlockStructure', line, column, 'breakloop outside a loop');
  }
}

function fail(code: keyof typeof DEVICE_ERROR_CODES, line: number, column: number, why: string): never {
  throw new ScriptLoadError(DEVICE_ERROR_CODES[code], line, column, why);
}
