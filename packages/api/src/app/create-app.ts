import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';
import { openApiSchemas } from '../openapi/schemas';
import { serveFlatDirectory } from '../openapi/swagger-assets';
import type { ApiSettings } from '../settings';
import { ApiModule } from './api.module';

export const DOCS_PATH = 'docs';
export const OPENAPI_PATH = 'openapi.json';

/** The Nest application on Fastify: problem+json everywhere, body limit, OpenAPI from the io-ts codecs. */
export const createApp = async (
  dossier: Dossier,
  settings: ApiSettings,
  logger = false,
): Promise<NestFastifyApplication> => {
  const adapter = new FastifyAdapter({
    bodyLimit: settings.bodyLimit,
    routerOptions: { maxParamLength: 200 },
  });
  const fastify = adapter.getInstance();
  // JSON bodies only (`application/merge-patch+json` is JSON too); anything else is refused with 415
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json$/,
    { parseAs: 'string', bodyLimit: settings.bodyLimit },
    (_req, body, done) => {
      try {
        done(null, (body as string).length === 0 ? undefined : JSON.parse(body as string));
      } catch (e) {
        done(
          Object.assign(
            problems.badRequest(`the body is not JSON: ${(e as Error).message}`, [
              { path: '(root)', rule: 'must be JSON' },
            ]),
            { statusCode: 400 },
          ),
          undefined,
        );
      }
    },
  );
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forRoot(dossier, settings),
    adapter,
    {
      logger: logger ? ['error', 'warn'] : ['error'],
      // the JSON parser above is the only one; Nest routes Fastify's own errors (limits, media types) through
      // the global ProblemFilter
      bodyParser: false,
    },
  );
  const config = new DocumentBuilder()
    .setTitle('Dossier API')
    .setDescription(
      'Customer archives (客户档案): commands, queries, history and as-of replay, audit and verification. ' +
        'Request bodies and query parameters are the core’s io-ts codecs, converted. Errors are RFC 9457 problems.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(openApiSchemas.components as Record<string, object>) },
  };
  // the UI's static files without @fastify/static (see swagger-assets.ts)
  adapter.useStaticAssets = ((options: { root: string; prefix: string }) => {
    serveFlatDirectory(fastify, options.root, options.prefix);
    return adapter;
  }) as never;
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_PATH,
    yamlDocumentUrl: 'openapi.yaml',
  });
  await app.init();
  return app;
};
