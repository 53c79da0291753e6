import { expect } from 'chai';
import { loadSettings, SettingsError } from '../../../node/config/settings.ts';

const BASE = { DATABASE_URL: 'postgres://u@h/db', NODE_CODE: '610203' };

describe('access: settings', () => {
  it('has defaults for token lifetimes and the lockout', () => {
    const settings = loadSettings({ ...BASE, ADMIN_TOKEN: 'a-long-enough-admin-token' });
    expect(settings).to.include({ accessTokenSeconds: 900, refreshTokenSeconds: 28800, loginMaxFailures: 5, lockoutSeconds: 900, adminToken: 'a-long-enough-admin-token' });
  });

  it('reads and checks them', () => {
    const settings = loadSettings({ ...BASE, ADMIN_TOKEN: 'a-long-enough-admin-token', ACCESS_TOKEN_SECONDS: '300', REFRESH_TOKEN_SECONDS: '3600', LOGIN_MAX_FAILURES: '3', LOCKOUT_SECONDS: '60' });
    expect(settings).to.include({ accessTokenSeconds: 300, refreshTokenSeconds: 3600, loginMaxFailures: 3, lockoutSeconds: 60 });
    for (const [key, value] of [['ACCESS_TOKEN_SECONDS', '0'], ['REFRESH_TOKEN_SECONDS', 'x'], ['LOGIN_MAX_FAILURES', '0'], ['LOCKOUT_SECONDS', '-1'], ['ADMIN_TOKEN_ENABLED', 'maybe']]) {
      expect(() => loadSettings({ ...BASE, ADMIN_TOKEN: 'a-long-enough-admin-token', [key!]: value }), key).to.throw(SettingsError, new RegExp(key!));
    }
  });

  it('ADMIN_TOKEN_ENABLED=false: no ADMIN_TOKEN needed, and one that is set is not used', () => {
    expect(loadSettings({ ...BASE, ADMIN_TOKEN_ENABLED: 'false' }).adminToken).to.equal(null);
    expect(loadSettings({ ...BASE, ADMIN_TOKEN_ENABLED: 'false', ADMIN_TOKEN: 'a-long-enough-admin-token' }).adminToken).to.equal(null);
    expect(() => loadSettings(BASE)).to.throw(SettingsError, /ADMIN_TOKEN is not set/);
  });
});
