import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-root.js';

/**
 * No array spread into a call (`Math.max(...xs)`, `push(...xs)`,
 * `new Foo(...xs)`): every element becomes an argument on the stack, and an
 * array of a few hundred thousand samples throws a RangeError (or quietly
 * gives NaN in Math.min/max). Loops, reduce or `extent()` (src/core/extent.ts)
 * do the same without a limit. Spreads into array literals (`[...a, ...b]`)
 * are fine. Found with the TypeScript parser, so strings and comments do not count.
 */
const ROOTS = ['src', 'drivers', 'simulators', 'bench', 'dashboards', 'tests'];

/**
 * The spreads allowed, each narrowly: the file, the spread expression as
 * written, and why its length is bounded. An entry that matches nothing fails
 * the test too, so the list cannot go stale.
 */
const ALLOWED: ReadonlyArray<{ readonly file: string; readonly spread: string; readonly why: string }> = [
  {
    file: 'src/store/sqlite/sqlite-store.ts',
    spread: 'values',
    why: 'the bound parameters of one prepared INSERT: the columns of the event layout (v0..v15 and a few more), never data-sized',
  },
  {
    file: 'src/analysis/eis/circuit-parser.test.ts',
    spread: "'RCLPEWosGp()-,0123 1x'.split('')",
    why: 'a literal alphabet of 21 characters for fast-check',
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(?:[cm]?[jt]s)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface CallSpread {
  readonly file: string;
  readonly line: number;
  readonly spread: string;
  readonly call: string;
}

/** The spreads into calls in a file's text; `file` is its path from the package root. */
function callSpreads(file: string, text: string): CallSpread[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: CallSpread[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      for (const argument of node.arguments) {
        if (!ts.isSpreadElement(argument)) continue;
        const line = source.getLineAndCharacterOfPosition(argument.getStart()).line + 1;
        found.push({ file, line, spread: argument.expression.getText(), call: node.getText().split('\n')[0]!.slice(0, 100) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('no spread of an array into a call', () => {
  const spreads = ROOTS.flatMap((root) => sourceFiles(path.join(PACKAGE_ROOT, root))).flatMap((file) =>
    callSpreads(path.relative(PACKAGE_ROOT, file).split(path.sep).join('/'), readFileSync(file, 'utf8')),
  );
  const allowed = (s: CallSpread) => ALLOWED.some((a) => a.file === s.file && a.spread === s.spread);

  it('in src/, drivers/, simulators/, bench/, dashboards/ and tests/, except the spreads allowed by name', () => {
    const offending = spreads.filter((s) => !allowed(s)).map((s) => `${s.file}:${s.line}: ${s.call}`);
    expect(offending, `spread into a call (use a loop, reduce or extent()):\n${offending.join('\n')}`).toEqual([]);
  });

  it('allows nothing that is not there any more', () => {
    const stale = ALLOWED.filter((a) => !spreads.some((s) => s.file === a.file && s.spread === a.spread)).map((a) => `${a.file}: ...${a.spread}`);
    expect(stale).toEqual([]);
  });

  it('finds spreads into calls and constructors, not into array literals, rest parameters or strings', () => {
    const sample = [
      'const a = Math.max(...xs);',
      'const b = [...xs, { ...o }];',
      'function f(...rest: number[]) { return rest; }',
      "const c = 'push(...xs)'; // Math.min(...ys)",
      'out.push(1,',
      '  ...f(1));',
      'new Set(...lists);',
    ].join('\n');
    expect(callSpreads('sample.ts', sample).map(({ line, spread }) => `${line}: ${spread}`)).toEqual(['1: xs', '6: f(1)', '7: lists']);
  });
});
