/**
 * Bounds of electrochemistry file import (`analyze eis`, `analyze gitt`:
 * BioLogic `.mpr`/`.mpt`, Gamry `.DTA`, Maccor exports, CSV), beside the
 * spectrum-file bounds of `src/io/spectrum/defaults.ts` and the ingest bounds
 * of `src/ingest/defaults.ts`. Cycler files are much larger than spectra: a
 * month of 1 s samples is 2.6 million rows, about 230 MB as `.mpr` (89 bytes
 * a row in the GCPL file of `tests/fixtures/biologic-mpr/`) and over 1 GB as
 * its `.mpt` export (475 bytes a row). The bounds keep a wrong file (a video,
 * a disk image) from filling memory, and a forged header from making the
 * reader allocate what the file does not hold.
 */
export const IMPORT_DEFAULTS = {
  /**
   * Largest file read (bytes); a larger one is refused unread
   * (IMPORT_TOO_LARGE). 256 MiB: a text file is held as a string (V8 caps
   * one at 2^29 characters, 512 Mi) and split into lines, which takes a few
   * times its size in memory, so a CLI process on a laptop stays within a
   * few GB. The largest real file the tests read is 0.7 MB.
   */
  maxFileBytes: 256 * 1024 * 1024,
  /**
   * Most columns of one table (text header or `.mpr` data module). EC-Lab
   * writes 63 names at most in the shared files, Maccor 38; 4096 leaves room
   * for any export and bounds the per-row work of a forged header.
   */
  maxColumns: 4096,
  /**
   * Most rows of one table: 20 million, seven months of 1 s samples. An
   * `.mpr` announces its row count and holds at least one byte per row, so
   * without this a forged 256 MiB file of one-byte rows would make the
   * reader allocate 2 GB for one column.
   */
  maxRows: 20_000_000,
  /**
   * Most spectra one impedance file yields (loops, cycles, sweeps, tables):
   * the largest real file named in issue 10 holds 32 sweeps. A file that
   * would split into more (a cycle number on every row) is refused rather
   * than fitted 100 000 times.
   */
  maxSpectra: 10_000,
} as const;
