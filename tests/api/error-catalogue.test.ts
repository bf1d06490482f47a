import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, errorHandler } from '../../src/api/api-error.js';
import { API_ERROR_CODES, ERROR_CLASSES, HTTP_STATUS } from '../../src/api/error-catalogue.js';
import { silentLogger } from '../../src/core/logger.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Errors a simulator answers on its simulated wire; they never reach the service. */
const WIRE_ONLY = ['CommandLineError', 'ModbusException', 'ScriptLoadError'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the API catalogue of error codes', () => {
  const app = Fastify();
  const thrown: Array<{ className: string; code: string; error: Error }> = [
    ...ERROR_CLASSES.flatMap(({ name, type, codes }) => codes.map((code) => ({ className: name, code, error: new type(`a ${name} ${code}`, code as never) }))),
    ...API_ERROR_CODES.map((code) => ({ className: 'ApiError', code, error: new ApiError(`an ApiError ${code}`, code) })),
  ];

  beforeAll(async () => {
    app.setErrorHandler(errorHandler(silentLogger));
    app.get<{ Params: { index: string } }>('/throw/:index', async (request) => {
      throw thrown[Number(request.params.index)]!.error;
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('lists every error class of the service (src, drivers, simulators) but the simulators’ wire-level ones', () => {
    const declared = ['src', 'drivers', 'simulators'].flatMap((dir) =>
      sourceFiles(path.join(ROOT, dir)).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends OperandoError\b/g)].map((m) => m[1]!)),
    );
    expect(declared.length).toBeGreaterThan(15);
    const catalogued = new Set<string>([...ERROR_CLASSES.map((c) => c.name), 'ApiError', ...WIRE_ONLY]);
    expect(declared.filter((name) => !catalogued.has(name))).toEqual([]);
    // And the list names real classes: each entry's type is the class of that name.
    for (const { name, type } of ERROR_CLASSES) expect(type.name).toBe(name);
  });

  it.each(thrown.map((t, index) => [`${t.className} ${t.code}`, index, t.code] as const))('answers %s with its catalogued status and code as JSON', async (_label, index, code) => {
    const status = HTTP_STATUS[code as keyof typeof HTTP_STATUS];
    expect(status, `${code} has a status`).toBeGreaterThanOrEqual(400);
    const response = await app.inject({ method: 'GET', url: `/throw/${index}` });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toEqual({ error: { code, message: thrown[index]!.error.message } });
    expect(response.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('maps a hard limit to 422, not to a server error', () => {
    expect(HTTP_STATUS.LIMIT_EXCEEDED).toBe(422);
  });

  it('answers anything outside the catalogue as 500 INTERNAL without its message', async () => {
    const bare = Fastify();
    bare.setErrorHandler(errorHandler(silentLogger));
    bare.get('/', async () => {
      throw new TypeError('secret detail at /internal/path.js:12');
    });
    const response = await bare.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error; see the service log' } });
    await bare.close();
  });
});
