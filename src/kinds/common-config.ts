import { Type } from '@sinclair/typebox';

/** Lab-file identifiers: a letter, then letters, digits, `_` or `-` (no dot: stream names are `<id>.<what>`). */
export const IdSchema = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'identifier: a letter, then letters, digits, _ or -' });

/** How a simulator of the lab serves its wire protocol: a socat pseudo-terminal or a loopback TCP port. */
export const SimulatorLinkSchema = (defaultLink: 'pty' | 'tcp') =>
  Type.Union([Type.Literal('pty'), Type.Literal('tcp')], { default: defaultLink, description: 'pty: a socat pseudo-terminal; tcp: a loopback port' });

/** How a simulator serves: its link, and for TCP the port and address it listens on (default: a free loopback port). */
export const SimulatorListenProperties = (defaultLink: 'pty' | 'tcp') => ({
  link: SimulatorLinkSchema(defaultLink),
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'TCP port to listen on (tcp link; default: a free one)' })),
  host: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'address to listen on (tcp link; default 127.0.0.1)' })),
});

/** Overrides of RECONNECT_DEFAULTS (src/instruments/defaults.ts) for one instrument, real-time milliseconds. */
export const ReconnectSchema = Type.Optional(
  Type.Object(
    {
      initialDelayMs: Type.Optional(Type.Number({ minimum: 10, maximum: 3_600_000 })),
      maxDelayMs: Type.Optional(Type.Number({ minimum: 10, maximum: 3_600_000 })),
      giveUpAfterMs: Type.Optional(Type.Number({ minimum: 1_000, maximum: 30 * 86_400_000 })),
      attemptTimeoutMs: Type.Optional(Type.Number({ minimum: 100, maximum: 600_000 })),
    },
    { additionalProperties: false, description: 'how a lost link is retried (defaults in src/instruments/defaults.ts)' },
  ),
);
