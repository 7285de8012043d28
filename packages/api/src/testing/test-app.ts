/* The real app on a temporary SQLite file (or given URLs), listening on a loopback port, for end-to-end tests. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@dossier/core';
import { createApp } from '../app/create-app';
import type { Dossier } from '../compose';
import { composeDossier } from '../compose';
import { signToken } from '../identity/jwt';
import type { ApiSettings } from '../settings';

export const TEST_SECRET = 'test-secret-for-the-api-specs-0123456789abcdef';

export interface TestApp {
  readonly url: string;
  readonly dossier: Dossier;
  readonly app: NestFastifyApplication;
  readonly dir: string;
  readonly dbPath: string;
  token(role: Role, id?: string, department?: string): Promise<string>;
  close(): Promise<void>;
}

export const startTestApp = async (
  options: { storeUrl?: string; readModelsUrl?: string; bodyLimit?: number; waitTimeoutMs?: number } = {},
): Promise<TestApp> => {
  const dir = mkdtempSync(join(tmpdir(), 'dossier-api-'));
  const dbPath = join(dir, 'dossier.db');
  const settings: ApiSettings = {
    storeUrl: options.storeUrl ?? `sqlite:${dbPath}`,
    ...(options.readModelsUrl ? { readModelsUrl: options.readModelsUrl } : {}),
    masterKeyBase64: randomBytes(32).toString('base64'),
    // never a key file in the working directory (the PostgreSQL store has no file to put it beside)
    signingKeyPem: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    host: '127.0.0.1',
    port: 0,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    waitTimeoutMs: options.waitTimeoutMs ?? 5000,
    identity: { secret: TEST_SECRET },
    projectionPollMs: 20,
  };
  const dossier = await composeDossier(settings);
  const app = await createApp(dossier, settings);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dossier,
    app,
    dir,
    dbPath,
    token: (role, id = role, department = role === 'other_department' ? 'finance' : 'marketing') =>
      signToken({ sub: id, role, department, name: `${role} ${id}` }, TEST_SECRET),
    async close() {
      await app.close();
      await dossier.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export interface Answer {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly headers: Headers;
}

/** A small HTTP client: JSON in, JSON (or problem+json) out. */
export const http = (base: string) => {
  const call = async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (the docs page) */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    get: (path: string, token?: string, headers?: Record<string, string>) =>
      call('GET', path, { token, headers }),
    post: (path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, { token, body, headers }),
    patch: (path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) =>
      call('PATCH', path, { token, body, headers }),
    call,
  };
};

/** The body of a new archive (the core's fixture shape), as POST /archives takes it. */
export const anArchiveBody = (overrides: Record<string, unknown> = {}) => ({
  custodian: { id: 'rep-1', name: '李明', department: 'marketing' },
  department: 'marketing',
  tier: 'B',
  secrecyLevel: 'internal',
  profile: {
    company: {
      name: '上海东方精密机械有限公司',
      address: '上海市浦东新区张江路 88 号',
      phone: '021-5080 1234',
      bankAccount: '6222 0210 0109 8765 432',
    },
    classification: {
      industry: 'machinery',
      region: 'east',
      nature: 'private_limited',
      status: 'intended',
      source: 'sales_visits',
    },
    people: [{ role: 'main_contact', name: '王丽华', position: '采购经理', mobile: '138 0013 8000' }],
    business: { mainBusiness: 'CNC machining' },
  },
  ...overrides,
});

export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
