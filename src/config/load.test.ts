import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadLabConfig, parseLabConfig } from './load.js';

const simulatedLab = fileURLToPath(new URL('../../config/simulated-lab.yaml', import.meta.url));

async function variant(edit: (text: string) => string): Promise<string> {
  return edit(await readFile(simulatedLab, 'utf8'));
}

function problem(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseLabConfig(text, 'lab.yaml', env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('lab configuration', () => {
  it('loads the default simulated lab with defaults applied and paths resolved', async () => {
    const { config, tokens } = await loadLabConfig(simulatedLab);
    expect(config.instruments.map((i) => i.id)).toEqual(['pstat1', 'pstat2', 'furnace1', 'pstat3', 'mca1']);
    expect(config.store.path).toMatch(/\/data\/simulated-lab\.db$/);
    expect([...tokens.values()].map((t) => t.role).sort()).toEqual(['operator', 'viewer']);
  });

  it('names the file, the path and the problem for a wrong type', async () => {
    const e = problem(await variant((t) => t.replace('limits: { minV: 2.0, maxV: 4.0', 'limits: { minV: 2.0, maxV: "high"')));
    expect(e.message).toMatch(/^lab\.yaml: \/instruments\/0\/limits\/maxV: expected number/);
  });

  it('names an unknown setting', async () => {
    const e = problem(await variant((t) => t.replace('batchWindowMs: 250', 'batchWindowMs: 250\n  colour: blue')));
    expect(e.message).toMatch(/\/store\/colour: unknown setting/);
  });

  it('reports YAML syntax errors with line and column', () => {
    const e = problem('lab: {name: x\ninstruments: [');
    expect(e.code).toBe('CONFIG_SYNTAX');
    expect(e.message).toMatch(/^lab\.yaml: line \d+, column \d+/);
  });

  it('refuses a transport naming a missing simulator and duplicate ids', async () => {
    expect(problem(await variant((t) => t.replace('transport: sim://pstat-sim', 'transport: sim://nowhere'))).message).toMatch(
      /\/instruments\/0\/transport: no simulator with id "nowhere"/,
    );
    expect(problem(await variant((t) => t.replace('- id: pstat2', '- id: pstat1'))).message).toMatch(/id "pstat1" is used twice/);
    expect(problem(await variant((t) => t.replace('- id: pstat2', '- id: run'))).message).toMatch(/\/instruments\/\d+\/id: id "run" is reserved/);
  });

  it('refuses inconsistent limits and a bad instrument kind', async () => {
    expect(problem(await variant((t) => t.replace('minV: 2.0, maxV: 4.0', 'minV: 4.0, maxV: 2.0'))).message).toMatch(/minV must be below maxV/);
    expect(problem(await variant((t) => t.replace('kind: potentiostat\n    driver', 'kind: oven\n    driver'))).message).toMatch(
      /\/instruments\/0\/kind: must be one of "potentiostat", "temperature"/,
    );
  });

  it('resolves tokens from the environment and says which variable is missing', async () => {
    const text = await variant((t) => t.replace('token: operator-simulated-lab-0001', 'tokenEnv: OP_TOKEN'));
    expect(problem(text).message).toMatch(/\/api\/tokens\/1: environment variable OP_TOKEN is not set/);
    const { tokens } = parseLabConfig(text, 'lab.yaml', { OP_TOKEN: 'a-long-enough-operator-token' });
    expect(tokens.get('a-long-enough-operator-token')?.role).toBe('operator');
  });

  it('says when the file cannot be read', async () => {
    await expect(loadLabConfig('/nonexistent/lab.yaml')).rejects.toMatchObject({ code: 'CONFIG_READ' });
  });
});
