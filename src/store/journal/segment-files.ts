import { open, readdir, stat, truncate, unlink } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from '../errors.js';
import { SEGMENT_MAGIC, scanRecords, type ScanStop } from './record-codec.js';

/**
 * The journal's files: one directory of segment files, each named by the
 * position of its first record (`0000000000000042.seg`), starting with
 * SEGMENT_MAGIC and then records (record-codec.ts). Only the newest segment
 * is ever written; the others are sealed.
 */
const SEGMENT_NAME = /^(\d{16})\.seg$/;

export function segmentPath(dir: string, first: number): string {
  return path.join(dir, `${String(first).padStart(16, '0')}.seg`);
}

export interface SegmentFile {
  readonly first: number;
  readonly path: string;
  readonly bytes: number;
}

/**
 * The segment files of a journal directory, oldest first. Files with other
 * names are left alone; a file named as a segment that does not start with
 * the journal's magic is refused (JOURNAL_DAMAGED): it is not the journal's
 * to cut or delete.
 */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const files: SegmentFile[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const match = SEGMENT_NAME.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    const bytes = (await stat(file)).size;
    if (bytes >= SEGMENT_MAGIC.length && !(await readRange(file, 0, SEGMENT_MAGIC.length)).equals(SEGMENT_MAGIC)) {
      throw new StoreError(`${file} is named as a journal segment but is not one (no ${SEGMENT_MAGIC.toString('latin1')} header): move it out of ${dir}`, 'JOURNAL_DAMAGED', {
        file,
      });
    }
    files.push({ first: Number(match[1]), path: file, bytes });
  }
  return files;
}

/** Bytes [from, to) of a file. */
export async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(to - from);
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await handle.read(buf, done, buf.length - done, from + done);
      if (bytesRead === 0) return buf.subarray(0, done);
      done += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}

/** What the newest segment held after a crash: its records, and what was cut from its end. */
export interface RecoveredSegment {
  readonly file: SegmentFile;
  /** Positions held: [file.first, file.first + records); none when the file was deleted. */
  readonly records: number;
  readonly cutBytes: number;
  readonly stop: ScanStop;
}

/**
 * Checks the newest segment, the one a crash may have torn, and cuts it at
 * its last sound record (a record half written, or a page the disk did not
 * write before a power cut). A segment left without a record is deleted: the
 * next segment starts at its position.
 */
export async function recoverNewestSegment(file: SegmentFile, maxRecordBytes: number): Promise<RecoveredSegment> {
  const buf = await readRange(file.path, 0, file.bytes);
  const scan =
    buf.length >= SEGMENT_MAGIC.length
      ? scanRecords(buf, SEGMENT_MAGIC.length, file.first, maxRecordBytes)
      : { records: [], end: 0, stop: { kind: 'incomplete', offset: 0 } as const };
  let records = 0;
  for (const r of scan.records) records += r.count;
  if (records === 0) await unlink(file.path);
  else if (scan.end < buf.length) await truncate(file.path, scan.end);
  return { file: { ...file, bytes: scan.end }, records, cutBytes: buf.length - scan.end, stop: scan.stop };
}

/** Makes the directory's entries durable (a new segment file survives a power cut only once its directory is synced). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
