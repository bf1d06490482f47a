import { loadLabConfig } from '../config/load.js';
import type { FitResult } from '../core/documents.js';
import { toJsonSafe, totalEvents } from '../core/documents.js';
import { formatQuantity } from '../core/units.js';
import { startLab, type Lab } from '../lab/lab.js';
import { isEngineError } from '../engine/errors.js';
import type { RunInfo } from '../engine/run-engine.js';
import { UsageError, type CliIo } from './command.js';
import { stderrLogger, untilSignal } from './long-running.js';
import { DEFAULT_LAB_FILE } from './defaults.js';

/**
 * Runs one protocol headless on the lab of a lab file: progress and each fit
 * (as `onFit` words it) on stdout, or one JSON result with `--json`; Ctrl-C
 * aborts the run (instruments to their safe state). Exit code 0 on success.
 */
export async function runProtocolFromCli(
  io: CliIo,
  options: { config?: string; json?: boolean; debug?: boolean },
  protocol: string,
  parameters: unknown,
  onFit: (fit: FitResult) => string | null,
  summary: (fits: FitResult[]) => Record<string, unknown>,
): Promise<number> {
  const logger = stderrLogger(io, options.debug);
  const lab: Lab = await startLab(await loadLabConfig(options.config ?? DEFAULT_LAB_FILE), { logger, api: false });
  const fits: FitResult[] = [];
  try {
    lab.bus.attach('cli-progress', (d) => {
      if (d.kind === 'progress' && !options.json) io.stdout(`${d.message}${d.etaS !== null && d.etaS > 0 ? ` (ETA ${formatQuantity(d.etaS, 's')} lab time)` : ''}\n`);
      if (d.kind === 'fit') {
        fits.push(d);
        const line = options.json ? null : onFit(d);
        if (line) io.stdout(line);
      }
    });
    const info = startRun(lab, protocol, parameters);
    void untilSignal().then(() => lab.engine.abort(info.runId, 'interrupted (Ctrl-C)'));
    const stop = await lab.engine.whenDone(info.runId);
    // What the run's fits flagged, as the store summarises it (the fits published after run-stop included).
    await lab.writer.flush();
    const warnings = (await lab.store.getRun(info.runId))?.warnings ?? [];
    const result = { runId: info.runId, exitStatus: stop.exitStatus, reason: stop.reason, warnings, events: stop.events, ...summary(fits) };
    if (options.json) io.stdout(`${JSON.stringify(toJsonSafe(result))}\n`);
    else {
      const streams = Object.entries(stop.events).map(([stream, n]) => `${n} ${stream}`).join(', ');
      io.stdout(`run ${info.runId}: ${stop.exitStatus} (${stop.reason}), ${totalEvents(stop.events)} events (${streams || 'none'}) stored in ${lab.loaded.config.store.path}\n`);
      for (const warning of warnings) io.stdout(`  warning: ${warning}\n`);
    }
    return stop.exitStatus === 'success' ? 0 : 1;
  } finally {
    await lab.close();
  }
}

/** Starts the run; parameters the protocol refuses (a value without its unit, beyond a bound) are bad usage: exit code 2 with the usage. */
function startRun(lab: Lab, protocol: string, parameters: unknown): RunInfo {
  try {
    return lab.engine.start({ protocol, parameters, metadata: { startedBy: 'cli' } });
  } catch (e) {
    if (isEngineError(e, 'INVALID_PARAMETERS')) throw new UsageError(e.message);
    throw e;
  }
}
