import { parseSiLiteral } from '../../drivers/potentiostat/methodscript/si-number.js';

/** A number written in the script: `100m`, `-500m`, `11i` (an integer), `0x1E`, `0b101`, `0x80i` (PalmSens' I2C examples). */
export interface Literal {
  readonly kind: 'literal';
  readonly value: number;
  /** Integer literals (`i` prefix, hexadecimal, binary) make integer variables; the others floats. */
  readonly integer: boolean;
}

/** A scalar variable (`var x`). */
export interface VariableRef {
  readonly kind: 'variable';
  readonly name: string;
}

/** An element of an array (`array xs 10i`): `xs[3i]` or `xs[i]`. */
export interface ElementRef {
  readonly kind: 'element';
  readonly array: string;
  readonly index: Literal | VariableRef;
}

/** What a command reads. */
export type Operand = Literal | VariableRef | ElementRef;
/** What a command writes. */
export type Target = VariableRef | ElementRef;

/** Names of variables and arrays (PalmSens' examples: `z_real`, `frequency_start`, `t`). */
export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ELEMENT = /^([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]$/;
const HEX = /^0x([0-9A-Fa-f]{1,8})i?$/;
const BINARY = /^0b([01]{1,32})i?$/;

/** Reads a literal; undefined when `text` is none. Integers and SI numbers as parseSiLiteral reads them, plus hexadecimal and binary integers. */
function parseLiteral(text: string): Literal | undefined {
  const hex = HEX.exec(text)?.[1];
  if (hex !== undefined) return { kind: 'literal', value: Number.parseInt(hex, 16), integer: true };
  const binary = BINARY.exec(text)?.[1];
  if (binary !== undefined) return { kind: 'literal', value: Number.parseInt(binary, 2), integer: true };
  const si = parseSiLiteral(text);
  return si && { kind: 'literal', value: si.value, integer: si.integer };
}

/** The shape of an operand as written, before declarations are checked; undefined when it is none. */
export function parseOperand(text: string): Operand | undefined {
  if (NAME.test(text)) return { kind: 'variable', name: text };
  const element = ELEMENT.exec(text);
  if (element) {
    const [, array = '', indexText = ''] = element;
    const index = NAME.test(indexText) ? ({ kind: 'variable', name: indexText } as const) : parseLiteral(indexText);
    return index && { kind: 'element', array, index };
  }
  return parseLiteral(text);
}
