/** Log redaction: secret fields by path, resident ID numbers in any text, and a request's remembered secrets. */
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../node/logger.ts';
import { maskIdNumbers, rememberSecrets, withSecretScope } from '../../node/log-masking.ts';

/** A logger writing into `lines`. */
function memoryLogger(lines: string[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return createLogger('trace', { node: 'test' }, stream);
}

describe('unit: log redaction', () => {
  it('masks resident ID numbers in free text, and nothing shorter, longer or embedded in a longer number', () => {
    expect(maskIdNumbers('申请人 110101199003071234 与 11010119900307123X, 11010119900307123x')).to.equal('申请人 [redacted] 与 [redacted], [redacted]');
    expect(maskIdNumbers('id=110101199003071234;')).to.equal('id=[redacted];');
    for (const kept of ['11010119900307123', '1101011990030712345', 'order 20260302100000123']) expect(maskIdNumbers(kept)).to.equal(kept);
  });

  it('redacts secret fields by name, at the top and nested', () => {
    const lines: string[] = [];
    const logger = memoryLogger(lines);
    logger.info({ password: 'p1-secret', body: { client_secret: 'cs-secret', refresh_token: 'rt-secret', user: { newPassword: 'np-secret' } }, req: { headers: { authorization: 'Bearer tok-secret', cookie: 'sid=ck-secret' } } }, 'fields');
    const text = lines.join('\n');
    for (const secret of ['p1-secret', 'cs-secret', 'rt-secret', 'np-secret', 'tok-secret', 'ck-secret']) expect(text).to.not.contain(secret);
    expect(text).to.contain('[redacted]').and.contain('"msg":"fields"');
  });

  it('masks ID numbers in messages, fields and error stacks', () => {
    const lines: string[] = [];
    const logger = memoryLogger(lines);
    logger.error({ err: new Error('duplicate key (id_no)=(110101199003071234)'), note: '身份证 110101199003071234' }, '申请人 110101199003071234 被拒');
    const text = lines.join('\n');
    expect(text).to.not.contain('110101199003071234');
    expect(text.match(/\[redacted\]/g)?.length).to.be.at.least(4); // msg, note, err.message, err.stack
  });

  it('masks the values a request remembered, in any line logged within it, and only there', () => {
    const lines: string[] = [];
    const logger = memoryLogger(lines);
    withSecretScope(() => {
      rememberSecrets(['E98765432', 'Passw0rd!"quoted"', 'abc']);
      logger.warn({ err: new Error('value E98765432 too long') }, 'login Passw0rd!"quoted" refused for abc');
    });
    logger.info('after the request: E98765432');
    const [inside, outside] = lines;
    expect(inside).to.not.contain('E98765432').and.not.contain('Passw0rd');
    // Too short to mask without mangling the line; such values are redacted by field name instead.
    expect(inside).to.contain('for abc');
    expect(outside).to.contain('E98765432');
  });
});
