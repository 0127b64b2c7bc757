import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, render } from '../../src/domain/notifications/outbox.ts';
import { TEMPLATE_KEYS, TEMPLATE_PARAMS, placeholdersOf } from '../../src/domain/notifications/templates.ts';
import { lookupUrl } from '../../src/domain/notifications/notices.ts';
import { BACKOFF_MS, LEASE_MS, backoff } from '../../src/domain/notifications/delivery.ts';
import { smsGatewayFor, RecordingGateway } from '../../src/adapters/sms-gateway.ts';
import { loadConfig } from '../../src/config.ts';

describe('templates', () => {
  it('every default template has its placeholder list, and uses only those placeholders', () => {
    expect(Object.keys(TEMPLATE_PARAMS).sort()).toEqual(TEMPLATE_KEYS.sort());
    for (const key of TEMPLATE_KEYS) {
      expect(
        placeholdersOf(DEFAULT_TEMPLATES[key]!).filter((p) => !TEMPLATE_PARAMS[key]!.includes(p)),
        key,
      ).toEqual([]);
    }
  });

  it('placeholdersOf lists each {name} once', () => {
    expect(placeholdersOf('{number} {lookupUrl} {number} { spaced } {}')).toEqual(['number', 'lookupUrl']);
  });

  it('render fills known params and leaves no braces for missing ones', () => {
    expect(render('工单{number}：{reply}{missing}', { number: '20260310-000001', reply: '已处理' })).toBe('工单20260310-000001：已处理');
  });
});

describe('lookupUrl', () => {
  it.each([
    ['https://12345.example.gov.cn', 'https://12345.example.gov.cn/lookup?n=20260310-000001'],
    ['https://12345.example.gov.cn/', 'https://12345.example.gov.cn/lookup?n=20260310-000001'],
    ['https://city.example/hotline//', 'https://city.example/hotline/lookup?n=20260310-000001'],
  ])('%s → %s', (base, url) => {
    expect(lookupUrl({ PUBLIC_BASE_URL: base }, '20260310-000001')).toBe(url);
  });
});

describe('delivery schedule', () => {
  it('backs off 1 min, 5 min, 15 min, then hourly', () => {
    expect([1, 2, 3, 4, 5, 9].map(backoff)).toEqual([60_000, 300_000, 900_000, 3_600_000, 3_600_000, 3_600_000]);
    expect(BACKOFF_MS.every((b) => b > 0)).toBe(true);
    // A claimed message is not re-claimed by the next cron tick.
    expect(LEASE_MS).toBeGreaterThan(60_000);
  });
});

describe('SMS_GATEWAY', () => {
  it("defaults to the recording gateway, and refuses a gateway it doesn't know", () => {
    const config = loadConfig({});
    expect(config.SMS_GATEWAY).toBe('record');
    expect(smsGatewayFor(config)).toBeInstanceOf(RecordingGateway);
    expect(() => loadConfig({ SMS_GATEWAY: 'carrier-pigeon' })).toThrow(/SMS_GATEWAY/);
  });

  it('the recording gateway accepts every message with an id of its own', async () => {
    const g = new RecordingGateway();
    const [a, b] = [await g.send(), await g.send()];
    expect(a).toMatchObject({ ok: true });
    expect(a.ok && b.ok && a.id !== b.id).toBe(true);
  });
});
