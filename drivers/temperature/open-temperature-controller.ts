import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TemperatureError } from './errors.js';
import { EurothermController, type EurothermOptions } from './eurotherm/eurotherm-controller.js';
import { LakeShore336Controller, type LakeShore336Options } from './lakeshore336/lakeshore336-controller.js';
import type { TemperatureController } from './temperature-controller.js';

const TimeoutMs = Type.Number({ exclusiveMinimum: 0 });
const DecimalPlaces = Type.Integer({ minimum: 0, maximum: 4 });
/** An integer register's tag: its float copy at 0x8000 + 2*tag must fit the address space too. */
const ModbusTag = Type.Integer({ minimum: 0, maximum: 0x3fff });

/** Driver options a lab file may give (`options:` of a temperature instrument). */
const EurothermOptionsSchema = Type.Object(
  {
    decimalPlaces: Type.Optional(DecimalPlaces),
    outputDecimalPlaces: Type.Optional(DecimalPlaces),
    floatRegisters: Type.Optional(Type.Boolean()),
    rampUnit: Type.Optional(Type.Union([Type.Literal('per-second'), Type.Literal('per-minute'), Type.Literal('per-hour')])),
    setpointLimitTags: Type.Optional(Type.Object({ high: ModbusTag, low: ModbusTag }, { additionalProperties: false })),
    transactionTimeoutMs: Type.Optional(TimeoutMs),
    connectTimeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false },
);

const LakeShore336OptionsSchema = Type.Object(
  {
    output: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    input: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')])),
    heaterRange: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)])),
    tlimit: Type.Optional(Type.Boolean()),
    replyTimeoutMs: Type.Optional(TimeoutMs),
    connectTimeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false },
);

export interface TemperatureDriverSpec {
  readonly driver: 'eurotherm' | 'lakeshore336';
  readonly url: string;
  /** As written in the lab file; checked here, since a mistyped option (say decimal places) would scale every setpoint wrongly. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * Opens the driver a lab file names on its transport URL. Unknown or
 * ill-typed options are refused with BAD_CONFIG before anything is opened.
 */
export async function openTemperatureController(spec: TemperatureDriverSpec): Promise<TemperatureController> {
  const options = spec.options ?? {};
  if (spec.driver === 'eurotherm') {
    const checked: EurothermOptions = checkOptions(EurothermOptionsSchema, options, spec);
    return EurothermController.open(spec.url, checked);
  }
  const checked: LakeShore336Options = checkOptions(LakeShore336OptionsSchema, options, spec);
  return LakeShore336Controller.open(spec.url, checked);
}

function checkOptions<S extends TSchema>(schema: S, options: unknown, spec: TemperatureDriverSpec): Static<S> {
  const problem = Value.Errors(schema, options).First();
  if (problem) {
    throw new TemperatureError(`${spec.driver} options: ${problem.path || '/'} ${problem.message}`, 'BAD_CONFIG', { driver: spec.driver, path: problem.path });
  }
  return options as Static<S>;
}
