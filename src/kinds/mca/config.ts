import { Type, type Static } from '@sinclair/typebox';
import { MCA_SOURCE_PRESET_NAMES, MCA_SOURCE_PRESETS } from '../../../simulators/ndp/preset-names.js';
import { IdSchema, ReconnectSchema } from '../common-config.js';
import { DEFAULT_MCA_CHANNELS, MCA_CHANNEL_COUNTS } from './device.js';

const TimeoutMs = Type.Number({ exclusiveMinimum: 0, maximum: 600_000 });

/** Options of an MCA in the lab file. */
export const McaOptionsSchema = Type.Object(
  {
    channels: Type.Optional(
      Type.Union(
        MCA_CHANNEL_COUNTS.map((c) => Type.Literal(c)),
        { default: DEFAULT_MCA_CHANNELS, description: `channels of the spectrum: 256, 512, ... 8192 (default ${DEFAULT_MCA_CHANNELS}); written into the device at every connect` },
      ),
    ),
    energyCalibrationKeV: Type.Optional(
      Type.Tuple([Type.Number(), Type.Number(), Type.Number()], { description: 'E (keV) = c0 + c1 ch + c2 ch^2, recorded with every spectrum' }),
    ),
    replyTimeoutMs: Type.Optional(TimeoutMs),
    connectTimeoutMs: Type.Optional(TimeoutMs),
    udpPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'UDP port when a udp:// transport gives none (default 10001, unverified)' })),
    lineBaudRate: Type.Optional(Type.Integer({ minimum: 300, maximum: 10_000_000, description: 'baud rate of the slowest serial line on the path, for the time spectra take' })),
  },
  { additionalProperties: false },
);

/** A multichannel analyser in the lab file (the NDP detector's). */
export const McaInstrumentSchema = Type.Object(
  {
    id: IdSchema,
    kind: Type.Literal('mca'),
    driver: Type.Literal('amptek-dp5'),
    transport: Type.String({ description: 'udp://HOST:PORT (Ethernet), serial://PATH?baud=115200, tcp://HOST:PORT (a serial device server), or sim://SIMULATOR-ID' }),
    reconnect: ReconnectSchema,
    options: Type.Optional(McaOptionsSchema),
  },
  { additionalProperties: false },
);

/** What a lab file may change of the NDP presets' beam and detector (defaults in simulators/ndp/ndp-presets.ts). */
export const McaNdpOverridesSchema = Type.Object(
  {
    calibrationCountsPerSPerLiPerCm2: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1e-13, description: 'K: counts/s of live time in one branch per Li atom/cm2 of natural Li at nominal flux (default 1e-17)' }),
    ),
    monitorPerS: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7, description: 'beam monitor counts per second at nominal flux (default 1000)' })),
    resolutionFwhmKeV: Type.Optional(Type.Number({ minimum: 0, maximum: 500, description: 'detector resolution, Gaussian FWHM in keV (default 15)' })),
    backgroundPerSPerKeV: Type.Optional(Type.Number({ minimum: 0, maximum: 1e4, description: 'flat background at nominal flux, counts/s per keV (default 0.005)' })),
  },
  { additionalProperties: false, description: 'NDP presets: beam and detector' },
);

/** A simulated DP5 started by the lab. */
export const McaSimulatorSchema = Type.Object(
  {
    id: IdSchema,
    kind: Type.Literal('mca'),
    model: Type.Literal('dp5'),
    preset: Type.Optional(
      Type.Union(
        MCA_SOURCE_PRESET_NAMES.map((name) => Type.Literal(name)),
        { description: `what the simulated detector sees (default two-peaks): ${MCA_SOURCE_PRESET_NAMES.map((name) => `${name}, ${MCA_SOURCE_PRESETS[name]}`).join('; ')}` },
      ),
    ),
    sample: Type.Optional(Type.String({ description: 'preset ndp-li-on-cu: the id of the potentiostat simulator (cell: Li-on-Cu) whose working electrode the beam and the detector see' })),
    ndp: Type.Optional(McaNdpOverridesSchema),
    link: Type.Union([Type.Literal('pty'), Type.Literal('udp'), Type.Literal('tcp')], {
      default: 'pty',
      description: 'pty: a socat pseudo-terminal (RS-232); udp: a loopback UDP port (Ethernet); tcp: a loopback TCP port (RS-232 behind a device server)',
    }),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'UDP or TCP port to serve on (default: a free one)' })),
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'address to serve on (udp or tcp link; default 127.0.0.1)' })),
    seed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export type McaOptions = Static<typeof McaOptionsSchema>;
export type McaInstrumentConfig = Static<typeof McaInstrumentSchema>;
export type McaSimulatorConfig = Static<typeof McaSimulatorSchema>;
export type McaNdpOverrides = Static<typeof McaNdpOverridesSchema>;
