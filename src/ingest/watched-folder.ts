import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Subject, type Observable } from 'rxjs';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { INGEST_DEFAULTS } from './defaults.js';
import { readExportFile, tooLarge } from './export-file.js';
import type { ExternalSubmission, IngestOutcome } from './ingest.js';

export interface WatchedFolderOptions {
  readonly dir: string;
  /** Links and publishes one file's data (`ingestExternal` bound to the lab). */
  readonly ingest: (submission: ExternalSubmission) => IngestOutcome;
  readonly logger: Logger;
  /** A file is read once its size and modification time have not changed for this long (it may still be written). Default 1 s. */
  readonly stableMs?: number;
  /** The fallback scan, for file systems where fs.watch reports nothing (network shares). Default 10 s. */
  readonly scanIntervalMs?: number;
  /** A larger file is moved to rejected/ unread. Default INGEST_DEFAULTS.maxFileBytes (16 MiB). */
  readonly maxFileBytes?: number;
}

export type FolderIngestEvent = { readonly file: string; readonly outcome: IngestOutcome } | { readonly file: string; readonly error: string };

/** Subfolders where handled files go, so the folder shows what is still to do and nothing is read twice. */
export const PROCESSED_DIR = 'processed';
export const REJECTED_DIR = 'rejected';

const RUN_TOKEN = /(?:^|_)run=([^_]+?)(?=_|\.csv$)/i;
const STEP_TOKEN = /(?:^|_)step=(\d+)(?=_|\.csv$)/i;

/**
 * A folder the spectrometer software exports into. Each `*.csv` that has
 * stopped growing is read as a stream within the ingest bounds (a file above
 * `maxFileBytes` is not read at all), parsed, linked and ingested, then moved to `processed/`;
 * a file that cannot be used goes to `rejected/` with the reason beside it in
 * `<name>.error.txt`. The file name may name the run and step
 * (`t2_run=<id>_step=3.csv`); otherwise the data go to the run waiting at
 * their temperature. fs.watch triggers a scan at once; a periodic scan
 * catches what it misses. Timers here are real time: they follow the file
 * system, not the lab clock.
 */
export class WatchedFolder {
  private readonly eventsSubject = new Subject<FolderIngestEvent>();
  private readonly seen = new Map<string, { size: number; mtimeMs: number; sinceMs: number }>();
  private watcher: FSWatcher | null = null;
  private interval: NodeJS.Timeout | null = null;
  /** One pending re-scan at most, for files that may still be growing. */
  private recheck: { readonly timer: NodeJS.Timeout; readonly atMs: number } | null = null;
  private scanning: Promise<void> = Promise.resolve();
  private scanQueued = false;
  private closed = false;

  /** One event per handled file. */
  readonly events$: Observable<FolderIngestEvent> = this.eventsSubject.asObservable();

  private constructor(private readonly options: Required<WatchedFolderOptions>) {}

  static async start(options: WatchedFolderOptions): Promise<WatchedFolder> {
    const folder = new WatchedFolder({ stableMs: 1000, scanIntervalMs: 10_000, maxFileBytes: INGEST_DEFAULTS.maxFileBytes, ...options });
    await mkdir(path.join(options.dir, PROCESSED_DIR), { recursive: true });
    await mkdir(path.join(options.dir, REJECTED_DIR), { recursive: true });
    try {
      folder.watcher = watch(options.dir, () => folder.scan());
      folder.watcher.on('error', (e) => options.logger.warn({ dir: options.dir, err: errorMessage(e) }, 'folder watch failed; the periodic scan goes on'));
    } catch (e) {
      options.logger.warn({ dir: options.dir, err: errorMessage(e) }, 'cannot watch the folder; relying on the periodic scan');
    }
    folder.interval = setInterval(() => folder.scan(), folder.options.scanIntervalMs);
    folder.scan();
    return folder;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    if (this.interval) clearInterval(this.interval);
    if (this.recheck) clearTimeout(this.recheck.timer);
    await this.scanning;
    this.eventsSubject.complete();
  }

  /** Scans run one after another, so a file is never handled twice at once; a burst of watch events makes one scan. */
  private scan(): void {
    if (this.closed || this.scanQueued) return;
    this.scanQueued = true;
    this.scanning = this.scanning
      .then(() => {
        this.scanQueued = false;
        return this.scanOnce();
      })
      .catch((e) => this.options.logger.error({ dir: this.options.dir, err: errorMessage(e) }, 'folder scan failed'));
  }

  private async scanOnce(): Promise<void> {
    const { dir, stableMs } = this.options;
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv')).map((e) => e.name);
    for (const known of this.seen.keys()) if (!names.includes(known)) this.seen.delete(known);
    for (const name of names) {
      if (this.closed) return;
      const info = await stat(path.join(dir, name)).catch(() => null);
      if (!info) continue;
      const now = Date.now();
      const last = this.seen.get(name);
      if (!last || last.size !== info.size || last.mtimeMs !== info.mtimeMs) {
        this.seen.set(name, { size: info.size, mtimeMs: info.mtimeMs, sinceMs: now });
        this.scanAfter(stableMs);
      } else if (now - last.sinceMs >= stableMs) {
        this.seen.delete(name);
        await this.handle(name);
      } else {
        this.scanAfter(stableMs - (now - last.sinceMs));
      }
    }
  }

  private scanAfter(ms: number): void {
    const atMs = Date.now() + ms;
    if (this.recheck && this.recheck.atMs <= atMs) return;
    if (this.recheck) clearTimeout(this.recheck.timer);
    const timer = setTimeout(() => {
      this.recheck = null;
      this.scan();
    }, ms);
    this.recheck = { timer, atMs };
  }

  private async handle(name: string): Promise<void> {
    const { dir, ingest, logger } = this.options;
    const file = path.join(dir, name);
    let event: FolderIngestEvent;
    try {
      const dataset = await this.read(file, name);
      const runId = RUN_TOKEN.exec(name)?.[1];
      const step = STEP_TOKEN.exec(name)?.[1];
      const outcome = ingest({ ...(runId !== undefined && { runId }), ...(step !== undefined && { step: Number(step) }), dataset, source: `folder ${name}` });
      await rename(file, path.join(dir, PROCESSED_DIR, name));
      event = { file: name, outcome };
      logger.info({ file: name, runId: outcome.runId, step: outcome.step, kind: outcome.kind }, 'external data ingested');
    } catch (e) {
      const error = errorMessage(e);
      await writeFile(path.join(dir, REJECTED_DIR, `${name}.error.txt`), `${error}\n`);
      await rename(file, path.join(dir, REJECTED_DIR, name));
      event = { file: name, error };
      logger.warn({ file: name, err: error }, 'external data rejected');
    }
    this.eventsSubject.next(event);
  }

  /** The file's dataset, read as a stream within the ingest bounds; a file above `maxFileBytes` is not opened. */
  private async read(file: string, name: string) {
    const { maxFileBytes } = this.options;
    const { size } = await stat(file);
    if (size > maxFileBytes) throw tooLarge(name, size, { maxFileBytes });
    return readExportFile(file, name, { ...INGEST_DEFAULTS, maxFileBytes });
  }
}
