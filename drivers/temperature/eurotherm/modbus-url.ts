import { isTransportError } from '../../../src/transport/transport.js';
import { parseTransportUrl, type SerialEndpoint, type TcpEndpoint } from '../../../src/transport/url.js';
import { TemperatureError } from '../errors.js';

export type ModbusEndpoint = (SerialEndpoint | TcpEndpoint) & { readonly unit: number };

/** Modbus TCP's registered port, used when the URL gives none. */
const MODBUS_TCP_PORT = 502;

/**
 * Parses `modbus-rtu:///dev/ttyUSB1?baud=9600&unit=1` (serial parameters as in
 * `serial://`: dataBits, parity, stopBits) or `modbus-tcp://host:502?unit=1`.
 * The unit (slave address, 1..247) defaults to 1. The serial and TCP parts are
 * validated by the transport layer's parser, so both accept the same syntax.
 */
export function parseModbusUrl(url: string): ModbusEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new TemperatureError(`bad Modbus URL "${url}": not a URL`, 'BAD_CONFIG', { url }, { cause });
  }
  const scheme = parsed.protocol === 'modbus-rtu:' ? 'serial:' : parsed.protocol === 'modbus-tcp:' ? 'tcp:' : null;
  if (scheme === null) throw new TemperatureError(`bad Modbus URL "${url}": the scheme must be modbus-rtu: or modbus-tcp:`, 'BAD_CONFIG', { url });
  const unitText = parsed.searchParams.get('unit') ?? '1';
  const unit = Number(unitText);
  if (!/^\d+$/.test(unitText) || unit < 1 || unit > 247) {
    throw new TemperatureError(`bad Modbus URL "${url}": unit must be an integer 1..247, got "${unitText}"`, 'BAD_CONFIG', { url });
  }
  parsed.searchParams.delete('unit');
  const host = scheme === 'tcp:' && parsed.port === '' ? `${parsed.host}:${MODBUS_TCP_PORT}` : parsed.host;
  const query = parsed.searchParams.size > 0 ? `?${parsed.searchParams}` : '';
  try {
    return { ...parseTransportUrl(`${scheme}//${host}${parsed.pathname}${query}`), unit };
  } catch (e) {
    if (isTransportError(e, 'BAD_URL')) throw new TemperatureError(`bad Modbus URL "${url}": ${e.message}`, 'BAD_CONFIG', { url }, { cause: e });
    throw e;
  }
}
