import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePackage, type PackageVariable } from '../../drivers/potentiostat/methodscript/data-package.js';
import { MethodScriptPotentiostat } from '../../drivers/potentiostat/methodscript/potentiostat.js';
import type { MethodScriptSample } from '../../drivers/potentiostat/methodscript/sample.js';
import { silentLogger } from '../../src/core/logger.js';
import { POTENTIOSTAT_FLAGS } from '../../src/kinds/potentiostat/device.js';
import { openTransport } from '../../src/transport/open-transport.js';
import { createCell, type CellPresetName } from '../../simulators/potentiostat/cell/index.js';
import { SIMULATOR_DEFAULTS } from '../../simulators/potentiostat/defaults.js';
import { InstantClock } from '../../simulators/potentiostat/instant-clock.test-support.js';
import { PotentiostatSimulator } from '../../simulators/potentiostat/potentiostat-simulator.js';
import { LineReader } from '../support/line-reader.js';
import { closedSocket, connectedSocket } from '../support/sockets.js';

/**
 * Issue 10, point 8: scripts written as PalmSens' published MethodSCRIPT
 * examples write them (variables, store_var and arithmetic, if/else, loops,
 * arrays, optional arguments; written for this test, not copied), sent by a
 * bare TCP client to the potentiostat simulator as a vendor client would, and
 * their packages decoded with the package codec alone. The cells are the
 * simulator's presets; the lab clock is instant.
 */

const FARADAY = 96485.332;
const overload = (v: PackageVariable | undefined) => ((v?.status ?? 0) & POTENTIOSTAT_FLAGS.overload) !== 0;

