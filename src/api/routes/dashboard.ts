import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The browser dashboard's static files (public: the page asks for a token and
 * uses it for every API call). Only files directly in the folder with a known
 * type are served, so no path can leave it.
 */
export async function dashboardRoutes(app: FastifyInstance, dir: string): Promise<void> {
  const serve = async (name: string) => {
    const type = TYPES[path.extname(name)];
    if (!type || name !== path.basename(name)) return null;
    try {
      return { type, body: await readFile(path.join(dir, name)) };
    } catch {
      return null;
    }
  };
  app.get('/', { config: { role: 'public' }, schema: { hide: true } }, async (_req, reply) => reply.redirect('/dashboard/index.html'));
  app.get<{ Params: { file: string } }>('/dashboard/:file', { config: { role: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const file = await serve(request.params.file);
    if (!file) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no dashboard file ${request.params.file}` } });
    return reply.type(file.type).send(file.body);
  });
}
