/**
 * One error class per layer, each with a code enum and a context object
 * (after zwave-js `ZWaveError`). Callers branch on `code`, never on message text.
 */
export class OperandoError<Code extends string = string> extends Error {
  constructor(
    message: string,
    readonly code: Code,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isOperandoError(e: unknown): e is OperandoError {
  return e instanceof OperandoError;
}

/** The message of anything thrown, for logs and JSON errors (never a stack trace). */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
