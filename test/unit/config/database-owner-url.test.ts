/** DATABASE_OWNER_URL: optional, a postgres:// URL, and never echoed in an error (it may hold a password). */
import { expect } from 'chai';
import { loadSettings, SettingsError } from '../../../node/config/settings.ts';

const BASE = { ADMIN_TOKEN: 'a-long-enough-admin-token', DATABASE_URL: 'postgres://app@h/db', NODE_CODE: '610203' };

describe('settings: DATABASE_OWNER_URL', () => {
  it('is null unless set, and kept as given when it is a postgres URL', () => {
    expect(loadSettings(BASE).databaseOwnerUrl).to.equal(null);
    expect(loadSettings({ ...BASE, DATABASE_OWNER_URL: '' }).databaseOwnerUrl).to.equal(null);
    expect(loadSettings({ ...BASE, DATABASE_OWNER_URL: 'postgres://owner:s3cret@h:5432/db' }).databaseOwnerUrl).to.equal('postgres://owner:s3cret@h:5432/db');
    expect(loadSettings({ ...BASE, DATABASE_OWNER_URL: 'postgresql://owner@h/db' }).databaseOwnerUrl).to.equal('postgresql://owner@h/db');
  });

  it('refuses anything else without showing the value', () => {
    for (const value of ['mysql://owner:s3cret@h/db', 'owner:s3cret@h/db', 'postgres://owner:s3cret @h/db']) {
      expect(() => loadSettings({ ...BASE, DATABASE_OWNER_URL: value })).to.throw(SettingsError, /DATABASE_OWNER_URL must be a postgres:\/\/ URL/)
        .with.property('message').that.does.not.include('s3cret');
    }
  });
});
