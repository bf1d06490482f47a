import { describe, expect, it } from 'vitest';
import { ConfigError, parseLabConfig } from '../../config/load.js';

const HEAD = `lab: { name: ndp, timeScale: 600 }
store: { kind: sqlite, path: lab.db }
api: { tokens: [{ name: viewer, role: viewer, token: viewer-token-0000000001 }] }
`;

function parse(body: string) {
  return parseLabConfig(HEAD + body, 'lab.yaml', {}).config;
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

describe('MCA entries of a lab file', () => {
  it('takes a DP5 on UDP and its simulator, options and all', () => {
    const config = parse(`simulators:
  - { id: mca-sim, kind: mca, model: dp5, link: udp, seed: 3 }
instruments:
  - { id: mca1, kind: mca, driver: amptek-dp5, transport: sim://mca-sim, options: { channels: 8192, energyCalibrationKeV: [10, 0.5, 0], udpPort: 10001 } }
  - { id: mca2, kind: mca, driver: amptek-dp5, transport: "udp://192.168.1.30:10001" }
`);
    expect(config.instruments.map((i) => [i.id, i.kind])).toEqual([
      ['mca1', 'mca'],
      ['mca2', 'mca'],
    ]);
    expect(config.simulators[0]).toMatchObject({ kind: 'mca', model: 'dp5', link: 'udp' });
  });

  it.each([
    ['a channel count no DP5 has', 'options: { channels: 3000 }', /\/instruments\/0\/options\/channels/],
    ['a misspelt option', 'options: { chanels: 4096 }', /\/instruments\/0\/options\/chanels: unknown setting/],
    ['a calibration of two coefficients', 'options: { energyCalibrationKeV: [1, 2] }', /\/instruments\/0\/options\/energyCalibrationKeV/],
  ])('refuses %s, naming the path', (_what, options, message) => {
    expect(problem(`instruments:\n  - { id: mca1, kind: mca, driver: amptek-dp5, transport: "udp://10.0.0.2:10001", ${options} }\n`)).toMatch(message);
  });

  it('refuses a simulator link the DP5 has not, and an MCA pointed at a potentiostat simulator', () => {
    expect(problem(`simulators:\n  - { id: s, kind: mca, model: dp5, link: serial }\ninstruments:\n  - { id: mca1, kind: mca, driver: amptek-dp5, transport: sim://s }\n`)).toMatch(/\/simulators\/0\/link/);
    expect(
      problem(`simulators:\n  - { id: cell, kind: potentiostat, cell: NMC532, link: pty }\ninstruments:\n  - { id: mca1, kind: mca, driver: amptek-dp5, transport: sim://cell }\n`),
    ).toMatch(/simulator "cell" is a potentiostat, not a mca/);
  });
});
