import { expect } from 'chai';
import { AppError } from '../../../node/core/errors.ts';
import { assertPasswordPolicy, hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from '../../../node/access/passwords.ts';

describe('access: passwords', function () {
  this.timeout(20_000);

  it('hashes as a self-describing scrypt string with a fresh salt each time', async () => {
    const first = await hashPassword('Kx7#mQ2!vL9@pR4z');
    const second = await hashPassword('Kx7#mQ2!vL9@pR4z');
    const parts = first.split('$');
    expect(parts.slice(0, 4)).to.deep.equal(['scrypt', '15', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64')).to.have.length(32);
    expect(Buffer.from(parts[5]!, 'base64')).to.have.length(64);
    expect(second).to.not.equal(first);
  });

  it('verifies the right password only', async () => {
    const stored = await hashPassword('Kx7#mQ2!vL9@pR4z');
    expect(await verifyPassword('Kx7#mQ2!vL9@pR4z', stored)).to.equal(true);
    expect(await verifyPassword('Kx7#mQ2!vL9@pR4Z', stored)).to.equal(false);
    expect(await verifyPassword('', stored)).to.equal(false);
  });

  it('answers false, without throwing, for a malformed or tampered hash', async () => {
    const stored = await hashPassword('Kx7#mQ2!vL9@pR4z');
    const parts = stored.split('$');
    for (const bad of ['', 'plain', 'bcrypt$10$abc', [...parts.slice(0, 1), '30', ...parts.slice(2)].join('$'), [...parts.slice(0, 5), 'AAAA'].join('$')]) {
      expect(await verifyPassword('Kx7#mQ2!vL9@pR4z', bad), bad).to.equal(false);
    }
  });

  it('a dummy verification never succeeds', async () => {
    expect(await verifyAgainstDummy('anything')).to.equal(false);
  });

  it('accepts a long, varied password', () => {
    expect(passwordProblems('Kx7#mQ2!vL9@pR4z', 'zhangsan')).to.deep.equal([]);
    expect(passwordProblems('correct horse Battery 9', 'zhangsan')).to.deep.equal([]); // lower, upper, digit, space
    expect(passwordProblems('监察平台Secure2026', 'zhangsan')).to.deep.equal([]); // Chinese characters count as letters
  });

  it('names each problem', () => {
    expect(passwordProblems('Ab1!', 'x')).to.deep.equal(['tooShort']);
    expect(passwordProblems(`Ab1!${'x'.repeat(130)}`, 'x')).to.deep.equal(['tooLong']);
    expect(passwordProblems('abcdefghijklmnop', 'x')).to.deep.equal(['tooFewCharacterClasses']);
    expect(passwordProblems('abcdefgh12345678', 'x')).to.deep.equal(['tooFewCharacterClasses']);
    expect(passwordProblems('Zhangsan#2026xyz', 'zhangsan')).to.deep.equal(['containsLogin']);
    expect(passwordProblems('P@ssw0rd2026!!', 'x')).to.deep.equal(['common']);
    expect(passwordProblems('password', 'x')).to.deep.equal(['tooShort', 'tooFewCharacterClasses', 'common']);
  });

  it('refuses a weak password as 422 WEAK_PASSWORD naming the field and the problems', () => {
    let caught: unknown;
    try {
      assertPasswordPolicy('short', 'zhangsan', 'newPassword');
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(AppError);
    const error = caught as AppError;
    expect(error.code).to.equal('WEAK_PASSWORD');
    expect(error.status).to.equal(422);
    expect(error.details.field).to.equal('newPassword');
    expect(error.details.problems).to.deep.equal(['tooShort', 'tooFewCharacterClasses']);
    expect(error.message).to.match(/密码/).and.match(/password policy/);
    expect(() => assertPasswordPolicy('Kx7#mQ2!vL9@pR4z', 'zhangsan', 'password')).to.not.throw();
  });
});
