import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCircuit, parseCircuit, type CircuitNode } from './circuit-parser.js';
import { EisError, isEisError } from './errors.js';

function errorOf(text: string): EisError {
  try {
    parseCircuit(text);
  } catch (e) {
    if (isEisError(e)) return e;
    throw e;
  }
  throw new Error(`"${text}" parsed`);
}

describe('parseCircuit', () => {
  it('parses the documented circuits into series and parallel nodes', () => {
    const tree = parseCircuit('R0-p(R1,CPE1)-p(R2,CPE2)-W1');
    expect(tree.kind).toBe('series');
    const kids = (tree as Extract<CircuitNode, { kind: 'series' }>).children;
    expect(kids.map((k) => k.kind)).toEqual(['element', 'parallel', 'parallel', 'element']);
    expect(formatCircuit(tree)).toBe('R0-p(R1,CPE1)-p(R2,CPE2)-W1');

    const nested = parseCircuit('R0-p(R1,C1)-p(R2-Wo1,C2)');
    const block = (nested as Extract<CircuitNode, { kind: 'series' }>).children[2] as Extract<CircuitNode, { kind: 'parallel' }>;
    expect(block.children[0]).toMatchObject({ kind: 'series' });
    expect(formatCircuit(nested)).toBe('R0-p(R1,C1)-p(R2-Wo1,C2)');
  });

  it('reads every element type, longest name first, and ignores spaces', () => {
    const tree = parseCircuit(' R0 - L1 - p( CPE1 , C1 ,R1 ) - W1 - Wo2 - Ws3 - G4 ');
    expect(formatCircuit(tree)).toBe('R0-L1-p(CPE1,C1,R1)-W1-Wo2-Ws3-G4');
  });

  it('accepts a single element and nested parallels', () => {
    expect(parseCircuit('C12')).toEqual({ kind: 'element', type: 'C', name: 'C12', position: 0 });
    expect(formatCircuit(parseCircuit('p(R1,p(R2,C2)-C1)'))).toBe('p(R1,p(R2,C2)-C1)');
  });

  it.each([
    ['', 0, 'EIS_CIRCUIT_SYNTAX'],
    ['R0-', 3, 'EIS_CIRCUIT_SYNTAX'],
    ['R0-X1', 3, 'EIS_CIRCUIT_SYNTAX'],
    ['R-p(R1,C1)', 1, 'EIS_CIRCUIT_SYNTAX'],
    ['R0-p(R1,C1', 10, 'EIS_CIRCUIT_SYNTAX'],
    ['R0-p R1,C1)', 5, 'EIS_CIRCUIT_SYNTAX'],
    ['R0-p(R1)', 3, 'EIS_CIRCUIT_SYNTAX'],
    ['R0 R1', 3, 'EIS_CIRCUIT_SYNTAX'],
    ['R0-p(R1,C1))', 11, 'EIS_CIRCUIT_SYNTAX'],
    ['R1-p(R1,C1)', 5, 'EIS_CIRCUIT_ELEMENT'],
  ])('rejects %j at position %i with %s', (text, position, code) => {
    const e = errorOf(text);
    expect(e.code).toBe(code);
    expect(e.context.position).toBe(position);
    expect(e.message).toContain(`position ${position}`);
  });

  it('says what it expected and what it found', () => {
    const e = errorOf('R0-p(R1;C1)');
    expect(e.context).toMatchObject({ position: 7, found: "';'" });
    expect(e.message).toMatch(/expected ',', '-' or '\)'/);
    expect(errorOf('R0-Q1').message).toMatch(/expected an element \(R, C, L, CPE, W, Wo, Ws, G\)/);
  });

  it('never throws anything but an EisError on random strings', () => {
    const alphabet = fc.constantFrom(...'RCLPEWosGp()-,0123 1x'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (text) => {
        try {
          const tree = parseCircuit(text);
          // What parses formats to a canonical string that is a fixed point.
          const canonical = formatCircuit(tree);
          expect(formatCircuit(parseCircuit(canonical))).toBe(canonical);
        } catch (e) {
          expect(isEisError(e)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseCircuit(text);
        } catch (e) {
          expect(isEisError(e)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips randomly generated valid circuits', () => {
    let counter = 0;
    const { circuit } = fc.letrec<{ circuit: string; term: string }>((tie) => ({
      circuit: fc.array(tie('term'), { minLength: 1, maxLength: 3 }).map((terms) => terms.join('-')),
      term: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('R', 'C', 'L', 'CPE', 'W', 'Wo', 'Ws', 'G').map((t) => `${t}${counter++}`),
        fc.array(tie('circuit'), { minLength: 2, maxLength: 3 }).map((branches) => `p(${branches.join(',')})`),
      ),
    }));
    fc.assert(
      fc.property(circuit, (text) => {
        expect(formatCircuit(parseCircuit(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
