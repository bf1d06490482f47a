import { AnalysisError } from './errors.js';
import { NumericError } from './numeric/errors.js';

/** The code of the analysis error `f` throws, or 'no error'; any other exception fails the test. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof AnalysisError || e instanceof NumericError) return e.code;
    throw e;
  }
  return 'no error';
}
