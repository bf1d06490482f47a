import { DP5_ERROR_CODES, Dp5Error } from '../../drivers/mca/amptek-dp5/errors.js';
import { METHODSCRIPT_ERROR_CODES, MethodScriptError } from '../../drivers/potentiostat/methodscript/errors.js';
import { MODBUS_FRAME_ERROR_CODES, ModbusFrameError } from '../../drivers/temperature/eurotherm/modbus-rtu-framing.js';
import { TEMPERATURE_ERROR_CODES, TemperatureError } from '../../drivers/temperature/errors.js';
import { CELL_MODEL_ERROR_CODES, CellModelError } from '../../simulators/potentiostat/cell/errors.js';
import { ANALYSIS_ERROR_CODES, AnalysisError } from '../analysis/errors.js';
import { EIS_ERROR_CODES, EisError } from '../analysis/eis/errors.js';
import { NUMERIC_ERROR_CODES, NumericError } from '../analysis/numeric/errors.js';
import { CONFIG_ERROR_CODES, ConfigError } from '../config/load.js';
import type { OperandoError } from '../core/errors.js';
import { UNIT_ERROR_CODES, UnitError } from '../core/units.js';
import { ENGINE_ERROR_CODES, EngineError } from '../engine/errors.js';
import { INGEST_ERROR_CODES, IngestError } from '../ingest/errors.js';
import { INSTRUMENT_ERROR_CODES, InstrumentError } from '../instruments/instrument-error.js';
import { LIMIT_ERROR_CODES, LimitError } from '../instruments/limits.js';
import { MCA_ERROR_CODES, McaError } from '../kinds/mca/errors.js';
import { SIMULATOR_SETTINGS_ERROR_CODES, SimulatorSettingsError } from '../kinds/simulator-models.js';
import { IMPORT_ERROR_CODES, ImportError } from '../io/errors.js';
import { TEMPERATURE_PROGRAM_ERROR_CODES, TemperatureProgramError } from '../protocols/temperature/errors.js';
import { STORE_ERROR_CODES, StoreError } from '../store/errors.js';
import { TRANSPORT_ERROR_CODES, TransportError } from '../transport/transport.js';

/** Codes of the API layer itself: authentication, request validation, routing. */
export const API_ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  /** The request does not match the route's schema. */
  'VALIDATION',
  'BAD_REQUEST',
  'NOT_FOUND',
  'RUN_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  /** Anything not in this catalogue: a bug, logged; the answer carries no detail. */
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/**
 * Every error class whose errors can reach a caller of the service, with its
 * codes. Simulators' wire-level errors (the Lake Shore command errors, Modbus
 * exceptions, MethodSCRIPT script load errors) are answered on the simulated
 * wire and never thrown into the service; they are not listed.
 */
export const ERROR_CLASSES = [
  { name: 'EngineError', type: EngineError, codes: ENGINE_ERROR_CODES },
  { name: 'LimitError', type: LimitError, codes: LIMIT_ERROR_CODES },
  { name: 'InstrumentError', type: InstrumentError, codes: INSTRUMENT_ERROR_CODES },
  { name: 'UnitError', type: UnitError, codes: UNIT_ERROR_CODES },
  { name: 'ConfigError', type: ConfigError, codes: CONFIG_ERROR_CODES },
  { name: 'StoreError', type: StoreError, codes: STORE_ERROR_CODES },
  { name: 'TransportError', type: TransportError, codes: TRANSPORT_ERROR_CODES },
  { name: 'MethodScriptError', type: MethodScriptError, codes: METHODSCRIPT_ERROR_CODES },
  { name: 'TemperatureError', type: TemperatureError, codes: TEMPERATURE_ERROR_CODES },
  { name: 'ModbusFrameError', type: ModbusFrameError, codes: MODBUS_FRAME_ERROR_CODES },
  { name: 'TemperatureProgramError', type: TemperatureProgramError, codes: TEMPERATURE_PROGRAM_ERROR_CODES },
  { name: 'ImportError', type: ImportError, codes: IMPORT_ERROR_CODES },
  { name: 'IngestError', type: IngestError, codes: INGEST_ERROR_CODES },
  { name: 'EisError', type: EisError, codes: EIS_ERROR_CODES },
  { name: 'NumericError', type: NumericError, codes: NUMERIC_ERROR_CODES },
  { name: 'AnalysisError', type: AnalysisError, codes: ANALYSIS_ERROR_CODES },
  { name: 'CellModelError', type: CellModelError, codes: CELL_MODEL_ERROR_CODES },
  { name: 'SimulatorSettingsError', type: SimulatorSettingsError, codes: SIMULATOR_SETTINGS_ERROR_CODES },
  { name: 'Dp5Error', type: Dp5Error, codes: DP5_ERROR_CODES },
  { name: 'McaError', type: McaError, codes: MCA_ERROR_CODES },
] as const satisfies ReadonlyArray<{ name: string; type: new (message: string, code: never) => OperandoError; codes: readonly string[] }>;

type CatalogueCode = ApiErrorCode | (typeof ERROR_CLASSES)[number]['codes'][number];

/**
 * The HTTP status of every error code (the type makes a missing code a
 * compile error): 400 for a bad request, 404 for something that does not
 * exist, 409 for a state that does not allow it, 422 for a request that is
 * well formed but refused (a hard limit, data that cannot be fitted), 502 for
 * an instrument that failed or answered nonsense, 503 for a part of the
 * service that is not available now, 504 for a timeout, 500 for a fault of
 * the service or its configuration. A code shared by several classes means
 * the same thing in each.
 */
