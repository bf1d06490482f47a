/**
 * CLI start-up: wall time of `operando --help` and of two analyses, each a
 * fresh `node bin/operando.js` process, against bare `node -e ''` measured in
 * the same run (the goal: within 2 x of bare node). The cases alternate round
 * by round so that drift of the machine spreads over all of them; each figure
 * is the median of ROUNDS runs. The EIS case fits a 60-point spectrum the
 * bench synthesises from a known circuit.
 *
 *   npm run bench startup   (or, after npm run build: node dist/bench/startup.js)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../src/core/package-root.js';
import { synthetic } from './eis.js';
import { median } from './median.js';

const ROUNDS = 15;
const GOAL = 2;
const CIRCUIT = 'R0-p(R1,CPE1)';

/** Wall time in ms of one process, from spawn to exit; a failing process stops the bench. */
function wallMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return ms;
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'operando-bench-startup-'));
  try {
    const spectrum = synthetic(CIRCUIT, [10, 100, 1e-6, 0.9], 60, 11);
    const file = path.join(dir, 'spectrum.csv');
    writeFileSync(file, Array.from(spectrum.frequencyHz, (f, i) => `${f},${spectrum.zRe[i]},${spectrum.zIm[i]}\n`).join(''));

    const bin = path.join(PACKAGE_ROOT, 'bin', 'operando.js');
    const cases: Array<[string, string[]]> = [
      ["node -e ''", ['-e', '']],
      ['operando --help', [bin, '--help']],
      ['operando analyze exchange-resistance', [bin, 'analyze', 'exchange-resistance', '--j0-ma-per-cm2', '1', '--temperature-k', '298', '--json']],
      [`operando analyze eis (60 points, ${CIRCUIT})`, [bin, 'analyze', 'eis', file, '--circuit', CIRCUIT, '--json']],
    ];
    const times = cases.map(() => [] as number[]);
    for (let round = 0; round < ROUNDS; round++) cases.forEach(([, args], k) => times[k]!.push(wallMs(args)));

    const baseline = median(times[0]!);
    console.log(`startup: median wall time of ${ROUNDS} runs each, cases alternating; ratio to bare node (goal: within ${GOAL} x)`);
    cases.forEach(([label], k) => {
      const ms = median(times[k]!);
      console.log(`  ${label.padEnd(50)} ${ms.toFixed(1).padStart(7)} ms  ${k === 0 ? '(baseline)' : `${(ms / baseline).toFixed(2)} x`}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
