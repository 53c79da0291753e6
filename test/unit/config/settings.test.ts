import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadSettings, SettingsError } from '../../../node/config/settings.ts';

const BASE = { ADMIN_TOKEN: 'a-long-enough-admin-token', DATABASE_URL: 'postgres://u@h/db', NODE_CODE: '610203' };

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'settings-'));
  const path = join(dir, 'node.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('settings', () => {
  it('refuses to start without ADMIN_TOKEN and says why', () => {
    expect(() => loadSettings({ DATABASE_URL: BASE.DATABASE_URL, NODE_CODE: '610203' }))
      .to.throw(SettingsError, /ADMIN_TOKEN is not set/);
  });

  it('refuses a short ADMIN_TOKEN, a bad NODE_CODE, an unknown level and a bad port', () => {
    expect(() => loadSettings({ ...BASE, ADMIN_TOKEN: 'short' })).to.throw(SettingsError, /at least 16/);
    expect(() => loadSettings({ ...BASE, NODE_CODE: '61020' })).to.throw(SettingsError, /NODE_CODE/);
    expect(() => loadSettings({ ...BASE, NODE_LEVEL: 'town' })).to.throw(SettingsError, /NODE_LEVEL/);
    expect(() => loadSettings({ ...BASE, PORT: '70000' })).to.throw(SettingsError, /PORT/);
  });

  it('runs the whole node in one process and ignores X-Forwarded-For unless told otherwise', () => {
    expect(loadSettings(BASE)).to.deep.include({ nodeProcess: 'all', trustProxy: false });
    expect(loadSettings({ ...BASE, NODE_PROCESS: 'web', TRUST_PROXY: 'true' })).to.deep.include({ nodeProcess: 'web', trustProxy: true });
    expect(loadSettings({ ...BASE, NODE_PROCESS: 'worker' }).nodeProcess).to.equal('worker');
    expect(() => loadSettings({ ...BASE, NODE_PROCESS: 'api' })).to.throw(SettingsError, /NODE_PROCESS must be one of web, worker, all, got "api"/);
    expect(() => loadSettings({ ...BASE, TRUST_PROXY: 'yes' })).to.throw(SettingsError, /TRUST_PROXY must be true or false/);
  });

  it('takes defaults from config/defaults.json', () => {
    const settings = loadSettings(BASE);
    expect(settings.port).to.equal(8080);
    expect(settings.redisUrl).to.equal('redis://127.0.0.1:6379');
    expect(settings.nodeLevel).to.equal('county');
    expect(settings.jsonLimitBytes).to.equal(8388608);
    expect(settings.queuePrefix).to.equal('sv-610203');
    expect(settings.nodeName).to.equal('监察节点 610203');
  });

  it('layers defaults, then NODE_CONFIG, then the environment', () => {
    const path = configFile({ PORT: 9000, NODE_LEVEL: 'city', NODE_NAME: '铜川市电子监察节点', NODE_CODE: '610200' });
    const fromFile = loadSettings({ ...BASE, NODE_CODE: '', NODE_CONFIG: path });
    expect(fromFile.port).to.equal(9000);
    expect(fromFile.nodeLevel).to.equal('city');
    expect(fromFile.nodeCode).to.equal('610200');
    expect(fromFile.nodeName).to.equal('铜川市电子监察节点');
    const envWins = loadSettings({ ...BASE, NODE_CONFIG: path, PORT: '9100' });
    expect(envWins.port).to.equal(9100);
    expect(envWins.nodeCode).to.equal('610203');
  });

  it('has hardening defaults and refuses out-of-range limits', () => {
    const settings = loadSettings(BASE);
    expect([settings.jsonMaxDepth, settings.rateLimitLoginPerMinute, settings.rateLimitPublicPerMinute]).to.deep.equal([32, 20, 6000]);
    const set = loadSettings({ ...BASE, JSON_MAX_DEPTH: '12', RATE_LIMIT_LOGIN_PER_MINUTE: '5', RATE_LIMIT_PUBLIC_PER_MINUTE: '100' });
    expect([set.jsonMaxDepth, set.rateLimitLoginPerMinute, set.rateLimitPublicPerMinute]).to.deep.equal([12, 5, 100]);
    // Below 8 the deepest legitimate body (an enrollment's JWKS, 5 levels) could be refused.
    expect(() => loadSettings({ ...BASE, JSON_MAX_DEPTH: '4' })).to.throw(SettingsError, /JSON_MAX_DEPTH/);
    expect(() => loadSettings({ ...BASE, RATE_LIMIT_LOGIN_PER_MINUTE: '0' })).to.throw(SettingsError, /RATE_LIMIT_LOGIN_PER_MINUTE/);
    expect(() => loadSettings({ ...BASE, RATE_LIMIT_PUBLIC_PER_MINUTE: 'many' })).to.throw(SettingsError, /RATE_LIMIT_PUBLIC_PER_MINUTE/);
  });

  it('takes occurredAt from 2000-01-01 to a day after the clock unless told otherwise, and refuses a window it cannot judge', () => {
    expect(loadSettings(BASE)).to.deep.include({ occurredAtEarliest: '2000-01-01', occurredAtMaxAheadHours: 24 });
    expect(loadSettings({ ...BASE, OCCURRED_AT_EARLIEST: '2015-07-01', OCCURRED_AT_MAX_AHEAD_HOURS: '2' })).to.deep.include({ occurredAtEarliest: '2015-07-01', occurredAtMaxAheadHours: 2 });
    expect(loadSettings({ ...BASE, NODE_CONFIG: configFile({ OCCURRED_AT_EARLIEST: '1995-01-01' }) }).occurredAtEarliest).to.equal('1995-01-01');
    // Before 1991 Shanghai kept daylight saving time, which the date rules do not know.
    for (const earliest of ['1990-12-31', '2101-01-01', '2015-02-30', '2015-7-1', 'yesterday']) {
      expect(() => loadSettings({ ...BASE, OCCURRED_AT_EARLIEST: earliest }), earliest).to.throw(SettingsError, /OCCURRED_AT_EARLIEST must be a date/);
    }
    for (const hours of ['-1', '87601', '1.5']) {
      expect(() => loadSettings({ ...BASE, OCCURRED_AT_MAX_AHEAD_HOURS: hours }), hours).to.throw(SettingsError, /OCCURRED_AT_MAX_AHEAD_HOURS/);
    }
  });

  it('names the problem in a broken or unknown-key config file', () => {
    expect(() => loadSettings({ ...BASE, NODE_CONFIG: configFile('{ not json') })).to.throw(SettingsError, /cannot be read as JSON/);
    expect(() => loadSettings({ ...BASE, NODE_CONFIG: configFile({ PROT: 1 }) })).to.throw(SettingsError, /unknown key PROT/);
    expect(() => loadSettings({ ...BASE, NODE_CONFIG: configFile([1]) })).to.throw(SettingsError, /JSON object/);
  });
});
