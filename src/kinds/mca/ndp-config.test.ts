import { describe, expect, it } from 'vitest';
import { ConfigError, parseLabConfig } from '../../config/load.js';

const HEAD = `lab: { name: ndp, timeScale: 600 }
store: { kind: sqlite, path: lab.db }
api: { tokens: [{ name: viewer, role: viewer, token: viewer-token-0000000001 }] }
`;
const CELL = '  - { id: cell-sim, kind: potentiostat, cell: Li-on-Cu, link: tcp }\n';

function parse(body: string) {
  const instruments = 'instruments:\n  - { id: mca1, kind: mca, driver: amptek-dp5, transport: "udp://10.0.0.2:10001" }\n';
  return parseLabConfig(HEAD + (body.includes('instruments:') ? body : body + instruments), 'lab.yaml', {}).config;
}
function problem(body: string): string {
  try {
    parse(body);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('NDP simulators in a lab file', () => {
  it('takes an ndp-li-on-cu detector naming a Li-on-Cu potentiostat simulator, with its overrides', () => {
    const config = parse(`simulators:\n${CELL}  - { id: ndp-sim, kind: mca, model: dp5, link: udp, preset: ndp-li-on-cu, sample: cell-sim, ndp: { calibrationCountsPerSPerLiPerCm2: 2e-17, monitorPerS: 800, resolutionFwhmKeV: 20, backgroundPerSPerKeV: 0.01 } }\n`);
    expect(config.simulators[1]).toMatchObject({ preset: 'ndp-li-on-cu', sample: 'cell-sim', ndp: { monitorPerS: 800 } });
    expect(parse('simulators:\n  - { id: layer, kind: mca, model: dp5, link: pty, preset: ndp-li-layer }\n').simulators[0]).toMatchObject({ preset: 'ndp-li-layer' });
  });

  it.each([
    ['a sample that is no simulator', `${CELL}  - { id: ndp-sim, kind: mca, model: dp5, link: pty, preset: ndp-li-on-cu, sample: cel-sim }`, '/simulators/1/sample: no simulator with id "cel-sim" in /simulators'],
    [
      'a sample without a Li plating cell',
      '  - { id: nmc, kind: potentiostat, cell: NMC532, link: tcp }\n  - { id: ndp-sim, kind: mca, model: dp5, link: pty, preset: ndp-li-on-cu, sample: nmc }',
      '/simulators/1/sample: simulator "nmc" (potentiostat) has no Li plating cell to profile: name a potentiostat simulator with cell: Li-on-Cu',
    ],
    ['ndp-li-on-cu without a sample', '  - { id: ndp-sim, kind: mca, model: dp5, link: pty, preset: ndp-li-on-cu }', '/simulators/0/sample: preset ndp-li-on-cu profiles the cell of a potentiostat simulator'],
    ['a sample for a preset with its own', `${CELL}  - { id: ndp-sim, kind: mca, model: dp5, link: pty, preset: ndp-li-layer, sample: cell-sim }`, '/simulators/1/sample: preset ndp-li-layer has a sample of its own'],
    ['NDP overrides of the two peaks', '  - { id: mca-sim, kind: mca, model: dp5, link: pty, ndp: { monitorPerS: 100 } }', '/simulators/0/ndp: ndp sets the beam and detector of the NDP presets'],
    ['a misspelt override', '  - { id: ndp-sim, kind: mca, model: dp5, link: pty, preset: ndp-li-layer, ndp: { monitorRate: 100 } }', '/simulators/0/ndp/monitorRate: unknown setting'],
    ['an unknown preset', '  - { id: ndp-sim, kind: mca, model: dp5, link: pty, preset: ndp-li-metal }', '/simulators/0/preset: must be one of "two-peaks", "ndp-li-layer", "ndp-li-on-cu"'],
  ])('refuses %s, naming the path', (_what, simulators, message) => {
    expect(problem(`simulators:\n${simulators}\n`)).toContain(`lab.yaml: ${message}`);
  });

  it('refuses an energy calibration that does not increase over the channels', () => {
    expect(problem('instruments:\n  - { id: mca1, kind: mca, driver: amptek-dp5, transport: "udp://10.0.0.2:10001", options: { channels: 1024, energyCalibrationKeV: [3000, -0.75, 0] } }\n')).toContain(
      'lab.yaml: /instruments/0/options/energyCalibrationKeV: E = 3000 + -0.75 ch + 0 ch^2 keV does not increase over channels 0..1023',
    );
  });
});
