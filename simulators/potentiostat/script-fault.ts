import type { DEVICE_ERROR_CODES } from './error-codes.js';

/**
 * A runtime error of a script command, named by its device code; the
 * interpreter answers it as `!XXXX: Line L` for the line that raised it.
 */
export class ScriptFault extends Error {
  constructor(
    readonly code: keyof typeof DEVICE_ERROR_CODES,
    why: string,
  ) {
    super(why);
  }
}
