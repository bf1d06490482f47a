import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { type TSchema, Kind } from '@sinclair/typebox';
import { parseDocument } from 'yaml';
import { OperandoError } from '../core/errors.js';
import { RUN_STREAM_SOURCE } from '../engine/run-conditions.js';
import { kindOf } from '../kinds/registry.js';
import { LabConfigSchema, type LabConfig } from './schema.js';

export const CONFIG_ERROR_CODES = ['CONFIG_READ', 'CONFIG_SYNTAX', 'CONFIG_INVALID'] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** A lab file that cannot be used: the message names the file, the path in it and what is wrong. */
export class ConfigError extends OperandoError<ConfigErrorCode> {}

/** A loaded lab file with paths made absolute and tokens resolved. */
export interface LoadedConfig {
  readonly file: string;
  readonly config: LabConfig;
  /** Token -> role and holder, resolved from `token` or `tokenEnv`. */
  readonly tokens: ReadonlyMap<string, { role: 'viewer' | 'operator'; name: string }>;
}

export async function loadLabConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot read the lab file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'CONFIG_READ', { file });
  }
  return parseLabConfig(text, file, env);
}

export function parseLabConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}` : 'YAML';
    throw new ConfigError(`${file}: ${where}: ${first.message.split('\n')[0]}`, 'CONFIG_SYNTAX', { file });
  }
  const raw: unknown = doc.toJS();
  const withDefaults = Value.Default(LabConfigSchema, Value.Clone(raw));
  const problem = firstProblem(LabConfigSchema, withDefaults, '');
  if (problem) throw invalid(file, problem.path, problem.message);
  const config = withDefaults as LabConfig;
  const semantic = semanticProblem(config);
  if (semantic) throw invalid(file, semantic.path, semantic.message);

  const tokens = new Map<string, { role: 'viewer' | 'operator'; name: string }>();
  config.api.tokens.forEach((t, i) => {
    const value = t.token ?? (t.tokenEnv ? env[t.tokenEnv] : undefined);
    if (t.token && t.tokenEnv) throw invalid(file, `/api/tokens/${i}`, 'give either token or tokenEnv, not both');
    if (!value) {
      throw invalid(file, `/api/tokens/${i}`, t.tokenEnv ? `environment variable ${t.tokenEnv} is not set` : 'needs token or tokenEnv');
    }
    if (value.length < 16) throw invalid(file, `/api/tokens/${i}`, 'a token must be at least 16 characters');
    if (tokens.has(value)) throw invalid(file, `/api/tokens/${i}`, 'the same token is listed twice');
    tokens.set(value, { role: t.role, name: t.name });
  });

  const dir = path.dirname(path.resolve(file));
  const resolved: LabConfig = {
    ...config,
    store: { ...config.store, path: path.resolve(dir, config.store.path) },
    ...(config.ingest && { ingest: { folder: path.resolve(dir, config.ingest.folder) } }),
  };
  return { file, config: resolved, tokens };
}

function invalid(file: string, at: string, message: string): ConfigError {
  return new ConfigError(`${file}: ${at || '/'}: ${message}`, 'CONFIG_INVALID', { file, path: at });
}

/**
 * The most specific schema problem. For unions of objects told apart by a
 * `kind` literal (instruments, simulators), the value is checked against the
 * member its `kind` names, so the message says "expected number" at the
 * right path instead of "expected union value".
 */
function firstProblem(schema: TSchema, value: unknown, at: string): { path: string; message: string } | null {
  const error = Value.Errors(schema, value).First();
  if (!error) return null;
  const errorPath = at + error.path;
  const sub = error.schema;
  if (sub[Kind] === 'Union' && Array.isArray(sub.anyOf)) {
    const kind = (error.value as { kind?: unknown } | null)?.kind;
    // A value without a kind (a string for a union of literals) matches no member: a literal has no `kind` either.
    const member = kind === undefined ? undefined : (sub.anyOf as TSchema[]).find((m) => m.properties?.kind?.const === kind);
    if (member) return firstProblem(member, error.value, errorPath);
    const kinds = (sub.anyOf as TSchema[]).map((m) => m.properties?.kind?.const).filter((k) => k !== undefined);
    if (kinds.length > 0) return { path: `${errorPath}/kind`, message: `must be one of ${kinds.map((k) => JSON.stringify(k)).join(', ')}` };
    const literals = (sub.anyOf as TSchema[]).map((m) => m.const).filter((k) => k !== undefined);
    if (literals.length > 0) return { path: errorPath, message: `must be one of ${literals.map((k) => JSON.stringify(k)).join(', ')}` };
  }
  if (error.message.startsWith('Unexpected property')) {
    return { path: errorPath, message: 'unknown setting (check its spelling)' };
  }
  return { path: errorPath, message: error.message.charAt(0).toLowerCase() + error.message.slice(1) };
}

function semanticProblem(config: LabConfig): { path: string; message: string } | null {
  const seen = new Map<string, string>();
  for (const [list, items] of [['instruments', config.instruments], ['simulators', config.simulators]] as const) {
    for (const [i, item] of items.entries()) {
      const where = `/${list}/${i}/id`;
      if (seen.has(item.id)) return { path: where, message: `id "${item.id}" is used twice (also at ${seen.get(item.id)})` };
      if (list === 'instruments' && item.id === RUN_STREAM_SOURCE) return { path: where, message: `id "${RUN_STREAM_SOURCE}" is reserved for the run's own streams (${RUN_STREAM_SOURCE}.interruptions)` };
      seen.set(item.id, where);
    }
  }
  for (const [i, sim] of config.simulators.entries()) {
    if (sim.link === 'pty' && (sim.port !== undefined || sim.host !== undefined)) {
      return { path: `/simulators/${i}/${sim.port !== undefined ? 'port' : 'host'}`, message: 'a port or host is for a tcp link: a pty link makes its own pseudo-terminal' };
    }
    const own = kindOf(sim).simulatorConfigProblem?.(sim);
    if (own) return { path: `/simulators/${i}${own.path}`, message: own.message };
    const sample = 'sample' in sim ? sim.sample : undefined;
    if (sample !== undefined) {
      const cell = config.simulators.find((s) => s.id === sample);
      if (!cell) return { path: `/simulators/${i}/sample`, message: `no simulator with id "${sample}" in /simulators` };
      if (!kindOf(cell).simulatorHasLiDeposit?.(cell)) {
        return { path: `/simulators/${i}/sample`, message: `simulator "${sample}" (${cell.kind}) has no Li plating cell to profile: name a potentiostat simulator with cell: Li-on-Cu` };
      }
    }
    const inside = 'inside' in sim ? sim.inside : undefined;
    if (inside === undefined) continue;
    const host = config.simulators.find((s) => s.id === inside);
    if (!host || !kindOf(host).simulatorIsThermalHost) return { path: `/simulators/${i}/inside`, message: `no temperature simulator with id "${inside}"` };
  }
  for (const [i, inst] of config.instruments.entries()) {
    const kind = kindOf(inst);
    const problem = kind.configProblem(inst);
    if (problem) return { path: `/instruments/${i}${problem.path}`, message: problem.message };
    const sim = /^sim:\/\/(.+)$/.exec(inst.transport);
    if (sim) {
      const target = config.simulators.find((s) => s.id === sim[1]);
      if (!target) return { path: `/instruments/${i}/transport`, message: `no simulator with id "${sim[1]}" in /simulators` };
      if (target.kind !== inst.kind) {
        return { path: `/instruments/${i}/transport`, message: `simulator "${target.id}" is a ${target.kind}, not a ${inst.kind}` };
      }
      const mismatch = kind.simulatorMismatch(inst, target);
      if (mismatch) return { path: `/instruments/${i}/transport`, message: mismatch };
    }
  }
  return null;
}
