import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const types: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json',
  '.json': 'application/json',
};

/**
 * The swagger-ui files (a flat directory) under `prefix`, held in memory. Stands in for @fastify/static,
 * which @nestjs/swagger would otherwise load for this alone (its dependency tree is ESM-only in part).
 */
export const serveFlatDirectory = (fastify: FastifyInstance, root: string, prefix: string): void => {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(root))
    if (types[extname(name)]) files.set(name, readFileSync(join(root, name)));
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  fastify.get(`${base}/:file`, (request, reply) => {
    const name = (request.params as { file: string }).file;
    const body = files.get(name);
    if (!body) return reply.callNotFound();
    return reply.type(types[extname(name)]!).header('cache-control', 'public, max-age=3600').send(body);
  });
};
