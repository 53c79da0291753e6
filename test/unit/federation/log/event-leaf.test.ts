import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { eventLeafData, eventLeafHash } from '../../../../federation/log/event-leaf.ts';

describe('federation/log event-leaf', () => {
  it('is the UTF-8 of the RFC 8785 canonical JSON: sorted keys, no whitespace, ECMAScript numbers', () => {
    const event = { type: 'accepted', caseNo: '610203-0001', occurredAt: '2025-03-03T09:00:00+08:00', payload: { z: 1.0, a: [1e21, 0.000001, -0, 1e-7] } };
    expect(eventLeafData(event).toString('utf8')).to.equal(
      '{"caseNo":"610203-0001","occurredAt":"2025-03-03T09:00:00+08:00","payload":{"a":[1e+21,0.000001,0,1e-7],"z":1},"type":"accepted"}',
    );
  });

  it('sorts keys by UTF-16 code units (the RFC 8785 3.2.3 example)', () => {
    const event = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(eventLeafData(event).toString('utf8')).to.equal(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('hashes the same event the same whatever its key order, with the 0x00 leaf prefix', () => {
    const a = eventLeafHash({ eventId: 'e-1', department: '县市场监管局', fee: 0, stages: [1, 2, 3] });
    const b = eventLeafHash({ stages: [1, 2, 3], fee: 0, department: '县市场监管局', eventId: 'e-1' });
    expect(a.equals(b)).to.equal(true);
    const data = Buffer.from('{"department":"县市场监管局","eventId":"e-1","fee":0,"stages":[1,2,3]}', 'utf8');
    expect(a.toString('hex')).to.equal(createHash('sha256').update(Buffer.concat([Buffer.of(0), data])).digest('hex'));
    expect(eventLeafHash({ eventId: 'e-2' }).equals(a)).to.equal(false);
  });

  it('refuses what UTF-8 or JSON cannot carry faithfully', () => {
    expect(() => eventLeafData({ note: 'lone \ud800 surrogate' })).to.throw();
    expect(() => eventLeafData({ ['\udc00']: 1 })).to.throw();
    expect(() => eventLeafData({ n: NaN })).to.throw();
    expect(() => eventLeafData({ n: Infinity })).to.throw();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => eventLeafData(loop)).to.throw();
  });
});
