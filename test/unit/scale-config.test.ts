import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { renderNginxSite } from '../../src/ops/nginx/render.ts';
import { addMonths, monthOf, monthStart, partitionName } from '../../src/ops/partition.ts';

describe('scale-out configuration', () => {
  it('DATABASE_READ_URL needs DATABASE_URL: the embedded database has no replica', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://postgres@127.0.0.1:5433/jiesu' })).toThrow(/DATABASE_READ_URL: needs DATABASE_URL/);
    const c = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/jiesu', DATABASE_READ_URL: 'postgres://postgres@127.0.0.1:5433/jiesu' });
    expect(c.DATABASE_READ_URL).toBe('postgres://postgres@127.0.0.1:5433/jiesu');
    expect(loadConfig({}).DATABASE_READ_URL).toBeUndefined();
  });

  it('INSTANCE_ID is a short plain name; partition settings have sane defaults', () => {
    expect(loadConfig({ INSTANCE_ID: 'app-1.rack2' }).INSTANCE_ID).toBe('app-1.rack2');
    expect(() => loadConfig({ INSTANCE_ID: 'app 1\r\nX-Evil: 1' })).toThrow(/INSTANCE_ID/);
    expect(loadConfig({})).toMatchObject({ PARTITION_AHEAD_MONTHS: 3, PARTITION_CRON: '17 3 * * *', DATABASE_POOL_MAX: 10 });
    expect(() => loadConfig({ PARTITION_CRON: 'daily' })).toThrow(/PARTITION_CRON/);
  });
});

describe('the nginx template', () => {
  const conf = renderNginxSite({ listen: 8080, upstreams: ['10.0.0.1:3000', '10.0.0.2:3000'], attachmentMaxBytes: 10 * 1024 * 1024 });

  it('lists every instance in both upstreams, with the body limit above ATTACHMENT_MAX_BYTES', () => {
    expect(conf.match(/server 10\.0\.0\.1:3000/g)).toHaveLength(2);
    expect(conf.match(/server 10\.0\.0\.2:3000/g)).toHaveLength(2);
    expect(conf).toContain('listen 8080;');
    expect(conf).toContain(`client_max_body_size ${10 * 1024 * 1024 + 1024 * 1024};`);
    expect(conf).not.toMatch(/\{\{\w+\}\}/);
  });

  it('upgrades WebSockets and keeps polling sessions sticky on /socket.io/', () => {
    const rt = conf.slice(conf.indexOf('location /socket.io/'), conf.indexOf('location / {'));
    expect(rt).toContain('proxy_pass http://jiesu_realtime;');
    expect(rt).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(rt).toContain('proxy_set_header Connection $jiesu_connection_upgrade;');
    expect(conf).toMatch(/upstream jiesu_realtime \{[^}]*hash \$jiesu_sticky consistent;/);
  });

  it('refuses what is not host:port', () => {
    expect(() => renderNginxSite({ listen: 80, upstreams: [], attachmentMaxBytes: 1 })).toThrow(/at least one/);
    expect(() => renderNginxSite({ listen: 80, upstreams: ['evil; include /etc/passwd'], attachmentMaxBytes: 1 })).toThrow(/host:port/);
  });
});

describe('monthly partitions: months in Asia/Shanghai', () => {
  it('a month starts at 00:00 Beijing time, 16:00 UTC the day before', () => {
    expect(monthOf(new Date('2026-01-31T15:59:59Z'))).toEqual({ year: 2026, month: 1 });
    expect(monthOf(new Date('2026-01-31T16:00:00Z'))).toEqual({ year: 2026, month: 2 });
    expect(monthStart({ year: 2026, month: 2 }).toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(addMonths({ year: 2026, month: 11 }, 3)).toEqual({ year: 2027, month: 2 });
    expect(addMonths({ year: 2026, month: 1 }, -1)).toEqual({ year: 2025, month: 12 });
    expect(partitionName('ticket_events', { year: 2027, month: 2 })).toBe('ticket_events_p202702');
  });
});
