/**
 * Bounds of spectrum files (import), beside the ingest bounds of
 * `src/ingest/defaults.ts`. A spectrum of the largest MCA (65536 channels)
 * takes under 1 MB in any of the formats read here (10 digits and a line
 * break per channel at most); the bounds leave room for N42 files that carry
 * several measurements and still keep a wrong file (a list-mode dump, a
 * video) from filling memory or holding the event loop.
 */
export const SPECTRUM_FILE_DEFAULTS = {
  /**
   * Largest file read (bytes); a larger one is refused unread
   * (IMPORT_TOO_LARGE). 16 MiB is the ingest bound too, and over 16 times the
   * largest single spectrum. The slowest such file (16 MiB of XML made of
   * millions of empty elements or entity references) takes 2 to 2.5 s to
   * refuse on this project's 2-core machines; a real one, well under 100 ms.
   */
  maxFileBytes: 16 * 1024 * 1024,
  /**
   * Most channels of one spectrum: 2^16, the largest ADC conversion gain of
   * common MCAs (ORTEC DSPEC 64k, Amptek MCA8000D 8k, DP5 8k). A header
   * announcing more is refused before anything is allocated.
   */
  maxChannels: 65_536,
  /**
   * Most lines of a text spectrum file (.Spe, .mca, CSV): one per channel and
   * room for headers (ORTEC's sections, DppMCA's configuration and status
   * dump of a few hundred lines). Counted before the text is split, so a file
   * of 16 million empty lines is refused in milliseconds instead of being
   * split into 16 million strings.
   */
  maxLines: 65_536 + 8_192,
  /**
   * Deepest nesting of XML elements: N42 nests about 6 deep and vendors add
   * a few levels; the namespace scopes of a parser grow with the depth, and
   * 5 million nested elements would take it minutes.
   */
  maxXmlDepth: 64,
  /**
   * Most attributes of one XML element: N42's carry up to five (the root's
   * namespace declarations and schema location); a tag of a million
   * attributes or namespace declarations would take the parser seconds.
   */
  maxXmlAttributes: 64,
} as const;

/** Largest count of one channel + 1: counts are uint32 (`McaSpectrum.counts`). */
export const COUNT_LIMIT = 2 ** 32;
