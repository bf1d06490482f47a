import type { CliIo } from './command.js';

/** A CliIo for tests: what a command writes is collected in `out` and `err`. */
export function collectingIo(cwd: string): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    cwd,
  };
  return io;
}
