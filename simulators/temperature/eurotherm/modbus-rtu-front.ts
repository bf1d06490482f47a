import { Subject, type Observable, type Subscription } from 'rxjs';
import { encodeRtuFrame, RtuRequestFramer } from '../../../drivers/temperature/eurotherm/modbus-rtu-framing.js';
import type { Transport } from '../../../src/transport/transport.js';
import type { LinkFault } from '../link-faults.js';
import { MODBUS_EXCEPTION_NUMBER } from './modbus-exception.js';
import { answerRequestPdu, type HoldingRegisters } from './modbus-pdu.js';

/** Modbus broadcast address: every server acts on the request, none answers. */
const BROADCAST_UNIT = 0;

export interface ModbusRtuFront {
  /** Every well-formed request frame received, raw with its CRC (tests compare them with documented frames). */
  readonly requestFrames$: Observable<Uint8Array>;
  close(): Promise<void>;
}

/**
 * The registers served as a Modbus RTU server on a byte transport (the far end
 * of a pseudo-terminal pair). Requests with a bad CRC or for another unit are
 * ignored, as the protocol requires of a server. `drop-replies` serves
 * requests but loses the replies; `corrupt-replies` flips a bit of each reply's CRC;
 * `busy-replies` answers each with exception 6 without serving it.
 */
export function startModbusRtuFront(transport: Transport, registers: HoldingRegisters, faults: ReadonlySet<LinkFault>, unit: number): ModbusRtuFront {
  const framer = new RtuRequestFramer();
  const requestFrames = new Subject<Uint8Array>();
  const subscription: Subscription = transport.data$.subscribe({
    next: (chunk) => {
      for (const output of framer.push(chunk)) {
        if (output.kind !== 'frame') continue;
        const { frame } = output;
        requestFrames.next(encodeRtuFrame(frame));
        if (frame.unit !== unit && frame.unit !== BROADCAST_UNIT) continue;
        const reply = faults.has('busy-replies')
          ? Uint8Array.of((frame.pdu[0]! | 0x80) & 0xff, MODBUS_EXCEPTION_NUMBER.SERVER_DEVICE_BUSY)
          : answerRequestPdu(frame.pdu, registers);
        if (frame.unit === BROADCAST_UNIT || faults.has('drop-replies')) continue;
        const bytes = encodeRtuFrame({ unit, pdu: reply });
        if (faults.has('corrupt-replies')) bytes[bytes.length - 1]! ^= 0x01;
        // A write fails only when the link is gone, which the transport reports on data$.
        transport.write(bytes).catch(() => undefined);
      }
    },
    // The link ended (socat stopped, port closed): nothing left to serve.
    error: () => undefined,
  });
  return {
    requestFrames$: requestFrames.asObservable(),
    close: async () => {
      subscription.unsubscribe();
      requestFrames.complete();
      await transport.close();
    },
  };
}
