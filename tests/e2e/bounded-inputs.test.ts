import { watch } from 'node:fs';
import { access, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN, startTestLab, VIEWER_TOKEN, type LabFixture } from '../support/lab-fixture.js';

/**
 * Inputs that used to take the service down, sent to a real lab while a GITT
 * runs on it: each is refused with a 400 naming the parameter and the bound
 * before anything reaches an instrument, the store or the event loop, and
 * the GITT completes as if nothing had happened.
 */
describe('bounded inputs, end to end', () => {
  let fixture: LabFixture;
  const operator = { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' };
  const post = (body: string | object) =>
    fetch(`${fixture.lab.url}/api/runs`, { method: 'POST', headers: operator, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const gitt = (overrides: Record<string, unknown>) => ({
    protocol: 'gitt',
    parameters: { instrument: 'pstat1', current: '-200 uA', pulse: '2 min', rest: { duration: '30 min' }, pulses: 3, ...overrides },
  });
  const eis = (overrides: Record<string, unknown>) => ({ protocol: 'eis', parameters: { instrument: 'pstat2', startFrequency: '100 kHz', endFrequency: '10 Hz', amplitude: '10 mV', ...overrides } });
  const vt = (overrides: Record<string, unknown>) => ({
    protocol: 'vt-series',
    parameters: { controller: 'furnace1', temperatures: ['300 K', '320 K'], ramp: '5 K/min', external: { kinds: ['nmr-t2'] }, ...overrides },
  });

  beforeAll(async () => {
    fixture = await startTestLab(
      `ingest: { folder: nmr-exports }
simulators:
  - { id: cell-sim, kind: potentiostat, cell: LixV2O5, link: tcp, seed: 11, cellParameters: { initialX: 0.3 } }
  - { id: pellet-sim, kind: potentiostat, cell: LAGP-pellet, link: tcp, seed: 12 }
  - { id: vt-sim, kind: temperature, model: eurotherm, preset: furnace, link: tcp, seed: 13 }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 } }
  - { id: pstat2, kind: potentiostat, driver: methodscript, transport: sim://pellet-sim, limits: { minV: -1, maxV: 1, maxAbsCurrentA: 0.001 } }
  - { id: furnace1, kind: temperature, driver: eurotherm, transport: sim://vt-sim, limits: { minK: 250, maxK: 450, maxRampKPerMin: 10, safeK: 298.15 } }
`,
      { timeScale: 1000 },
    );
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('answers each bad input with a 400 naming the problem while a GITT on the same lab runs on and completes', async () => {
    // About 12 s of real time: 10 min, then 3 x (2 min + 1 h) of lab time at 1000x.
    const good = await post(gitt({ rest: { duration: '1 h' }, sampleInterval: '10 s', restSampleInterval: '1 min', initialRest: '10 min' }));
    expect(good.status).toBe(201);
    const { runId } = (await good.json()) as { runId: string };

    const cases: Array<{ body: string | object; code: string; message: string | RegExp }> = [
      { body: gitt({ sampleInterval: '1 ns' }), code: 'INVALID_PARAMETERS', message: "parameters/sampleInterval: 1 ns is below the instrument's shortest sampling interval 1 ms (pstat1)" },
      { body: gitt({ pulse: '5' }), code: 'INVALID_PARAMETERS', message: 'parameters/pulse: "5" needs a unit, e.g. "5 s" (only a JSON number is taken in SI units)' },
      { body: gitt({ current: '-20' }), code: 'INVALID_PARAMETERS', message: /^parameters\/current: "-20" needs a unit, e\.g\. "-20 A"/ },
      { body: gitt({ pulse: '1e308 s' }), code: 'INVALID_PARAMETERS', message: 'parameters/pulse: 2.778e+304 h is longer than the longest step, 8766 h' },
      { body: gitt({ pulse: '1e309 s' }), code: 'INVALID_PARAMETERS', message: 'parameters/pulse: "1e309 s" is not a finite number' },
      {
        body: gitt({ pulse: '100 d', sampleInterval: '1 ms' }),
        code: 'INVALID_PARAMETERS',
        message: 'parameters/sampleInterval: 1 ms over a pulse of 2400 h makes 8640000000 samples, more than 10000000 per step',
      },
      { body: gitt({ pulses: 100_000 }), code: 'INVALID_PARAMETERS', message: /^parameters\/pulses: 100000 pulses with their rests would last .* h, longer than the longest run, 8766 h$/ },
      { body: gitt({ pulsse: '5 min' }), code: 'INVALID_PARAMETERS', message: 'parameters/pulsse: unknown parameter (did you mean pulse?)' },
      {
        body: eis({ startFrequency: '10 MHz' }),
        code: 'INVALID_PARAMETERS',
        message: "parameters/startFrequency: 10 MHz is above the instrument's highest EIS frequency 1 MHz (pstat2: MethodSCRIPT es4_hr, unverified)",
      },
      { body: eis({ endFrequency: '1 uHz' }), code: 'INVALID_PARAMETERS', message: /^parameters\/endFrequency: 1 uHz is below the instrument's lowest EIS frequency 10 uHz/ },
      { body: vt({ poll: '1 ms' }), code: 'INVALID_PARAMETERS', message: "parameters/poll: 1 ms is below the instrument's shortest polling interval 1 s (furnace1)" },
      { body: vt({ settle: { timeout: '1e308 s' } }), code: 'INVALID_PARAMETERS', message: /^parameters\/settle\/timeout: .* is longer than the longest step, 8766 h$/ },
      { body: vt({ temperatures: ['300'] }), code: 'INVALID_PARAMETERS', message: /^parameters\/temperatures\/0: "300" needs a unit, e\.g\. "300 K"/ },
      {
        // Written by hand: JSON.stringify itself overflows the stack on 5000 levels.
        body: `{"protocol":"gitt","parameters":${JSON.stringify(gitt({}).parameters)},"metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
        code: 'INVALID_METADATA',
        message: 'metadata/a/a/a/a/a/a/a/a: nested deeper than 8 levels',
      },
    ];
    for (const c of cases) {
      const response = await post(c.body);
      expect({ status: response.status, error: ((await response.json()) as { error: unknown }).error }).toEqual({
        status: 400,
        error: { code: c.code, message: typeof c.message === 'string' ? c.message : expect.stringMatching(c.message) },
      });
    }

    // A bias vs OCP no OCP inside the voltage window can keep inside it: a hard limit (422), refused before the run, not after its OCP rest.
    const bias = await post(eis({ bias: { dc: '5 V', vs: 'ocp' } }));
    expect(bias.status).toBe(422);
    expect(((await bias.json()) as { error: unknown }).error).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/^pstat2: EIS bias .* leaves the hard limits -1\.\.1 V/) });

    // A 60 MB export in the ingest folder: moved to rejected/ unread, with the reason.
    const folder = path.join(fixture.dir, 'nmr-exports');
    const rejected = waitForFile(path.join(folder, 'rejected'), 't2_big.csv');
    await writeFile(path.join(fixture.dir, 'big.part'), `temperature_k,t2_s\n${'310.00,0.00200\n'.repeat(4_000_000)}`);
    await rename(path.join(fixture.dir, 'big.part'), path.join(folder, 't2_big.csv'));
    await rejected;
    expect(await readFile(path.join(folder, 'rejected', 't2_big.csv.error.txt'), 'utf8')).toMatch(/^t2_big\.csv: 60000019 bytes, larger than the ingest limit of 16777216 bytes/);

    // All of that happened while the GITT ran; it completes normally.
    expect(fixture.lab.engine.get(runId)?.state).toBe('running');
    const stop = await fixture.lab.engine.whenDone(runId);
    expect(stop).toMatchObject({ exitStatus: 'success', reason: 'completed' });
    expect(stop.events['pstat1.dc']).toBeGreaterThan(100);
    const runs = await fetch(`${fixture.lab.url}/api/runs`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
    expect(((await runs.json()) as { runs: Array<{ runId: string; exitStatus: string }> }).runs).toContainEqual(expect.objectContaining({ runId, exitStatus: 'success' }));
  });
});

/** Resolves once `name` exists in `dir` (watched, so no polling delay; checked once after the watch is set). */
function waitForFile(dir: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, () => void check());
    const check = async () => {
      try {
        await access(path.join(dir, name));
      } catch {
        return;
      }
      watcher.close();
      resolve();
    };
    watcher.on('error', reject);
    void check();
  });
}
