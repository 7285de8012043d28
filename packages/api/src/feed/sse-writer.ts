import type { ServerResponse } from 'node:http';

const FLUSH_AT = 32 * 1024;

/**
 * One Server-Sent Events response: `id:` + `data:` frames, comments as heartbeats, backpressure (a slow
 * consumer slows its own stream, never the server's memory), and one signal that aborts when the client goes
 * away or the server closes the stream.
 */
export class SseWriter {
  private readonly controller = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private lastWrite = Date.now();
  private pending = '';
  private scheduled = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeatMs: number,
  ) {
    res.on('close', () => this.abort());
  }

  /** Aborts when the client disconnects or `abort` is called. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(retryMs: number, headers: Record<string, string> = {}): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store, no-transform',
      connection: 'keep-alive',
      // proxies (nginx) must not buffer a stream
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.res.socket?.setNoDelay(true);
    this.write(`retry: ${retryMs}\n: dossier event feed\n\n`);
    if (this.heartbeatMs > 0)
      this.heartbeat = setInterval(
        () => {
          if (Date.now() - this.lastWrite >= this.heartbeatMs && !this.res.writableNeedDrain && !this.pending)
            this.write(`: heartbeat ${new Date().toISOString()}\n\n`);
        },
        Math.max(10, Math.floor(this.heartbeatMs / 2)),
      );
  }

  /**
   * One event. Frames are gathered and written together (one write per ~32 KB, or when the loop turns), so a
   * catch-up does not cost a system call per event. Answers a promise only when the socket is full: the caller
   * waits for it to drain.
   */
  send(id: bigint, json: string): Promise<void> | undefined {
    if (this.signal.aborted) return undefined;
    this.pending += `id: ${id}\ndata: ${json}\n\n`;
    if (this.pending.length >= FLUSH_AT) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
    return undefined;
  }

  private flush(): Promise<void> | undefined {
    const chunk = this.pending;
    this.pending = '';
    if (!chunk || this.write(chunk)) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      this.res.on('drain', done);
      this.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** End the stream (the client reconnects with Last-Event-ID). */
  abort(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (!this.controller.signal.aborted) this.controller.abort();
    if (!this.res.writableEnded) this.res.end();
  }

  private write(chunk: string): boolean {
    this.lastWrite = Date.now();
    if (this.res.writableEnded || this.res.destroyed) return true;
    return this.res.write(chunk);
  }
}
