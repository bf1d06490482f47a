import { EisError } from './errors.js';
import { ELEMENTS, parameterNames, type ElementType, type ParameterSpec } from './elements.js';
import { formatCircuit, parseCircuit, type CircuitNode } from './circuit-parser.js';
import { angularFrequencies } from './spectrum.js';

/** One parameter of a circuit, in impedance.py's naming and order. */
export interface CircuitParameter extends ParameterSpec {
  readonly name: string;
  readonly element: string;
  readonly elementType: ElementType;
}

/**
 * A parsed equivalent circuit: its structure and the flat list of its
 * parameters. `evaluator(omega)` binds it to a frequency grid with buffers
 * allocated once, for repeated evaluation in a fit.
 */
export class Circuit {
  readonly text: string;
  readonly parameters: readonly CircuitParameter[];

  private constructor(readonly root: CircuitNode) {
    this.text = formatCircuit(root);
    const parameters: CircuitParameter[] = [];
    for (const el of elementsOf(root)) {
      const specs = ELEMENTS[el.type].parameters;
      parameterNames(el.name, el.type).forEach((name, k) => parameters.push({ ...specs[k]!, name, element: el.name, elementType: el.type }));
    }
    this.parameters = parameters;
  }

  static parse(text: string): Circuit {
    return new Circuit(parseCircuit(text));
  }

  get parameterNames(): string[] {
    return this.parameters.map((p) => p.name);
  }

  indexOf(name: string): number {
    const i = this.parameters.findIndex((p) => p.name === name);
    if (i < 0) {
      throw new EisError(`circuit ${this.text} has no parameter ${name} (it has ${this.parameterNames.join(', ')})`, 'EIS_PARAMETER', { name });
    }
    return i;
  }

  evaluator(omega: Float64Array): CircuitEvaluator {
    return new CircuitEvaluator(this, omega);
  }

  /** Z at the given frequencies (Hz) for parameter values in the circuit's order. */
  impedance(values: ArrayLike<number>, frequencyHz: Float64Array): { zRe: Float64Array; zIm: Float64Array } {
    if (values.length !== this.parameters.length) {
      throw new EisError(`circuit ${this.text} takes ${this.parameters.length} parameters, got ${values.length}`, 'EIS_PARAMETER');
    }
    const ev = this.evaluator(angularFrequencies(frequencyHz));
    ev.evaluate(values, false);
    return { zRe: ev.zRe.slice(), zIm: ev.zIm.slice() };
  }
}

type ElementNode = Extract<CircuitNode, { kind: 'element' }>;

function* elementsOf(node: CircuitNode): Generator<ElementNode> {
  if (node.kind === 'element') yield node;
  else for (const child of node.children) yield* elementsOf(child);
}

/** A compiled node: its Z buffers, the global indices of the parameters below it, and how to fill them. */
interface CompiledNode {
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
  readonly params: readonly number[];
  evaluate(p: ArrayLike<number>, derivatives: boolean): void;
}

/**
 * Evaluates a circuit on a fixed omega grid. After `evaluate`, `zRe`/`zIm`
 * hold Z and, if derivatives were asked for, `dRe[j]`/`dIm[j]` hold dZ/dp_j.
 *
 * Derivatives pass through series nodes unchanged and are scaled in place by
 * (Z / Z_k)^2 at parallel nodes (from Z = 1/sum(1/Z_k)), so each parameter has
 * one pair of arrays for the whole tree.
 */
export class CircuitEvaluator {
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
  readonly dRe: Float64Array[];
  readonly dIm: Float64Array[];
  private readonly root: CompiledNode;
  private next = 0;

  constructor(
    readonly circuit: Circuit,
    readonly omega: Float64Array,
  ) {
    const count = circuit.parameters.length;
    this.dRe = Array.from({ length: count }, () => new Float64Array(omega.length));
    this.dIm = Array.from({ length: count }, () => new Float64Array(omega.length));
    this.root = this.compile(circuit.root);
    this.zRe = this.root.zRe;
    this.zIm = this.root.zIm;
  }

  /** Computes Z (and dZ/dp_j when `derivatives`) for parameter values in the circuit's order. */
  evaluate(p: ArrayLike<number>, derivatives: boolean): void {
    this.root.evaluate(p, derivatives);
  }

  private compile(node: CircuitNode): CompiledNode {
    const n = this.omega.length;
    if (node.kind === 'element') {
      const spec = ELEMENTS[node.type];
      const at = this.next;
      this.next += spec.parameters.length;
      const params = Array.from({ length: spec.parameters.length }, (_, k) => at + k);
      const out = { zRe: new Float64Array(n), zIm: new Float64Array(n), dRe: params.map((j) => this.dRe[j]!), dIm: params.map((j) => this.dIm[j]!) };
      const omega = this.omega;
      return { zRe: out.zRe, zIm: out.zIm, params, evaluate: (p, derivatives) => spec.evaluate(p, at, omega, out, derivatives) };
    }
    const children = node.children.map((c) => this.compile(c));
    const params = children.flatMap((c) => c.params);
    const zRe = new Float64Array(n);
    const zIm = new Float64Array(n);
    if (node.kind === 'series') {
      return {
        zRe,
        zIm,
        params,
        evaluate(p, derivatives) {
          zRe.fill(0);
          zIm.fill(0);
          for (const c of children) {
            c.evaluate(p, derivatives);
            for (let i = 0; i < n; i++) {
              zRe[i] = zRe[i]! + c.zRe[i]!;
              zIm[i] = zIm[i]! + c.zIm[i]!;
            }
          }
        },
      };
    }
    const { dRe, dIm } = this;
    return {
      zRe,
      zIm,
      params,
      evaluate(p, derivatives) {
        // Y = sum 1/Z_k, then Z = 1/Y
        zRe.fill(0);
        zIm.fill(0);
        for (const c of children) {
          c.evaluate(p, derivatives);
          for (let i = 0; i < n; i++) {
            const a = c.zRe[i]!;
            const b = c.zIm[i]!;
            const m2 = a * a + b * b;
            zRe[i] = zRe[i]! + a / m2;
            zIm[i] = zIm[i]! - b / m2;
          }
        }
        for (let i = 0; i < n; i++) {
          const a = zRe[i]!;
          const b = zIm[i]!;
          const m2 = a * a + b * b;
          zRe[i] = a / m2;
          zIm[i] = -b / m2;
        }
        if (!derivatives) return;
        for (const c of children) {
          for (let i = 0; i < n; i++) {
            // f = (Z / Z_k)^2
            const a = c.zRe[i]!;
            const b = c.zIm[i]!;
            const m2 = a * a + b * b;
            const tRe = (zRe[i]! * a + zIm[i]! * b) / m2;
            const tIm = (zIm[i]! * a - zRe[i]! * b) / m2;
            const fRe = tRe * tRe - tIm * tIm;
            const fIm = 2 * tRe * tIm;
            for (const j of c.params) {
              const dr = dRe[j]![i]!;
              const di = dIm[j]![i]!;
              dRe[j]![i] = fRe * dr - fIm * di;
              dIm[j]![i] = fRe * di + fIm * dr;
            }
          }
        }
      },
    };
  }
}
