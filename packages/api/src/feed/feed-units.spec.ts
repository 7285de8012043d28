import { Webhook } from 'standardwebhooks';
import { eventTypes } from '@dossier/core';
import { cloudEventType, eventTypeOf, kebabOf, sequenceOf } from './cloud-event-types';
import { withheldData } from './feed-data';
import { mayReadFeed, mayReadPersonal, parseScopes } from './feed-scopes';
import { defaultFeedSettings } from './feed-settings';
import { parseDurations, retryDelay } from './retry-schedule';
import { newWebhookSecret, signatureHeader } from './webhook-signature';
import { defaultPolicyConfig } from '@dossier/core';

describe('feed building blocks', () => {
  it('CloudEvents types: cn.dossier.archive.<kebab>.v<version>, read back from either name', () => {
    expect(kebabOf('TierChanged')).toBe('tier-changed');
    expect(kebabOf('UpdateSlaWarned')).toBe('update-sla-warned');
    expect(cloudEventType('TierChanged')).toBe('cn.dossier.archive.tier-changed.v1');
    expect(cloudEventType('TransactionRecorded')).toBe('cn.dossier.archive.transaction-recorded.v3');
    for (const t of eventTypes) {
      expect(eventTypeOf(cloudEventType(t))).toBe(t);
      expect(eventTypeOf(t)).toBe(t);
    }
    expect(new Set(eventTypes.map(cloudEventType)).size).toBe(eventTypes.length);
    expect(sequenceOf(42n)).toBe('00000000000000000042');
    expect(sequenceOf(9n) < sequenceOf(10n)).toBe(true);
  });

  it('our signatures verify with the official standardwebhooks package; both secrets verify during a rotation', () => {
    const a = newWebhookSecret();
    const b = newWebhookSecret();
    expect(a).toMatch(/^whsec_/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    const body = JSON.stringify({ hello: '世界' });
    const ts = Math.floor(Date.now() / 1000);
    const headers = (secrets: string[]) => ({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signatureHeader(secrets, 'msg_1', ts, body),
    });
    expect(() => new Webhook(a).verify(body, headers([a]))).not.toThrow();
    expect(() => new Webhook(b).verify(body, headers([a]))).toThrow();
    expect(() => new Webhook(a).verify(body, headers([b, a]))).not.toThrow();
    expect(() => new Webhook(b).verify(body, headers([b, a]))).not.toThrow();
    // and the same bytes as the package's own signer
    expect(signatureHeader([a], 'msg_1', ts, body)).toBe(
      new Webhook(a).sign('msg_1', new Date(ts * 1000), body),
    );
  });

  it('retries: the schedule with ± jitter, then nothing; durations parse', () => {
    expect(parseDurations('5s, 5m,30m,2h,500')).toEqual([5000, 300_000, 1_800_000, 7_200_000, 500]);
    expect(() => parseDurations('soon')).toThrow();
    const s = defaultFeedSettings.retrySchedule;
    expect(s.reduce((a, b) => a + b, 0) / 3_600_000).toBeGreaterThan(24);
    expect(retryDelay(s, 1, 0.2, () => 0)).toBe(4000);
    expect(retryDelay(s, 1, 0.2, () => 1)).toBe(6000);
    expect(retryDelay(s, 7, 0, () => 0.5)).toBe(10 * 3_600_000);
    expect(retryDelay(s, 8, 0.2)).toBeUndefined();
  });

  it('withheld data: sealed values and personal slots holding plaintext alike, never the ciphertext', () => {
    const data = {
      archiveId: 'a',
      profile: {
        company: { name: 'C', bankAccount: { $pii: 'Y2lwaGVy' } },
        people: [{ role: 'main_contact', name: '王丽华' }],
        classification: {},
        business: {},
      },
    };
    const out = JSON.stringify(withheldData('ArchiveCreated', data));
    expect(out).not.toContain('$pii');
    expect(out).not.toContain('王丽华');
    expect(withheldData('ContactLogged', { withWhom: '王丽华', at: 'x' })).toEqual({
      withWhom: { $personal: 'withheld' },
      at: 'x',
    });
    expect(
      withheldData('ArchiveUpdated', {
        changes: [
          { field: 'people', before: [{ name: '甲' }], after: { $pii: 'x' } },
          { field: 'company.name', before: 'A', after: 'B' },
        ],
      }),
    ).toEqual({
      changes: [
        { field: 'people', before: { $personal: 'withheld' }, after: { $personal: 'withheld' } },
        { field: 'company.name', before: 'A', after: 'B' },
      ],
    });
  });

  it('scopes: the feed for roles that may read every archive’s history, personal:read for those that may read every detail', () => {
    const who = (role: Parameters<typeof mayReadFeed>[1]['role']) => ({ id: role, role });
    const feed = (
      [
        'sales_rep',
        'sales_manager',
        'marketing_manager',
        'marketing_director',
        'customer_service',
        'department_head',
        'auditor',
        'other_department',
        'system',
      ] as const
    ).filter((r) => mayReadFeed(defaultPolicyConfig, who(r)));
    expect(feed).toEqual(['marketing_director', 'department_head', 'auditor']);
    expect(mayReadPersonal(defaultPolicyConfig, who('auditor'))).toBe(true);
    expect(mayReadPersonal(defaultPolicyConfig, who('customer_service'))).toBe(false);
    expect(parseScopes(undefined, 'scope')).toEqual(['events:read']);
    expect(parseScopes('personal:read', 'scope')).toEqual(['events:read', 'personal:read']);
    expect(() => parseScopes('admin', 'scope')).toThrow();
  });
});
