import type { ArchiveReport, BrokenLinkReport, LogReport } from './verify-log';
import type { DigestReport } from './verify-digest';

const linkLines = (b: BrokenLinkReport): string[] => [
  `  stream    ${b.streamId}`,
  `  revision  ${b.revision}`,
  `  position  ${b.position}`,
  `  event     ${b.eventType}`,
  `  reason    ${b.reason}`,
  `  detail    ${b.message}`,
];

export const logText = (r: LogReport): string[] =>
  r.verified
    ? [
        `verified: ${r.events} events in ${r.streams} streams up to position ${r.position}: every hash chain holds`,
      ]
    : ['BROKEN LINK: the log does not verify', ...linkLines(r.brokenLink!)];

export const archiveText = (r: ArchiveReport): string[] =>
  r.verified
    ? [
        `verified: archive ${r.archiveId}: every hash chain holds`,
        ...r.streams.map((s) => `  ${s.streamId}: ${s.events} events, head revision ${s.headRevision}`),
      ]
    : [`BROKEN LINK: archive ${r.archiveId} does not verify`, ...linkLines(r.brokenLink!)];

export const digestText = (r: DigestReport, signedAt?: string): string[] => {
  const at = `position ${r.digest.position}${signedAt ? ` (signed ${signedAt})` : ''}`;
  if (r.verified)
    return [`digest holds: nothing up to ${at} changed (${r.events} events in ${r.streams} streams)`];
  const lines = [`DIGEST DOES NOT HOLD (${r.reason}) for the log up to ${at}`];
  if ('message' in r && r.message) lines.push(`  ${r.message}`);
  if ('brokenLink' in r && r.brokenLink) lines.push(...linkLines(r.brokenLink));
  if ('firstDifferingHead' in r && r.firstDifferingHead) {
    const h = r.firstDifferingHead;
    lines.push(
      `  first differing head: ${h.streamId} signed at revision ${h.revision} (position ${h.position}, hash ${h.hash})`,
    );
    if ('now' in r && r.now)
      lines.push(`  now: revision ${r.now.revision} (position ${r.now.position}, hash ${r.now.hash})`);
    else lines.push('  now: the stream has no event up to that position');
  }
  return lines;
};
