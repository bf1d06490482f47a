import { describe, expect, it } from 'vitest';
import { collectingIo } from '../collecting-io.test-support.js';
import { main } from '../main.js';

describe('operando simulate: bad usage', () => {
  it.each([
    [[], /name one simulator model \(potentiostat, eurotherm, lakeshore336, dp5\)/],
    [['potentiostat', 'eurotherm'], /name one simulator model .*not 2/],
    [['thermocouple'], /unknown model "thermocouple": one of potentiostat, eurotherm, lakeshore336/],
    [['eurotherm', '--cell', 'NMC532'], /--cell does not apply to eurotherm, which takes --preset nmr-vt\|furnace/],
    [['potentiostat', '--preset', 'furnace'], /--preset does not apply to potentiostat, which takes --cell LixV2O5\|NMC532\|LAGP-pellet/],
    [['potentiostat', '--cell', 'LiCoO2'], /unknown cell "LiCoO2": one of LixV2O5, NMC532, LAGP-pellet/],
    [['lakeshore336', '--preset', 'cryostat'], /unknown preset "cryostat": one of nmr-vt, furnace/],
    [['potentiostat', '--link', 'serial'], /link must be tcp or pty, got "serial"/],
    [['eurotherm', '--link', 'pty', '--port', '5020'], /a port or host is for a tcp link/],
    [['potentiostat', '--port', '70000'], /port must be an integer 0\.\.65535, got 70000/],
    [['potentiostat', '--port=-1'], /port must be an integer 0\.\.65535, got -1/],
    [['potentiostat', '--port', '50x'], /--port must be an integer, got "50x"/],
    [['potentiostat', '--time-scale', '0'], /--time-scale must be a number > 0, got "0"/],
    [['potentiostat', '--time-scale', 'fast'], /--time-scale must be a number > 0, got "fast"/],
    [['potentiostat', '--time-scale', 'Infinity'], /--time-scale must be a number > 0/],
    [['lakeshore336', '--seed', '1.5'], /--seed must be an integer, got "1.5"/],
    [['potentiostat', '--baud', '9600'], /Unknown option '--baud'/],
  ])('simulate %j exits 2 and starts nothing', async (args, message) => {
    const io = collectingIo('/');
    expect(await main(['simulate', ...args], io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err).toContain('usage: operando simulate potentiostat|eurotherm|lakeshore336');
    // No URL: nothing was started.
    expect(io.out).toBe('');
  });
});