export const HTTP_STATUS: Readonly<Record<CatalogueCode, number>> = {
  // API
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  VALIDATION: 400,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  // Engine and protocols
  UNKNOWN_PROTOCOL: 400,
  INVALID_PARAMETERS: 400,
  INVALID_METADATA: 400,
  UNKNOWN_INSTRUMENT: 404,
  RUN_NOT_FOUND: 404,
  INSTRUMENT_BUSY: 409,
  INSTRUMENT_UNAVAILABLE: 409,
  INVALID_STATE: 409,
  ABORTED: 409,
  INVALID_EVENT: 500,
  SUSPENDED_TOO_LONG: 504,
  SETTLE_TIMEOUT: 504,
  SETTLE_INTERRUPTED: 502,
  // Instrument links
  NOT_CONNECTED: 503,
  LINK_LOST: 502,
  // Limits
  LIMIT_EXCEEDED: 422,
  RAMP_NOT_SET: 409,
  INVALID_LIMITS: 500,
  // Units and files
  UNIT_SYNTAX: 400,
  UNIT_UNKNOWN: 400,
  UNIT_DIMENSION: 400,
  UNIT_MISSING: 400,
  IMPORT_READ: 400,
  IMPORT_FORMAT: 400,
  IMPORT_BAD_VALUE: 400,
  IMPORT_MISSING_COLUMN: 400,
  IMPORT_EMPTY: 400,
  IMPORT_TOO_LARGE: 413,
  IMPORT_UNSUPPORTED: 422,
  INGEST_FORMAT: 400,
  INGEST_VALUE: 400,
  INGEST_UNKNOWN_RUN: 404,
  INGEST_UNKNOWN_STEP: 404,
  INGEST_TOO_LARGE: 413,
  INGEST_NO_LINK: 409,
  INGEST_AMBIGUOUS_LINK: 409,
  // Configuration
  CONFIG_READ: 500,
  CONFIG_SYNTAX: 500,
  CONFIG_INVALID: 500,
  BAD_CONFIG: 500,
  BAD_URL: 500,
  // Store
  OPEN_FAILED: 503,
  SCHEMA_MISMATCH: 500,
  NOT_A_STORE: 500,
  CLOSED: 503,
  UNKNOWN_RUN: 404,
  UNKNOWN_STREAM: 404,
  WRITE_FAILED: 503,
  INVALID_QUERY: 400,
  CORRUPT: 500,
  QUEUE_FULL: 503,
  JOURNAL_FULL: 503,
  JOURNAL_DAMAGED: 500,
  JOURNAL_WRITE_FAILED: 503,
  // Instruments and links
  DISCONNECTED: 502,
  CANCELED: 503,
  TIMEOUT: 504,
  BUSY: 503,
  LINE_TOO_LONG: 502,
  BAD_PACKAGE: 502,
  UNEXPECTED_REPLY: 502,
  DEVICE_ERROR: 502,
  BAD_STEP: 400,
  BAD_NUMBER: 400,
  BAD_REPLY: 502,
  MODBUS_EXCEPTION: 502,
  QUERY_ERROR: 502,
  EXECUTION_ERROR: 502,
  COMMAND_ERROR: 502,
  VALUE_NOT_ENCODABLE: 400,
  BAD_CRC: 502,
  UNKNOWN_FUNCTION: 502,
  TOO_LONG: 502,
  // Analyses
  EIS_CIRCUIT_SYNTAX: 400,
  EIS_CIRCUIT_ELEMENT: 400,
  EIS_PARAMETER: 400,
  EIS_DATA: 422,
  NUMERIC_INPUT: 422,
  NUMERIC_SINGULAR: 422,
  INSUFFICIENT_DATA: 422,
  INVALID_INPUT: 400,
  DEGENERATE: 422,
  NO_CONVERGENCE: 422,
  // Simulated cells (cell parameters of a lab file)
  CELL_PRESET_UNKNOWN: 500,
  CELL_PARAMETER_UNKNOWN: 500,
  CELL_PARAMETER_READONLY: 500,
  CELL_PARAMETER_INVALID: 500,
  CELL_INPUT_INVALID: 500,
  CELL_SOLVER_FAILED: 500,
  // Settings of a standalone simulator
  BAD_VARIANT: 400,
  BAD_LINK: 400,
  BAD_PORT: 400,
  BAD_SEED: 400,
  // The Amptek DP5 protocol: garbled packets and the device's refusals (ACK codes); busy is a 503 like BUSY
  GARBAGE_SKIPPED: 502,
  BAD_CHECKSUM: 502,
  PACKET_TOO_LONG: 502,
  BAD_PACKET: 502,
  ECHO_MISMATCH: 502,
  ACK_SYNC_ERROR: 502,
  ACK_PID_ERROR: 502,
  ACK_LENGTH_ERROR: 502,
  ACK_CHECKSUM_ERROR: 502,
  ACK_BAD_PARAMETER: 502,
  ACK_UNRECOGNISED_COMMAND: 502,
  ACK_BUSY: 503,
  ACK_ERROR: 502,
  BAD_CONFIGURATION: 400,
  // MCA acquisitions
  BAD_ACQUISITION: 400,
  ACQUISITION_STALLED: 504,
  CHANNEL_MISMATCH: 502,
};

/** The status of a code, or undefined for a code outside the catalogue. */
export function httpStatusOf(code: string): number | undefined {
  return Object.hasOwn(HTTP_STATUS, code) ? HTTP_STATUS[code as CatalogueCode] : undefined;
}
