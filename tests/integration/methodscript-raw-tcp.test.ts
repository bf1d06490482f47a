import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePackage } from '../../drivers/potentiostat/methodscript/data-package.js';
import { ScaledClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { RunningSimulator } from '../../src/kinds/kind.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import { startStandaloneSimulator } from '../../src/kinds/simulator-models.js';
import { LineReader } from '../support/line-reader.js';
import { connectedSocket } from '../support/sockets.js';

/**
 * A client that is not the project's driver (a bare node:net socket, as any
 * software behind a serial device server would use) runs a MethodSCRIPT
 * script on a standalone potentiostat simulator and decodes its output with
 * the pure package codec only.
 */

/** An OCP measurement of 10 lab seconds: a package each second, each with the timer (`eb`) and the potential (`ab`). */
const OCP_SCRIPT = [
  'var t',
  'var p',
  'set_pgstat_chan 0',
  'set_pgstat_mode 2',
  'set_range ab 5',
  'cell_off',
  'timer_start',
  'meas_loop_ocp p 1 10',
  '  timer_get t',
  '  pck_start',
  '  pck_add t',
  '  pck_add p',
  '  pck_end',
  'endloop',
];

describe('a raw TCP client on the potentiostat simulator', () => {
  let simulator: RunningSimulator | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    socket?.destroy();
    await simulator?.close();
    simulator = socket = undefined;
  });

  it('executes an OCP loop: e, M, P packages of time and potential, *, empty line', async () => {
    simulator = await startStandaloneSimulator('potentiostat', { link: 'tcp', seed: 2 }, { clock: new ScaledClock(100), logger: silentLogger });
    const ocv = potentiostatSimulatorOf(simulator).cell.openCircuitVoltage();
    const client = (socket = await connectedSocket(simulator.url));
    const lines = LineReader.ofStream(client);
    client.write(`e\n${OCP_SCRIPT.join('\n')}\n\n`);

    const reply = await lines.until((line) => line === '');
    expect(reply[0]).toBe('e');
    expect(reply[1]).toMatch(/^M[0-9A-F]{4}$/);
    expect(reply.slice(-2)).toEqual(['*', '']);
    const packages = reply.slice(2, -2).map((line) => decodePackage(line).variables);
    expect(packages).toHaveLength(10);
    packages.forEach((variables, k) => {
      expect(variables.map((v) => v.type)).toEqual(['eb', 'ab']);
      const [time, potential] = variables;
      // Package k at the end of interval k + 1, on the lab clock; the cell at rest at its OCV (noise 20 uV).
      expect(time!.value).toBeCloseTo(k + 1, 3);
      expect(potential!.value).toBeCloseTo(ocv, 3);
    });
  });
});
