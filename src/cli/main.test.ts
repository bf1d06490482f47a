import { describe, expect, it } from 'vitest';
import { OperandoError } from '../core/errors.js';
import { collectingIo } from './collecting-io.test-support.js';
import { UsageError, type CliCommand, type CliRunner } from './command.js';
import { commands } from './commands/index.js';
import { main } from './main.js';

/** The commands under test read no files. */
const collector = () => collectingIo('/');

/** A command whose module load is recorded in `loaded`; its run does what `run` says. */
function command(name: string, loaded: string[], run: CliRunner['run'] = async () => 0): CliCommand {
  return {
    name,
    summary: `the ${name} command`,
    usage: `operando ${name} [--flag]`,
    load: async () => {
      loaded.push(name);
      return { run };
    },
  };
}

describe('operando main', () => {
  it('lists every command for --help without loading any', async () => {
    const loaded: string[] = [];
    const io = collector();
    expect(await main(['--help'], io, [command('start', loaded), command('analyze gitt', loaded)])).toBe(0);
    expect(io.out).toMatch(/^ {2}start {9}the start command$/m);
    expect(io.out).toMatch(/^ {2}analyze gitt {2}the analyze gitt command$/m);
    expect(loaded).toEqual([]);
  });

  it('answers no arguments with the list and exit code 2', async () => {
    const io = collector();
    expect(await main([], io, [command('start', [])])).toBe(2);
    expect(io.out).toContain('the start command');
  });

  it('loads and runs only the command with the longest matching name, with the arguments after it', async () => {
    const loaded: string[] = [];
    const seen: string[][] = [];
    const available = [command('analyze', loaded), command('analyze eis', loaded, async (args) => (seen.push(args), 0)), command('start', loaded)];
    expect(await main(['analyze', 'eis', 'spectrum.csv', '--json'], collector(), available)).toBe(0);
    expect(loaded).toEqual(['analyze eis']);
    expect(seen).toEqual([['spectrum.csv', '--json']]);
  });

  it('prints a command’s usage from the table for COMMAND --help without loading it', async () => {
    const loaded: string[] = [];
    const io = collector();
    expect(await main(['analyze', 'eis', '--help'], io, [command('analyze eis', loaded)])).toBe(0);
    expect(io.out).toBe('the analyze eis command\n\nusage: operando analyze eis [--flag]\n');
    expect(loaded).toEqual([]);
  });

  it('refuses an unknown command with exit code 2 and the list', async () => {
    const io = collector();
    expect(await main(['analyse', 'eis'], io, [command('analyze eis', [])])).toBe(2);
    expect(io.err).toMatch(/^operando: unknown command "analyse eis"\n\n.*the analyze eis command/s);
  });

  it('turns a usage error into the message and the usage, exit code 2', async () => {
    const io = collector();
    const available = [command('start', [], async () => Promise.reject(new UsageError('--port must be 0..65535, got 70000')))];
    expect(await main(['start', '--port', '70000'], io, available)).toBe(2);
    expect(io.err).toBe('operando start: --port must be 0..65535, got 70000\nusage: operando start [--flag]\n');
  });

  it('reports a failure of the work, or of loading the command, in one line with exit code 1', async () => {
    const failing = [command('start', [], async () => Promise.reject(new OperandoError('no such instrument', 'NOT_FOUND')))];
    const io = collector();
    expect(await main(['start'], io, failing)).toBe(1);
    expect(io.err).toBe('operando start: no such instrument [NOT_FOUND]\n');

    const unloadable: CliCommand = { ...command('start', []), load: () => Promise.reject(new Error('Cannot find module dist/src/cli/commands/start.js')) };
    const io2 = collector();
    expect(await main(['start'], io2, [unloadable])).toBe(1);
    expect(io2.err).toBe('operando start: Cannot find module dist/src/cli/commands/start.js\n');
  });
});

describe('the command table', () => {
  it('names each command once, with a summary and a usage that starts with its name', () => {
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
    for (const c of commands) {
      expect(c.summary).not.toBe('');
      expect(c.usage.startsWith(`operando ${c.name} `)).toBe(true);
    }
  });

  it('loads a runnable command for every entry', async () => {
    for (const c of commands) expect(typeof (await c.load()).run).toBe('function');
  });
});
