import type {} from '@fastify/websocket';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

export type Role = 'viewer' | 'operator';

export interface TokenHolder {
  readonly role: Role;
  readonly name: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Least role a route needs; `public` routes need no token. Default: viewer. */
    role?: Role | 'public';
  }
  interface FastifyRequest {
    holder?: TokenHolder;
  }
}

/**
 * Bearer tokens with two roles: viewers read, operators also control. The
 * WebSocket route also accepts `?access_token=` because browsers cannot set
 * headers on a WebSocket.
 */
export function authHook(tokens: ReadonlyMap<string, TokenHolder>) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const needed = request.routeOptions.config.role ?? 'viewer';
    if (needed === 'public') return;
    const header = request.headers.authorization;
    let token: string | undefined;
    if (header?.startsWith('Bearer ')) token = header.slice('Bearer '.length).trim();
    else if (request.routeOptions.config.role !== 'operator' && request.ws) {
      token = (request.query as { access_token?: string } | undefined)?.access_token;
    }
    const holder = token ? tokens.get(token) : undefined;
    if (!holder) throw new ApiError(token ? 'the token is not valid' : 'a bearer token is required (Authorization: Bearer <token>)', 'UNAUTHORIZED');
    if (needed === 'operator' && holder.role !== 'operator') throw new ApiError(`this needs the operator role; ${holder.name} is a viewer`, 'FORBIDDEN');
    request.holder = holder;
  };
}
