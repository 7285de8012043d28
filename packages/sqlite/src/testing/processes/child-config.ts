import { writeSync } from 'node:fs';

/** Settings a test hands a child process as one JSON argument. */
export interface ChildConfig {
  readonly path: string;
  readonly masterKeyHex: string;
  readonly [option: string]: unknown;
}

export const childConfig = <C extends ChildConfig>(): C => JSON.parse(process.argv[2] ?? '{}') as C;

export const masterKeyOf = (c: ChildConfig): Uint8Array => new Uint8Array(Buffer.from(c.masterKeyHex, 'hex'));

/** One line to the parent, written synchronously: once it returns, the parent can read it even if we die. */
export const tell = (line: string): void => {
  writeSync(1, line + '\n');
};

export const bigintJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
