import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INGEST_DEFAULTS } from './defaults.js';
import { readExportFile } from './export-file.js';

describe('readExportFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'operando-export-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, content: string | Buffer) => {
    const full = path.join(dir, name);
    await writeFile(full, content);
    return full;
  };

  it('reads 15 MiB chunk by chunk with a turn of the event loop between chunks', async () => {
    const comments = '# spectrometer log line, not data\n'.repeat(Math.floor((15 * 1024 * 1024) / 34));
    const big = await file('t2.csv', `${comments}temperature_k,t2_s\n320,0.003\n320.2,0.0031\n`);
    // An immediate that re-arms itself runs once per turn of the event loop while the file is read.
    let turns = 0;
    let reading = true;
    const spin = () => {
      turns++;
      if (reading) setImmediate(spin);
    };
    setImmediate(spin);
    const dataset = await readExportFile(big, 't2.csv');
    reading = false;
    expect(dataset).toEqual({ kind: 'nmr-t2', rows: [{ temperatureK: 320, t2S: 0.003 }, { temperatureK: 320.2, t2S: 0.0031 }] });
    // 240 chunks of 64 KiB: about as many turns. A read of the whole file at once would give a few dozen (its fs reads).
    expect(turns).toBeGreaterThan((15 * 1024 * 1024) / INGEST_DEFAULTS.readChunkBytes / 2);
  });

  it('stops at the size limit, the row limit or a line without end, without reading on', async () => {
    const limits = { ...INGEST_DEFAULTS, maxFileBytes: 1000, readChunkBytes: 100 };
    const long = await file('long.csv', `temperature_k,t2_s\n${'300,0.001\n'.repeat(200)}`);
    await expect(readExportFile(long, 'long.csv', limits)).rejects.toMatchObject({ code: 'INGEST_TOO_LARGE', message: expect.stringMatching(/^long\.csv: larger than the ingest limit of 1000 bytes/) });
    await expect(readExportFile(long, 'long.csv', { ...INGEST_DEFAULTS, maxRows: 150 })).rejects.toMatchObject({ code: 'INGEST_TOO_LARGE', message: 'long.csv: more than 150 data rows (an export of one temperature step has tens)' });
    const unbroken = await file('unbroken.csv', 'x'.repeat(200_000));
    await expect(readExportFile(unbroken, 'unbroken.csv')).rejects.toMatchObject({ code: 'IMPORT_FORMAT', message: 'unbroken.csv: line 1: longer than 65536 characters' });
  });

  it('reads CRLF lines split across chunks, a UTF-8 BOM, and Latin-1 text as decodeText does', async () => {
    const crlf = await file('crlf.csv', '\uFEFFtemperature_k,t2_s\r\n300,0.001\r\n300.5,0.002\r\n');
    for (const readChunkBytes of [1, 2, 3, 7]) {
      expect((await readExportFile(crlf, 'crlf.csv', { ...INGEST_DEFAULTS, readChunkBytes })).rows).toEqual([
        { temperatureK: 300, t2S: 0.001 },
        { temperatureK: 300.5, t2S: 0.002 },
      ]);
    }
    const latin1 = await file('latin1.csv', Buffer.from('# 27 \xb0C probe\ntemperature_k,t2_s\n300,0.001\n', 'latin1'));
    expect((await readExportFile(latin1, 'latin1.csv')).rows).toEqual([{ temperatureK: 300, t2S: 0.001 }]);
    const bad = await file('bad.csv', Buffer.from('temperature_k,t2_s\n300,caf\xe9\n', 'latin1'));
    await expect(readExportFile(bad, 'bad.csv')).rejects.toThrow('bad.csv: line 2, column t2_s: "café" is not a number');
  });
});
