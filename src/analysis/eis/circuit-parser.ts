import { EisError } from './errors.js';
import { ELEMENT_TYPES, type ElementType } from './elements.js';

/**
 * Parser for equivalent-circuit strings in the convention impedance.py and
 * other tools share: `-` joins in series, `p(a,b,...)` puts branches in
 * parallel, each element is a type and a number (`R0`, `CPE1`, `Wo2`).
 * Grammar (spaces are ignored):
 *   series   := term ('-' term)*
 *   term     := element | parallel
 *   parallel := 'p(' series (',' series)+ ')'
 *   element  := ('CPE' | 'Wo' | 'Ws' | 'W' | 'R' | 'C' | 'L' | 'G') digits
 */

export type CircuitNode =
  | { readonly kind: 'element'; readonly type: ElementType; readonly name: string; readonly position: number }
  | { readonly kind: 'series'; readonly children: readonly CircuitNode[] }
  | { readonly kind: 'parallel'; readonly children: readonly CircuitNode[] };

/** Longest names first so `Wo1` is not read as `W` followed by garbage. */
const TYPES_BY_LENGTH = [...ELEMENT_TYPES].sort((a, b) => b.length - a.length);
const ELEMENT_LIST = ELEMENT_TYPES.join(', ');

export function parseCircuit(text: string): CircuitNode {
  return new Parser(text).parse();
}

/** The canonical string of a parsed circuit (no spaces). */
export function formatCircuit(node: CircuitNode): string {
  switch (node.kind) {
    case 'element':
      return node.name;
    case 'series':
      return node.children.map(formatCircuit).join('-');
    case 'parallel':
      return `p(${node.children.map(formatCircuit).join(',')})`;
  }
}

class Parser {
  private pos = 0;
  private readonly names = new Set<string>();

  constructor(private readonly text: string) {}

  parse(): CircuitNode {
    this.skipSpaces();
    if (this.pos >= this.text.length) this.fail(`an element (${ELEMENT_LIST}) or p(`, 'an empty circuit');
    const node = this.series();
    this.skipSpaces();
    if (this.pos < this.text.length) this.fail(`'-' or the end of the circuit`);
    return node;
  }

  private series(): CircuitNode {
    const children = [this.term()];
    for (;;) {
      this.skipSpaces();
      if (this.text[this.pos] !== '-') break;
      this.pos++;
      children.push(this.term());
    }
    return children.length === 1 ? children[0]! : { kind: 'series', children };
  }

  private term(): CircuitNode {
    this.skipSpaces();
    if (this.text[this.pos] === 'p') return this.parallel();
    return this.element();
  }

  private parallel(): CircuitNode {
    const start = this.pos;
    this.pos++; // 'p'
    this.skipSpaces();
    if (this.text[this.pos] !== '(') this.fail(`'(' after 'p'`);
    this.pos++;
    const children = [this.series()];
    for (;;) {
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        children.push(this.series());
      } else if (c === ')') {
        this.pos++;
        break;
      } else {
        this.fail(`',', '-' or ')' in p( opened at position ${start}`);
      }
    }
    if (children.length < 2) {
      throw new EisError(`p( at position ${start} has one branch: a parallel block needs at least two`, 'EIS_CIRCUIT_SYNTAX', {
        position: start,
        expected: 'at least two branches',
        found: formatCircuit(children[0]!),
      });
    }
    return { kind: 'parallel', children };
  }

  private element(): CircuitNode {
    const start = this.pos;
    const type = TYPES_BY_LENGTH.find((t) => this.text.startsWith(t, this.pos));
    if (type === undefined) this.fail(`an element (${ELEMENT_LIST}) or p(`);
    this.pos += type.length;
    const digitsStart = this.pos;
    while (this.pos < this.text.length && isDigit(this.text[this.pos]!)) this.pos++;
    if (this.pos === digitsStart) this.fail(`a number after element type ${type} (e.g. ${type}1)`);
    const name = this.text.slice(start, this.pos);
    if (this.names.has(name)) {
      throw new EisError(`element ${name} at position ${start} appears twice: each element needs its own number`, 'EIS_CIRCUIT_ELEMENT', {
        position: start,
        element: name,
      });
    }
    this.names.add(name);
    return { kind: 'element', type, name, position: start };
  }

  private skipSpaces(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private fail(expected: string, found?: string): never {
    const seen = found ?? (this.pos < this.text.length ? `'${this.text[this.pos]}'` : 'the end of the circuit');
    throw new EisError(`circuit "${this.text}": at position ${this.pos} expected ${expected}, found ${seen}`, 'EIS_CIRCUIT_SYNTAX', {
      position: this.pos,
      expected,
      found: seen,
    });
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
