import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { SignJWT, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { Actor } from '@dossier/core';
import { Role } from '@dossier/core';

/** A development secret, used (with a warning) when DOSSIER_JWT_SECRET is not set. Never use it in production. */
export const DEVELOPMENT_JWT_SECRET = 'dossier-development-secret-change-me-0123456789';

export interface IdentitySettings {
  /** HS256 shared secret (DOSSIER_JWT_SECRET). */
  readonly secret?: string;
  /** A JWKS URL (DOSSIER_JWKS_URL): tokens signed by an identity provider. Takes precedence over the secret. */
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
}

export class InvalidToken extends Error {}

const actorOf = (payload: JWTPayload): Actor => {
  const { sub, name, role, department } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || sub.trim() === '') throw new InvalidToken('the token has no subject (sub)');
  if (!Role.is(role))
    throw new InvalidToken(
      `the token's role must be one of ${Object.keys(Role.keys).join(', ')} (DOMAIN.md §6)`,
    );
  if (department !== undefined && typeof department !== 'string')
    throw new InvalidToken('the department claim must be a string');
  if (name !== undefined && typeof name !== 'string')
    throw new InvalidToken('the name claim must be a string');
  return {
    id: sub as Actor['id'],
    role,
    department: department ?? '',
    ...(name ? { name } : {}),
  };
};

/** Bearer JWT → the actor of DOMAIN.md §6 (claims sub, name, role, department). */
export const tokenVerifier = (settings: IdentitySettings) => {
  const jwks: JWTVerifyGetKey | undefined = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl))
    : undefined;
  const secret = new TextEncoder().encode(settings.secret ?? DEVELOPMENT_JWT_SECRET);
  const options = {
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
  };
  // a verified token's claims cannot change: remember them until the token expires (bounded, oldest out first)
  const verified = new Map<string, { actor: Actor; expiresAt: number }>();
  return async (token: string): Promise<Actor> => {
    const hit = verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.actor;
    if (hit) verified.delete(token);
    try {
      const { payload } = jwks
        ? await jwtVerify(token, jwks, options)
        : await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
      const actor = actorOf(payload);
      if (typeof payload.exp === 'number') {
        if (verified.size >= 10_000) verified.delete(verified.keys().next().value!);
        verified.set(token, { actor, expiresAt: payload.exp * 1000 });
      }
      return actor;
    } catch (e) {
      if (e instanceof InvalidToken) throw e;
      if (e instanceof errors.JWTExpired) throw new InvalidToken('the token has expired');
      if (e instanceof errors.JOSEError) throw new InvalidToken(`the token is not valid: ${e.code}`);
      throw e;
    }
  };
};

export type TokenVerifier = ReturnType<typeof tokenVerifier>;

export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  readonly department?: string;
  readonly name?: string;
}

/** Sign an HS256 token (the development `token` command, tests and the benchmark). */
export const signToken = (
  claims: TokenClaims,
  secret: string = DEVELOPMENT_JWT_SECRET,
  expiresIn: string | number = '8h',
): Promise<string> => {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
};