describe('vendor-style MethodSCRIPT scripts on the potentiostat simulator over TCP', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function connect(preset: CellPresetName = 'LixV2O5') {
    const clock = new InstantClock();
    const simulator = new PotentiostatSimulator({ cell: createCell(preset), clock, seed: 3 });
    closers.push(() => simulator.close());
    const url = await simulator.listen();
    const socket: Socket = await connectedSocket(url);
    closers.push(() => closedSocket(socket));
    const lines = LineReader.ofStream(socket);
    /** Sends a host command; returns the reply lines up to the script's empty line (or the one reply line of `t`, `i`, `v`). */
    const execute = async (script: readonly string[]) => {
      socket.write(`e\n${script.join('\n')}\n\n`);
      const reply = await lines.until((line) => line === '');
      const packages = reply.filter((l) => l.startsWith('P')).map((l) => decodePackage(l).variables);
      return { reply, packages };
    };
    return { simulator, socket, lines, execute, url, clock };
  }

  it('answers t, i and v as the vendor clients read them', async () => {
    const { socket, lines } = await connect();
    socket.write('t\ni\nv\n');
    const replies = [await lines.next(), await lines.next(), await lines.next(), await lines.next()];
    expect(replies).toEqual([
      `t${SIMULATOR_DEFAULTS.identity.device}${SIMULATOR_DEFAULTS.identity.firmwareVersion}`,
      `${SIMULATOR_DEFAULTS.identity.buildInfo}*`,
      `i${SIMULATOR_DEFAULTS.identity.serial}`,
      `v${SIMULATOR_DEFAULTS.identity.methodScriptVersion}`,
    ]);
    // The older PalmSens client reads the version as an integer after the letter.
    expect(Number.parseInt(replies[3]!.slice(1), 10)).toBeGreaterThan(0);
  });

  it('OCP, then EIS biased at the measured OCP (store_var + add_var), then CA: no overload, the cell stays charged', async () => {
    const { execute, simulator } = await connect();
    const ocv = simulator.cell.openCircuitVoltage();
    const { reply, packages } = await execute([
      'var o',
      'var d',
      'var f',
      'var r',
      'var j',
      'var p',
      'var c',
      'set_pgstat_chan 0',
      'set_pgstat_mode 2',
      'set_max_bandwidth 40',
      'set_range ab 4200m',
      'set_autoranging ab 210m 4200m',
      'cell_off',
      'meas_loop_ocp o 200m 1',
      '  pck_start',
      '  pck_add o',
      '  pck_end',
      'endloop',
      '# the bias: 0 V against the OCP just measured',
      'store_var d 0 ab',
      'add_var d o',
      'set_pgstat_mode 3',
      'set_max_bandwidth 200k',
      'set_range ba 1m',
      'set_autoranging ba 1n 1m',
      'set_e d',
      'cell_on',
      'meas_loop_eis f r j 10m 100k 1 11i d',
      '  pck_start',
      '  pck_add f',
      '  pck_add r',
      '  pck_add j',
      '  pck_end',
      'endloop',
      'set_pgstat_mode 2',
      'meas_loop_ca p c d 500m 5',
      '  pck_start',
      '  pck_add p',
      '  pck_add c',
      '  pck_end',
      'endloop',
      'on_finished:',
      'cell_off',
    ]);
    expect(reply[0]).toBe('e');
    expect(reply.filter((l) => /^M[0-9A-F]{4}$/.test(l))).toHaveLength(3);
    expect(reply.slice(-1)).toEqual(['']);
    const [ocp, eis, ca] = [packages.slice(0, 5), packages.slice(5, 16), packages.slice(16)];
    for (const [o] of ocp) expect(o!.value).toBeCloseTo(ocv, 3);
    expect(eis).toHaveLength(11);
    for (const [f, r, j] of eis) {
      expect(f!.type).toBe('dc');
      expect(overload(r)).toBe(false);
      // The cell's impedance, to the simulator's noise (well under 1 % of |Z|).
      const z = simulator.cell.impedance(f!.value);
      const modulus = Math.hypot(z.re, z.im);
      expect(Math.abs(r!.value - z.re)).toBeLessThan(0.01 * modulus);
      expect(Math.abs(j!.value - z.im)).toBeLessThan(0.01 * modulus);
    }
    expect(ca).toHaveLength(10);
    for (const [p, c] of ca) {
      expect(p!.value).toBeCloseTo(ocv, 3);
      expect(Math.abs(c!.value)).toBeLessThan(10e-6);
      expect(overload(c)).toBe(false);
    }
  });

  it('LSV, then CV with nscans(2): arrays keep the peak current of each scan direction, if/else picks it', async () => {
    const { execute, simulator } = await connect();
    const begin = Math.round(simulator.cell.openCircuitVoltage() * 1000);
    const { packages } = await execute([
      'var p',
      'var c',
      'var hi',
      'var lo',
      'var n',
      'array peaks 2i',
      'set_pgstat_mode 2',
      'set_range ba 10m',
      'set_autoranging ba 1n 10m',
      `set_e ${begin}m`,
      'cell_on',
      `meas_loop_lsv p c ${begin}m ${begin + 40}m 10m 100m`,
      '  pck_start',
      '  pck_add p',
      '  pck_add c',
      '  pck_end',
      'endloop',
      `meas_loop_cv p c ${begin}m ${begin + 40}m ${begin - 40}m 10m 100m nscans(2)`,
      '  add_var n 1i',
      '  if c > hi',
      '    copy_var c hi',
      '    array_set peaks 0i c',
      '  elseif c < lo',
      '    copy_var c lo',
      '    array_set peaks 1i c',
      '  endif',
      'endloop',
      'pck_start',
      'pck_add n',
      'pck_add peaks[0i]',
      'pck_add peaks[1i]',
      'pck_end',
      'on_finished:',
      'cell_off',
    ]);
    const lsv = packages.slice(0, 5);
    expect(lsv.map(([p]) => Math.round(p!.value * 1000) - begin)).toEqual([0, 10, 20, 30, 40]);
    const [n, anodic, cathodic] = packages[5]!;
    // Per scan 4 steps up, 8 down, 4 back; and the first point.
    expect(n!.value).toBe(1 + 2 * 16);
    expect(anodic!.value).toBeGreaterThan(0);
    expect(cathodic!.value).toBeLessThan(0);
  });

  it('CP with a voltage cut-off, then galvanostatic EIS at 0 A: the cut-off ends the loop, GEIS holds the cell', async () => {
    const { execute, simulator } = await connect();
    const ocv = simulator.cell.openCircuitVoltage();
    const cutOffMv = Math.round((ocv - 0.15) * 1000);
    const { packages, reply } = await execute([
      'var p',
      'var c',
      'var f',
      'var r',
      'var j',
      'set_pgstat_mode 6',
      'set_range db 1m',
      'set_autoranging db 1m 1m',
      'cell_on',
      'meas_loop_cp p c -500u 10 3600',
      '  pck_start',
      '  pck_add p',
      '  pck_add c',
      '  pck_end',
      `  if p < ${cutOffMv}m`,
      '    breakloop',
      '  endif',
      'endloop',
      'cell_off',
      'set_pgstat_mode 3',
      'set_range ba 100u',
      'set_autoranging ba 100u 100u',
      'set_i 0',
      'cell_on',
      'meas_loop_geis f r j 10u 10k 1 5i 0',
      '  pck_start',
      '  pck_add f',
      '  pck_add r',
      '  pck_add j',
      '  pck_end',
      'endloop',
      'on_finished:',
      'cell_off',
    ]);
    expect(reply.at(-1)).toBe('');
    const cp = packages.filter((p) => p[0]!.type === 'ab');
    const geis = packages.filter((p) => p[0]!.type === 'dc');
    expect(cp.length).toBeGreaterThan(1);
    expect(cp.length).toBeLessThan(360);
    expect(cp.at(-1)![0]!.value).toBeLessThan(cutOffMv / 1000);
    for (const [, c] of cp) expect(c!.value).toBeCloseTo(-500e-6, 7);
    expect(geis).toHaveLength(5);
    for (const [, r] of geis) expect(overload(r)).toBe(false);
  });

  it('a cycling script as PalmSens writes one: meas, cell_on ocp(), CP into array elements, set_script_output, mean, GEIS in mode 6', async () => {
    const { execute, simulator } = await connect();
    const ocv = simulator.cell.openCircuitVoltage();
    const { reply, packages } = await execute([
      'var e',
      'var c',
      'var t',
      'var q',
      'var n',
      'var m',
      'var f',
      'var r',
      'var j',
      'array charge 3i',
      'store_var n 0i ja',
      'set_pgstat_chan 0',
      'set_pgstat_mode 6',
      'set_range ab 4200m',
      'set_range db 1m',
      'set_autoranging db 1m 1m',
      'meas 200m e ab',
      'pck_start',
      'pck_add e',
      'pck_end',
      'cell_on ocp(e)',
      'loop n < 3i',
      '  meas_loop_cp e c 200u 10 60',
      '    copy_var c q',
      '    mul_var q 10',
      '    add_var charge[n] q',
      '    # the first cycle is logged, the others are quiet',
      '    if n == 0i',
      '      set_script_output 1',
      '    else',
      '      set_script_output 0',
      '    endif',
      '    pck_start',
      '    pck_add e',
      '    pck_add c',
      '    pck_end',
      '  endloop',
      '  add_var n 1i',
      'endloop',
      'set_script_output 1',
      'mean charge m',
      'send_string f"mean charge {m} C"',
      'set_i 0',
      'meas_loop_geis f r j 50u 1k 10 3i 0',
      '  pck_start',
      '  pck_add f',
      '  pck_add r',
      '  pck_add j',
      '  pck_end',
      'endloop',
      'on_finished:',
      'cell_off',
    ]);
    expect(reply.at(-1)).toBe('');
    expect(reply.filter((l) => l.startsWith('!'))).toEqual([]);
    // meas: the open-circuit voltage, the cell still off.
    expect(packages[0]![0]!.type).toBe('ab');
    expect(packages[0]![0]!.value).toBeCloseTo(ocv, 3);
    // Three CP loops of 6 points; only the first one's packages reach the host, every loop still opens and closes.
    expect(reply.filter((l) => /^M[0-9A-F]{4}$/.test(l))).toHaveLength(4);
    expect(reply.filter((l) => l === '*')).toHaveLength(4);
    const cp = packages.slice(1, 7);
    expect(cp).toHaveLength(6);
    for (const [, c] of cp) expect(c!.value).toBeCloseTo(200e-6, 7);
    // Each element holds 6 x 200 uA x 10 s = 12 mC; the mean of the three is the same.
    const text = reply.find((l) => l.startsWith('Tmean charge '));
    expect(Number.parseFloat(text!.slice('Tmean charge '.length))).toBeCloseTo(12e-3, 6);
    const geis = packages.slice(7);
    expect(geis.map(([f]) => f!.value)).toEqual([1000, 100, 10]);
    for (const [f, r, j] of geis) {
      const z = simulator.cell.impedance(f!.value);
      expect(Math.abs(r!.value - z.re)).toBeLessThan(0.02 * Math.hypot(z.re, z.im));
      expect(Math.abs(j!.value - z.im)).toBeLessThan(0.02 * Math.hypot(z.re, z.im));
      expect(overload(r)).toBe(false);
    }
  });

  it('an impedance time scan on the interval timer (set_int, await_int), with log_var, linear_fit and hex integers', async () => {
    const { execute } = await connect();
    const { reply, packages } = await execute([
      'var f',
      'var r',
      'var j',
      'var t',
      'var k',
      'var x',
      'var slope',
      'var b',
      'array xs 3i',
      'array ys 3i',
      'store_var k 0i ja',
      'set_pgstat_mode 3',
      'set_range ba 100u',
      'set_autoranging ba 1n 1m',
      'set_e 3400m',
      'cell_on ocp(3400m)',
      'timer_start',
      'set_int 10',
      'loop k < 0x3i',
      '  meas_loop_eis f r j 10m 1k 1k 1 3400m',
      '  endloop',
      '  timer_get t',
      '  pck_start',
      '  pck_add t',
      '  pck_add r',
      '  pck_end',
      '  # x = ln(e^k) = k: the points lie on y = 2x + 1',
      '  store_var x 2718282m ja',
      '  pow_var x k',
      '  log_var x',
      '  copy_var x xs[k]',
      '  mul_var x 2',
      '  add_var x 1',
      '  copy_var x ys[k]',
      '  add_var k 1i',
      '  await_int',
      'endloop',
      'linear_fit xs ys slope b',
      'pck_start',
      'pck_add slope',
      'pck_add b',
      'pck_end',
      'on_finished:',
      'cell_off',
    ]);
    expect(reply.at(-1)).toBe('');
    expect(reply.filter((l) => l.startsWith('!'))).toEqual([]);
    // One point each, each scan starting on the 10 s grid: its end is a few periods of 1 kHz after 0, 10, 20 s.
    const times = packages.slice(0, 3).map(([t]) => t!.value);
    expect(times).toHaveLength(3);
    times.forEach((seconds, k) => {
      expect(seconds).toBeGreaterThanOrEqual(10 * k);
      expect(seconds).toBeLessThan(10 * k + 1);
    });
    const [slope, intercept] = packages[3]!;
    expect(slope!.value).toBeCloseTo(2, 5);
    expect(intercept!.value).toBeCloseTo(1, 5);
  });

  it('a 3.7 V cell held at 100 mV: the current clipped at the range limit, every package flagged overload', async () => {
    const { execute, simulator } = await connect();
    const x0 = simulator.cell.composition();
    const { packages } = await execute([
      'var p',
      'var c',
      'set_pgstat_mode 2',
      'set_range ba 1m',
      'set_autoranging ba 1n 1m',
      'set_e 100m',
      'cell_on',
      'meas_loop_ca p c 100m 1 20',
      '  pck_start',
      '  pck_add p',
      '  pck_add c',
      '  pck_end',
      'endloop',
      'on_finished:',
      'cell_off',
    ]);
    expect(packages).toHaveLength(20);
    const limitA = SIMULATOR_DEFAULTS.rangeSaturationFactor * 1e-3;
    for (const [, c] of packages) {
      expect(c!.value).toBeCloseTo(-limitA, 9);
      expect(overload(c)).toBe(true);
    }
    // The cell took the clipped current, not (3.7 - 0.1) V / 20 ohm = 180 mA.
    const { hostAmountMol } = simulator.cell.parameters as { hostAmountMol: number };
    expect((simulator.cell.composition() - x0) / ((limitA * 20) / (FARADAY * hostAmountMol))).toBeCloseTo(1, 2);
  });

  it('the driver keeps the overload as the sample flags of a constant-potential step far from the OCV', async () => {
    const { url, clock } = await connect();
    const device = new MethodScriptPotentiostat(await openTransport(url), { clock, logger: silentLogger });
    closers.push(() => device.close());
    const samples: MethodScriptSample[] = [];
    const outcome = await device.runStep(
      { kind: 'constant-potential', potentialV: 0.1, durationS: 10, intervalS: 1, hardLimits: { minV: 0, maxV: 5, maxAbsCurrentA: 2e-3 } },
      (s) => samples.push(s),
    );
    // The hard current limit (2 mA) ends the hold at the first sample: the current clipped at the 10 mA range's limit, flagged.
    expect(outcome.ending).toBe('cut-off');
    expect(samples).toHaveLength(1);
    expect(samples[0]!.currentA).toBeCloseTo(-SIMULATOR_DEFAULTS.rangeSaturationFactor * 10e-3, 9);
    expect(samples[0]!.flags & POTENTIOSTAT_FLAGS.overload).toBe(POTENTIOSTAT_FLAGS.overload);
  });
});
