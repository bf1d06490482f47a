import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadLabConfig } from '../../src/config/load.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { startLab, type Lab } from '../../src/lab/lab.js';

export const VIEWER_TOKEN = 'viewer-token-for-tests-0001';
export const OPERATOR_TOKEN = 'operator-token-for-tests-0001';

export interface LabFixture {
  readonly lab: Lab;
  readonly dir: string;
  /** Closes the lab (runs aborted, instruments safe, store flushed) and removes the directory. */
  close(): Promise<void>;
}

/**
 * A lab in a temporary directory from a YAML body (`simulators:` and
 * `instruments:` sections), with the API on a free loopback port.
 */
export async function startTestLab(body: string, options: { timeScale: number; api?: boolean; logger?: Logger }): Promise<LabFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'operando-lab-'));
  const file = path.join(dir, 'lab.yaml');
  await writeFile(
    file,
    `lab: { name: test lab, timeScale: ${options.timeScale} }
store: { kind: sqlite, path: lab.db }
api:
  port: 0
  tokens:
    - { name: viewer, role: viewer, token: ${VIEWER_TOKEN} }
    - { name: operator, role: operator, token: ${OPERATOR_TOKEN} }
${body}`,
  );
  const lab = await startLab(await loadLabConfig(file), { logger: options.logger ?? silentLogger, api: options.api ?? true, port: 0 });
  return {
    lab,
    dir,
    close: async () => {
      await lab.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
