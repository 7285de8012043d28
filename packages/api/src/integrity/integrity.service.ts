import { createHash, sign, verify } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { archiveStream, canonicalJson, readLogStream, verifyChain } from '@dossier/core';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';
import type { Head } from './log-scan';
import { brokenLinkBody, scanLog } from './log-scan';

const DIGEST_VERSION = 'v1';

const headsRoot = (heads: readonly Head[]): string =>
  createHash('sha256')
    .update(
      canonicalJson(heads.map((h) => [h.streamId, h.revision.toString(), h.position.toString(), h.hash])),
    )
    .digest('hex');

const signedMessage = (position: bigint, root: string) =>
  Buffer.from(`dossier-digest/${DIGEST_VERSION}:${position}:${root}`);

const sorted = (heads: Iterable<Head>) =>
  [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));

const headBody = (h: Head) => ({
  streamId: h.streamId,
  revision: h.revision.toString(),
  position: h.position.toString(),
  hash: h.hash,
});

/** Hash-chain verification of one archive or of the whole log; signed digests of every stream head. */
@Injectable()
export class IntegrityService {
  constructor(@Inject(DOSSIER) private readonly dossier: Dossier) {}

  async verifyArchive(archiveId: string) {
    const streams = [archiveStream(archiveId), readLogStream(archiveId)];
    const results = [];
    for (const streamId of streams) {
      const events = await this.dossier.events.readStream(streamId);
      if (streamId === streams[0] && events.length === 0)
        throw problems.notFound(`archive ${archiveId} does not exist`, 'archive.not-found');
      const r = verifyChain(streamId, events);
      if (r._tag === 'Left') return { archiveId, verified: false, brokenLink: brokenLinkBody(r.left) };
      results.push({
        streamId,
        events: r.right.events,
        headRevision: r.right.headRevision.toString(),
        headHash: r.right.headHash,
      });
    }
    return { archiveId, verified: true, streams: results };
  }

  /** The whole log: every stream's chain recomputed, in global order; the first broken link if any. */
  async verifyAll() {
    const head = await this.dossier.events.headPosition();
    const scan = await scanLog(this.dossier.events, head);
    if (scan.broken)
      return {
        verified: false,
        position: head.toString(),
        events: scan.events,
        brokenLink: brokenLinkBody(scan.broken),
      };
    return { verified: true, position: head.toString(), events: scan.events, streams: scan.heads.size };
  }

  /** A signed digest of every stream head at the current head of the log: an auditor keeps it. */
  async digest() {
    const position = await this.dossier.events.headPosition();
    const scan = await scanLog(this.dossier.events, position);
    // a digest vouches for the whole log up to its position: never sign a log that does not verify
    if (scan.broken)
      throw problems.conflict(
        `the log does not verify (${scan.broken.message}): no digest is signed over a broken chain`,
        'integrity.broken-chain',
        'ARCHITECTURE.md (integrity and privacy)',
      );
    const heads = sorted(scan.heads.values());
    const root = headsRoot(heads);
    const signature = sign(null, signedMessage(position, root), this.dossier.signingKey.privateKey).toString(
      'base64url',
    );
    return {
      version: DIGEST_VERSION,
      algorithm: 'Ed25519',
      position: position.toString(),
      streams: heads.length,
      root,
      signature,
      signedAt: this.dossier.clock.now().toISOString(),
      publicKey: this.dossier.signingKey.publicKeyPem,
      /** What `GET /audit/verify?digest=` takes. */
      token: `${DIGEST_VERSION}.${position}.${root}.${signature}`,
      heads: heads.map(headBody),
    };
  }

  /** `v1.<position>.<root>.<signature>` → is the log up to that position exactly what was signed? */
  async verifyDigest(
    token: string,
    heads?: readonly { streamId: string; revision: string; position: string; hash: string }[],
  ) {
    const m = /^v1\.(\d{1,19})\.([0-9a-f]{64})\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!m)
      throw problems.badRequest(
        'digest: expected the token of GET /audit/digest (v1.<position>.<root>.<signature>)',
        [{ path: 'query:digest', rule: 'must be a digest token' }],
      );
    const position = BigInt(m[1]!);
    const root = m[2]!;
    const signatureValid = verify(
      null,
      signedMessage(position, root),
      this.dossier.signingKey.publicKey,
      Buffer.from(m[3]!, 'base64url'),
    );
    if (!signatureValid)
      return {
        verified: false,
        digest: { position: position.toString(), root },
        reason: 'signature-invalid',
        message: 'the digest was not signed by this deployment’s key (or was altered)',
      };
    const head = await this.dossier.events.headPosition();
    if (head < position)
      return {
        verified: false,
        digest: { position: position.toString(), root },
        reason: 'log-truncated',
        message: `the log ends at ${head}, before the digest's position ${position}`,
      };
    const scan = await scanLog(this.dossier.events, position);
    if (scan.broken)
      return {
        verified: false,
        digest: { position: position.toString(), root },
        reason: 'broken-link',
        brokenLink: brokenLinkBody(scan.broken),
      };
    const now = sorted(scan.heads.values());
    if (headsRoot(now) === root)
      return {
        verified: true,
        digest: { position: position.toString(), root },
        events: scan.events,
        streams: now.length,
      };
    const differing = heads
      ? heads.find((h) => {
          const n = scan.heads.get(h.streamId);
          return (
            !n ||
            n.hash !== h.hash ||
            n.revision.toString() !== h.revision ||
            n.position.toString() !== h.position
          );
        })
      : undefined;
    return {
      verified: false,
      digest: { position: position.toString(), root },
      reason: 'heads-differ',
      message:
        'the stream heads up to the digest position are not the ones signed: events were rewritten, removed or added',
      ...(differing
        ? {
            firstDifferingHead: differing,
            now: scan.heads.get(differing.streamId) ? headBody(scan.heads.get(differing.streamId)!) : null,
          }
        : {}),
    };
  }
}
