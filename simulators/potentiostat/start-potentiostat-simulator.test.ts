import { filter, firstValueFrom, scan } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { openTransport } from '../../src/transport/open-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { InstantClock } from './instant-clock.test-support.js';
import { startPotentiostatSimulator, type PotentiostatSimulator } from './start-potentiostat-simulator.js';

describe('startPotentiostatSimulator', () => {
  const open: Array<PotentiostatSimulator | Transport> = [];

  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close();
  });

  it.each(['tcp', 'pty'] as const)('starts a cell of the preset with its overrides, serving on %s', async (link) => {
    const simulator = await startPotentiostatSimulator({ cell: 'LixV2O5', link, seed: 2, cellParameters: { initialX: 0.3 } }, new InstantClock());
    open.push(simulator);
    expect(simulator.cell.composition()).toBeCloseTo(0.3, 12);
    expect(simulator.url.startsWith(link === 'tcp' ? 'tcp://' : 'serial://')).toBe(true);
    const host = await openTransport(simulator.url);
    open.push(host);
    // Bytes may come in several chunks: collect up to the end of the line.
    const reply = firstValueFrom(
      host.data$.pipe(
        scan((text, chunk) => text + Buffer.from(chunk).toString('latin1'), ''),
        filter((text) => text.endsWith('\n')),
      ),
    );
    await host.write('\nZ\n');
    expect(await reply).toBe('Z!0006\n');
  });
});
