/* A webhook receiver as another service would write it: node:http, the official Standard Webhooks verifier, the CloudEvents SDK. */
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly status: number;
}

export interface Accepted {
  readonly webhookId: string;
  readonly body: string;
  readonly event: Record<string, unknown> & { data: Record<string, unknown>; sequence: string; type: string };
}

const flat = (h: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));

export interface WebhookReceiver {
  readonly url: string;
  /** Every request, whatever it was answered. */
  readonly requests: ReceivedRequest[];
  /** Requests verified, valid CloudEvents and acknowledged (2xx), in arrival order. */
  readonly accepted: Accepted[];
  /** Requests whose signature or CloudEvent did not check out. */
  readonly rejected: { readonly body: string; readonly reason: string }[];
  /** The secret the verifier trusts now. */
  secret: string;
  /** The status to answer the n-th request (0-based) with, before any verification; default 200. */
  answer: (n: number) => number;
  close(): Promise<void>;
}

export const startWebhookReceiver = async (secret = ''): Promise<WebhookReceiver> => {
  const servers: Server[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    accepted: [],
    rejected: [],
    secret,
    answer: () => 200,
    close: () => new Promise<void>((resolve) => (servers[0] ? servers[0].close(() => resolve()) : resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = flat(req.headers);
      let status = receiver.answer(receiver.requests.length);
      if (status >= 200 && status < 300) {
        try {
          new Webhook(receiver.secret).verify(body, headers);
          const event = HTTP.toEvent({ headers, body }) as unknown as Accepted['event'];
          if (Array.isArray(event)) throw new Error('a batch was not expected');
          receiver.accepted.push({
            webhookId: headers['webhook-id']!,
            body,
            event: JSON.parse(JSON.stringify(event)),
          });
        } catch (e) {
          receiver.rejected.push({ body, reason: (e as Error).message });
          status = 400;
        }
      }
      receiver.requests.push({ headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  (receiver as { url: string }).url = `http://127.0.0.1:${port}/hooks/dossier`;
  return receiver;
};
