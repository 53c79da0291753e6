import { expect } from 'chai';
import { mulberry32 } from '../../../node/demo/case-scenarios.ts';
import type { CaseEvent } from '../../../node/cases/case-event.ts';
import { continueFold, foldCaseEvents } from '../../../node/timelimits/case-facts.ts';
import { accepted, concluded, fee, notAccepted, resumed, stage, suspended } from './fixtures.ts';

/** Deterministic pseudo-random histories (mulberry32): every kind of event, ties and repeats included. */
function histories(seed: number): () => CaseEvent[] {
  const next = mulberry32(seed);
  const makers = [
    (at: string) => accepted(at, next() < 0.3 ? { promisedLimitDays: 2 } : {}),
    (at: string) => notAccepted(at),
    (at: string) => stage(at, (['undertake', 'review', 'approve'] as const)[Math.floor(next() * 3)]!),
    (at: string) => fee(at),
    (at: string) => suspended(at, next() < 0.5 ? 'supplement' : 'special'),
    (at: string) => resumed(at),
    (at: string) => concluded(at),
  ];
  return () => {
    const events: CaseEvent[] = [];
    let ms = Date.parse('2025-03-03T01:00:00Z');
    for (let i = Math.floor(next() * 9); i >= 0; i--) {
      // Some events share an instant, so the fold's tie order is exercised too.
      if (next() > 0.2) ms += Math.floor(next() * 3) * 86_400_000 + Math.floor(next() * 8) * 3_600_000;
      const event = makers[Math.floor(next() * makers.length)]!(new Date(ms).toISOString());
      events.push({ ...event, eventId: `E-${i}-${Math.floor(next() * 1000)}` });
    }
    return events;
  };
}

describe('timelimits/continueFold', () => {
  it('gives the facts of folding every event, for 5,000 histories split wherever the later part is strictly later', () => {
    const next = histories(20261204);
    let splits = 0;
    for (let n = 0; n < 5000; n++) {
      const events = next();
      const whole = foldCaseEvents(events);
      const times = events.map((event) => Date.parse(event.occurredAt));
      for (let cut = 0; cut <= events.length; cut++) {
        const boundary = Math.max(...times.slice(0, cut), Number.NEGATIVE_INFINITY);
        const earlier = events.filter((_, i) => times[i]! <= boundary && (cut > 0));
        const later = events.filter((_, i) => !(times[i]! <= boundary && cut > 0));
        if (later.some((event) => Date.parse(event.occurredAt) <= boundary)) continue;
        expect(continueFold(foldCaseEvents(earlier), later), JSON.stringify(events)).to.deep.equal(whole);
        splits += 1;
      }
    }
    expect(splits).to.be.greaterThan(20_000);
  });

  it('refuses an event that is not strictly after the folded instant, and leaves the folded facts alone', () => {
    const folded = foldCaseEvents([accepted('2025-03-03T09:00:00+08:00'), suspended('2025-03-04T09:00:00+08:00', 'supplement')]);
    const copy = structuredClone(folded);
    expect(() => continueFold(folded, [stage('2025-03-04T09:00:00+08:00', 'review')])).to.throw(RangeError);
    expect(continueFold(folded, [resumed('2025-03-05T09:00:00+08:00')]).status).to.equal('open');
    expect(folded).to.deep.equal(copy);
  });
});
