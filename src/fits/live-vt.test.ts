import { describe, expect, it } from 'vitest';
import { DocumentBus } from '../core/bus.js';
import type { Document, FitResult } from '../core/documents.js';
import { silentLogger } from '../core/logger.js';
import { attachLiveVtFit } from './live-vt.js';

/** The plan of the README's VT example (as its run-start stores it), at four temperatures. */
const PLAN = {
  kind: 'vt-series',
  program: {
    controller: 'furnace1', temperaturesK: [300, 320, 340, 360], rampKPerMin: 5,
    settle: { bandK: 0.5, maxRateKPerS: 0.1 / 60, holdS: 300, timeoutS: 7200 }, pollS: 5,
    suspend: { bandK: 1, policy: 'repeat', maxRepeats: 3 },
  },
  eis: {
    kind: 'eis-sweep', instrument: 'pstat2', mode: 'potentiostatic', amplitudeV: 0.05, bias: { dcV: 0, vs: 'ocp' },
    startHz: 1e6, endHz: 0.1, points: 71, restS: 10, ocpS: 10, restIntervalS: 1,
    analysis: { circuit: 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3', weighting: 'modulus', excludeInductive: false },
    sample: { name: 'LAGP pellet', thicknessCm: 0.1, areaCm2: 0.785 },
  },
  external: null,
  nmr: { jumpDistanceCm: null, dimension: null, exsyDistanceCm: null },
};

const K_B_EV = 8.617333262e-5;
/** sigma T = A exp(-Ea / kT): bulk 0.35 eV, grain boundary 0.45 eV. */
const sigma = (eaEv: number, temperatureK: number) => (1e3 / temperatureK) * Math.exp(-eaEv / (K_B_EV * temperatureK));

describe('live VT fit of a series whose fit flags a sweep', () => {
  it('leaves the flagged sweep out of both Arrhenius fits, with the flag as the reason', () => {
    const bus = new DocumentBus(silentLogger);
    const fits: FitResult[] = [];
    attachLiveVtFit(bus, silentLogger);
    bus.attach('collect', (doc: Document) => {
      if (doc.kind === 'fit') fits.push(doc);
    });
    const fit = (method: string, index: number, result: Record<string, unknown>) => bus.publish({ kind: 'fit', runId: 'r', timestampNs: BigInt(index), method, index, result });
    bus.publish({ kind: 'run-start', runId: 'r', timestampNs: 0n, protocol: 'vt-series@1', parameters: PLAN, metadata: {}, instruments: {} });
    const temperaturesK = PLAN.program.temperaturesK;
    const flag = 'the fit with the CPEs of sweep 1 misses this sweep by 1.5 % of |Z| (rms) where the series\' fits typically miss by 0.07 %: a wrong minimum';
    temperaturesK.forEach((t, k) => {
      const step = k + 1;
      fit('vt-step', step, { setpointK: t, temperatureK: { meanK: t, sdK: 0.1, minK: t - 0.2, maxK: t + 0.2, samples: 60 }, ok: true, warnings: [] });
      fit('eis', step, { conductivitySPerCm: sigma(0.35, t), ok: true, kk: { pass: true }, warnings: [] });
    });
    // Step 3's values are those of a wrong minimum (a grain boundary of near-zero resistance), flagged by the series fit.
    fit('eis-series', 4, {
      ok: true,
      sweeps: temperaturesK.map((t, k) => ({
        sweep: k + 1,
        conductivitySPerCm: k === 2 ? 0.86 * sigma(0.35, t) : sigma(0.35, t),
        grainBoundaryConductivitySPerCm: k === 2 ? 2.2e4 : sigma(0.45, t),
        converged: true,
        flag: k === 2 ? flag : null,
        notes: [],
      })),
    });
    bus.publish({ kind: 'run-stop', runId: 'r', timestampNs: 10n, exitStatus: 'success', reason: 'completed', events: {} });

    const conductivity = fits.filter((f) => f.method === 'vt-conductivity').at(-1)!;
    expect(conductivity.index).toBe(4);
    const third = fits.filter((f) => f.method === 'vt-conductivity' && f.index === 3).at(-1)!;
    expect(third.result).toMatchObject({ from: 'eis-series', included: false, warnings: [flag] });
    for (const method of ['arrhenius', 'arrhenius-grain-boundary']) {
      const final = fits.filter((f) => f.method === method && f.result.final === true).at(-1)!;
      expect(final.result).toMatchObject({ ok: true, steps: [1, 2, 4], excluded: [{ step: 3, temperatureK: 340, reasons: [flag] }] });
      const ea = (final.result.activationEnergyEv as { value: number }).value;
      expect(ea).toBeCloseTo(method === 'arrhenius' ? 0.35 : 0.45, 6);
    }
  });
});
