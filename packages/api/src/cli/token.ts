#!/usr/bin/env node
/*
 * Prints a development token (HS256, signed with DOSSIER_JWT_SECRET or the development secret):
 *   pnpm --filter @dossier/api token -- --role marketing_manager --department marketing [--sub mm-1] [--name 王芳] [--expires 8h]
 */
import { Role } from '@dossier/core';
import { DEVELOPMENT_JWT_SECRET, signToken } from '../identity/jwt';
import { parseArgs } from './args';

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const get = (k: string) => {
    const v = args.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const role = get('role') ?? 'marketing_manager';
  if (!Role.is(role)) throw new Error(`--role must be one of ${Object.keys(Role.keys).join(', ')}`);
  const department = get('department') ?? (role === 'other_department' ? 'finance' : 'marketing');
  const sub = get('sub') ?? `${role.replace(/_/g, '-')}-1`;
  const name = get('name');
  const secret = process.env.DOSSIER_JWT_SECRET;
  if (!secret) console.error('[dossier] DOSSIER_JWT_SECRET is not set: signing with the development secret');
  const token = await signToken(
    { sub, role, department, ...(name ? { name } : {}) },
    secret ?? DEVELOPMENT_JWT_SECRET,
    get('expires') ?? '8h',
  );
  process.stdout.write(token + '\n');
};

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
