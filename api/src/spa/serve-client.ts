import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Serves the built SvelteKit client at `/`. Files are served as they are; any other GET outside
 * /api gets index.html so client-side routes survive a reload. /api misses fall through to
 * Nest's 404 in the documented error shape.
 */
export async function serveClient(app: NestFastifyApplication, clientDir: string): Promise<boolean> {
  const indexPath = join(clientDir, 'index.html');
  if (!existsSync(indexPath)) return false;
  const indexHtml = readFileSync(indexPath, 'utf8');
  const fastify = app.getHttpAdapter().getInstance();

  await fastify.register(fastifyStatic, {
    root: clientDir,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders: (res, path) => {
      if (path.includes(`${join('_app', 'immutable')}`)) {
        res.header('cache-control', 'public, max-age=31536000, immutable');
      }
    },
  });
  const sendIndex = (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  fastify.get('/', sendIndex);
  fastify.get('/*', (request, reply) => {
    if (request.url === '/api' || request.url.startsWith('/api/')) return reply.callNotFound();
    return sendIndex(request, reply);
  });
  return true;
}
