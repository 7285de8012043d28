import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeDossier } from '../compose';
import { loadDemoData } from './demo-data';

it('--demo: archives with history across the event types, through the command handler, recorded in the past', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dossier-demo-'));
  const dossier = await composeDossier({
    storeUrl: `sqlite:${join(dir, 'd.db')}`,
    masterKeyBase64: randomBytes(32).toString('base64'),
  });
  try {
    const summary = await loadDemoData(dossier, { archives: 40, days: 400, seed: 7 });
    expect(summary.refused).toBe(0);
    for (const type of [
      'ArchiveCreated',
      'ContactLogged',
      'InformationReceived',
      'ArchiveUpdated',
      'TransactionRecorded',
      'TierChangeProposed',
      'TierChanged',
      'BorrowRequested',
      'ArchiveLent',
      'ArchiveReturned',
      'ReviewDue',
      'ArchiveRead',
    ])
      expect(summary.eventTypes[type]).toBeGreaterThan(0);
    const [first] = await dossier.events.readAll({ limit: 1 });
    expect(Date.parse(first!.recordedAt)).toBeLessThan(Date.now() - 300 * 86_400_000);
    expect(dossier.clock.now().getTime()).toBeGreaterThan(Date.now() - 60_000); // the clock is released
  } finally {
    await dossier.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
