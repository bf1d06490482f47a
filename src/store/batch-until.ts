import { EMPTY, bufferTime, connect, filter, of, repeat, takeWhile, tap, type OperatorFunction } from 'rxjs';

/**
 * `bufferTime(windowMs, null, maxBatch)` whose batch also ends right after a
 * value for which `endsBatch` is true: that value is emitted at once, last in
 * its batch, with everything that came before it, in order. Empty windows emit
 * nothing. When the source completes, what is buffered is emitted.
 */
export function batchUntil<T>(windowMs: number, maxBatch: number, endsBatch: (value: T) => boolean): OperatorFunction<T, T[]> {
  return (source) =>
    source.pipe(
      // connect multicasts the source, so each segment below subscribes anew to
      // the same stream: nothing is replayed and nothing falls between segments.
      connect((shared) => {
        let sourceDone = false;
        return shared.pipe(
          tap({ complete: () => (sourceDone = true) }),
          // A segment ends after a value that ends a batch; bufferTime emits what it holds when its source completes.
          takeWhile((value) => !endsBatch(value), true),
          bufferTime(windowMs, null, maxBatch),
          repeat({ delay: () => (sourceDone ? EMPTY : of(true)) }),
          filter((batch) => batch.length > 0),
        );
      }),
    );
}
