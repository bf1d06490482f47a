import { Circuit } from './circuit.js';
import { formatCircuit, type CircuitNode } from './circuit-parser.js';
import { ELEMENTS } from './elements.js';

/**
 * Blocks of the same shape in series (`p(R1,CPE1)-p(R2,CPE2)`) can trade
 * values without changing Z, so a fit may return either labelling. This
 * picks one: such blocks are ordered by their characteristic time (the
 * frequency where -Z'' of the block peaks), fastest first, which is how
 * circuits are written and how the initial guesses are laid out. Returns the
 * permutation `order` with new value j = old value order[j].
 *
 * Blocks holding a `locked` parameter (fixed or given by the user) stay put.
 */
export function canonicalOrder(circuit: Circuit, values: readonly number[], locked: readonly boolean[], omegaMin: number, omegaMax: number): number[] {
  const order = values.map((_, j) => j);
  if (circuit.root.kind !== 'series') return order;
  const blocks: { node: CircuitNode; start: number; count: number; shape: string }[] = [];
  let offset = 0;
  for (const node of circuit.root.children) {
    const count = parameterCount(node);
    if (node.kind === 'parallel') blocks.push({ node, start: offset, count, shape: formatCircuit(node).replace(/\d+/g, '#') });
    offset += count;
  }
  const grid = Float64Array.from({ length: 241 }, (_, i) => (omegaMin / 100) * (1e4 * (omegaMax / omegaMin)) ** (i / 240) / (2 * Math.PI));
  for (const shape of new Set(blocks.map((b) => b.shape))) {
    const group = blocks.filter((b) => b.shape === shape);
    if (group.length < 2) continue;
    if (group.some((b) => locked.slice(b.start, b.start + b.count).some(Boolean))) continue;
    const timed = group.map((b) => ({ block: b, tau: characteristicTime(b.node, values.slice(b.start, b.start + b.count), grid) }));
    const sorted = [...timed].sort((a, b) => a.tau - b.tau);
    sorted.forEach((source, k) => {
      const target = group[k]!;
      for (let t = 0; t < target.count; t++) order[target.start + t] = source.block.start + t;
    });
  }
  return order;
}

function parameterCount(node: CircuitNode): number {
  return node.kind === 'element' ? ELEMENTS[node.type].parameters.length : node.children.reduce((s, c) => s + parameterCount(c), 0);
}

/** 1/omega at the largest -Z'' of the block alone on the grid (Hz). */
function characteristicTime(node: CircuitNode, values: number[], frequencyHz: Float64Array): number {
  const { zIm } = Circuit.parse(formatCircuit(node)).impedance(values, frequencyHz);
  let best = 0;
  for (let i = 1; i < zIm.length; i++) if (-zIm[i]! > -zIm[best]!) best = i;
  return 1 / (2 * Math.PI * frequencyHz[best]!);
}
