/**
 * the time rules (README, 时限规则) through the HTTP API: cases reported by events, judged by the node with the
 * shipped 2025 and 2026 calendars and the default policy (yellow on the last day, cards at 1 and 4
 * overdue working days). Every expected date is worked out by hand in the comments.
 *
 * Calendar facts used below (国务院办公厅):
 *   2025: holidays 01-28..02-04, 10-01..10-08; adjusted working days Sun 01-26, Sat 02-08, Sun 09-28, Sat 10-11.
 *   2026: holidays 02-15..02-23; adjusted working days Sat 02-14, Sat 02-28.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import {
  accepted, caseNos, clock, concluded, listAll, notAccepted, postAccepted, q, redCard, resumed, setUpCatalog, stage,
  suspended, verdictAt, yellowCard,
} from '../support/api-fixtures.ts';

const MKT = 'D-MKT';
const TAX = 'D-TAX';

// The events of every case, by case number. Sent in one batch in reverse order: the node sorts them.
const sf25 = [
  accepted('V-SF25', '2025-01-23T15:00:00+08:00', 'W5', MKT),
  stage('V-SF25', '2025-01-24T09:00:00+08:00', 'undertake'),
  stage('V-SF25', '2025-02-05T10:00:00+08:00', 'review'),
];
const nd25 = [accepted('V-ND25', '2025-09-29T09:00:00+08:00', 'W5', MKT), concluded('V-ND25', '2025-10-11T16:00:00+08:00')];
const CASES = {
  'V-SF25': sf25,
  'V-ND25': nd25,
  'V-ND25L': [accepted('V-ND25L', '2025-09-26T17:00:00+08:00', 'W3', MKT), concluded('V-ND25L', '2025-10-14T10:00:00+08:00')],
  'V-PAUSE-CONC': [
    accepted('V-PAUSE-CONC', '2025-01-20T10:00:00+08:00', 'W3', MKT),
    suspended('V-PAUSE-CONC', '2025-01-21T10:00:00+08:00', 'special', { kind: 'siteInspection' }),
    concluded('V-PAUSE-CONC', '2025-02-05T10:00:00+08:00'),
  ],
  'V-CAL10': [accepted('V-CAL10', '2025-01-27T11:00:00+08:00', 'C10', MKT), concluded('V-CAL10', '2025-02-08T10:00:00+08:00')],
  'V-SF26-A': [accepted('V-SF26-A', '2026-02-13T20:00:00+08:00', 'W3', MKT)],
  'V-SF26-B': [accepted('V-SF26-B', '2026-02-13T20:00:00Z', 'W3', MKT)],
  'V-SF26-C': [accepted('V-SF26-C', '2026-02-13T10:30:00-05:00', 'W3', MKT)],
  'V-SF26-D': [accepted('V-SF26-D', '2026-02-14T01:30:00+09:00', 'W3', MKT)],
  'V-SAT': [accepted('V-SAT', '2026-02-13T09:00:00+08:00', 'W1', TAX)],
  'V-PAUSE': [
    accepted('V-PAUSE', '2026-02-09T09:00:00+08:00', 'W5', MKT),
    suspended('V-PAUSE', '2026-02-11T14:00:00+08:00', 'supplement'),
    resumed('V-PAUSE', '2026-02-25T09:00:00+08:00'),
  ],
  'V-OPEN-PAUSE': [
    accepted('V-OPEN-PAUSE', '2026-03-02T09:00:00+08:00', 'W5', MKT),
    suspended('V-OPEN-PAUSE', '2026-03-03T10:00:00+08:00', 'special', { kind: 'expertReview', plannedDays: 10, plannedUnit: 'workday' }),
  ],
  'V-CAL3': [accepted('V-CAL3', '2026-02-13T09:00:00+08:00', 'C3', TAX)],
  'V-IMM-OK': [accepted('V-IMM-OK', '2026-02-14T10:00:00+08:00', 'IMM', TAX), concluded('V-IMM-OK', '2026-02-14T16:00:00+08:00')],
  'V-IMM-LATE': [accepted('V-IMM-LATE', '2026-02-13T17:00:00+08:00', 'IMM', TAX)],
  // Accepted and concluded in the same second, the conclusion listed first.
  'V-IMM-SAME': [concluded('V-IMM-SAME', '2026-03-03T10:00:00+08:00'), accepted('V-IMM-SAME', '2026-03-03T10:00:00+08:00', 'IMM', TAX)],
  'V-OVR': [accepted('V-OVR', '2026-03-02T09:00:00+08:00', 'W5', MKT, { promisedLimitDays: 2 })],
  'V-NA': [notAccepted('V-NA', '2026-03-02T11:00:00+08:00', 'W5', MKT)],
  'V-PEND': [stage('V-PEND', '2026-03-02T10:00:00+08:00', 'undertake')],
  'V-GREEN': [accepted('V-GREEN', '2026-03-04T10:00:00+08:00', 'W5', MKT)],
  'V-YELLOW': [accepted('V-YELLOW', '2026-03-04T15:00:00+08:00', 'W1', TAX)],
};
const ALL_CASES = Object.keys(CASES).sort();

// Instants the lists and the board are asked about.
const T0 = '2025-10-10T10:00:00+08:00'; // during the National Day cases, before both conclusions
const T2 = '2026-02-20T10:00:00+08:00'; // 2026 Spring Festival, V-PAUSE still suspended
const T = '2026-03-05T10:00:00+08:00'; // after every event

describe('integration: verdicts through the API (the time rules (README, 时限规则))', function () {
  let node: TestNode;
  const at = (caseNo: string, instant: string) => verdictAt(node, caseNo, instant);

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, { [MKT]: '市场监督管理局', [TAX]: '税务局' }, [
      { itemCode: 'W5', departmentCode: MKT, legalLimitDays: 20, promisedLimitDays: 5 },
      { itemCode: 'W3', departmentCode: MKT, legalLimitDays: 10, promisedLimitDays: 3 },
      { itemCode: 'C10', departmentCode: MKT, legalLimitDays: 30, promisedLimitDays: 10, limitUnit: 'calendarDay' },
      { itemCode: 'W1', departmentCode: TAX, legalLimitDays: 5, promisedLimitDays: 1 },
      { itemCode: 'C3', departmentCode: TAX, legalLimitDays: 5, promisedLimitDays: 3, limitUnit: 'calendarDay' },
      { itemCode: 'IMM', departmentCode: TAX, legalLimitDays: 1, promisedLimitDays: 0 },
    ]);
    await postAccepted(node, Object.values(CASES).flat().reverse());
  });

  after(async () => {
    await node?.close();
  });

  describe('2025 Spring Festival: V-SF25, 5 working days from Thursday 01-23', () => {
    // Counting days: 01-24 (1), Sunday 01-26 adjusted working (2), 01-27 (3), [01-28..02-04 holiday],
    // 02-05 (4), 02-06 (5) = deadline. Overdue: 02-07 (1: yellow card), Saturday 02-08 adjusted (2),
    // 02-10 (3), 02-11 (4: red card).
    it('gives the whole verdict with the events counted by then', async () => {
      expect(await at('V-SF25', '2025-01-25T12:00:00+08:00')).to.deep.equal({
        caseNo: 'V-SF25', itemCode: 'W5', departmentCode: MKT, status: 'open', stage: 'undertake',
        acceptedAt: '2025-01-23T15:00:00+08:00', limitDays: 5, limitUnit: 'workday', deadline: '2025-02-06',
        remainingDays: 4, // 01-26, 01-27, 02-05, 02-06
        overdueDays: 0, light: 'green', cards: [], concludedAt: null, result: null, onTime: null, early: null,
        events: [sf25[0], sf25[1]], // the review of 02-05 has not happened yet
      });
    });

    it('is green through the holiday with 2 days left (02-05, 02-06)', async () => {
      const v = await at('V-SF25', '2025-02-01T12:00:00+08:00');
      expect(clock(v)).to.deep.equal({ status: 'open', deadline: '2025-02-06', remainingDays: 2, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null });
      expect(v.stage).to.equal('undertake');
    });

    it('is yellow on the deadline and red with a yellow card the next working day', async () => {
      const yellow = await at('V-SF25', '2025-02-06T09:00:00+08:00');
      expect([yellow.light, yellow.remainingDays, yellow.overdueDays, yellow.stage]).to.deep.equal(['yellow', 0, 0, 'review']);
      // 23:59:59 on 02-06 in Shanghai is 15:59:59Z: still the deadline day.
      expect((await at('V-SF25', '2025-02-06T15:59:59Z')).light).to.equal('yellow');
      expect(clock(await at('V-SF25', '2025-02-06T16:00:00Z'))).to.deep.equal({
        status: 'open', deadline: '2025-02-06', remainingDays: 0, overdueDays: 1, light: 'red', cards: [yellowCard('2025-02-07')], onTime: null, early: null,
      });
    });

    it('counts the adjusted Saturday 02-08 as overdue, not Sunday 02-09, and gives the red card on 02-11', async () => {
      expect((await at('V-SF25', '2025-02-09T12:00:00+08:00')).overdueDays).to.equal(2);
      const v10 = await at('V-SF25', '2025-02-10T12:00:00+08:00');
      expect([v10.overdueDays, v10.cards]).to.deep.equal([3, [yellowCard('2025-02-07')]]);
      const v11 = await at('V-SF25', '2025-02-11T08:00:00+08:00');
      expect([v11.overdueDays, v11.cards]).to.deep.equal([4, [yellowCard('2025-02-07'), redCard('2025-02-11')]]);
    });
  });

  describe('2025 National Day', () => {
    // V-ND25, 5 working days from Monday 09-29: 09-30 (1), [10-01..10-08], 10-09 (2), 10-10 (3),
    // Saturday 10-11 adjusted (4), 10-13 (5) = deadline. Concluded Saturday 10-11 16:00: early.
    it('counts down over the holiday and the adjusted Saturday', async () => {
      const v = await at('V-ND25', '2025-10-01T10:00:00+08:00');
      expect(clock(v)).to.deep.equal({ status: 'open', deadline: '2025-10-13', remainingDays: 4, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null });
    });

    it('counts the conclusion only from the instant it occurred', async () => {
      const before = await at('V-ND25', '2025-10-11T15:59:59+08:00');
      expect(clock(before)).to.deep.equal({ status: 'open', deadline: '2025-10-13', remainingDays: 1, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null });
      expect(before.events).to.deep.equal([nd25[0]]);
      const after = await at('V-ND25', '2025-10-11T16:00:00+08:00');
      expect(after).to.deep.equal({
        caseNo: 'V-ND25', itemCode: 'W5', departmentCode: MKT, status: 'concluded', stage: null,
        acceptedAt: '2025-09-29T09:00:00+08:00', limitDays: 5, limitUnit: 'workday', deadline: '2025-10-13',
        remainingDays: null, overdueDays: 0, light: null, cards: [], concludedAt: '2025-10-11T16:00:00+08:00',
        result: 'approved', onTime: true, early: true, events: nd25,
      });
    });

    // V-ND25L, 3 working days from Friday 09-26: Sunday 09-28 adjusted (1), 09-29 (2), 09-30 (3) = deadline.
    // Overdue: 10-09 (1), 10-10 (2), Saturday 10-11 (3), 10-13 (4), 10-14 (5). Concluded 10-14.
    it('is red without overdue days through the holiday, then earns its cards', async () => {
      expect(clock(await at('V-ND25L', '2025-10-08T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2025-09-30', remainingDays: 0, overdueDays: 0, light: 'red', cards: [], onTime: null, early: null,
      });
      expect(clock(await at('V-ND25L', '2025-10-13T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2025-09-30', remainingDays: 0, overdueDays: 4, light: 'red',
        cards: [yellowCard('2025-10-09'), redCard('2025-10-13')], onTime: null, early: null,
      });
    });

    it('keeps the cards of a late conclusion, counted to the conclusion date', async () => {
      expect(clock(await at('V-ND25L', '2026-01-01T10:00:00+08:00'))).to.deep.equal({
        status: 'concluded', deadline: '2025-09-30', remainingDays: null, overdueDays: 5, light: null,
        cards: [yellowCard('2025-10-09'), redCard('2025-10-13')], onTime: false, early: false,
      });
    });
  });

  describe('2026 Spring Festival, the adjusted Saturday 02-14, and offsets', () => {
    // 3 working days. Accepted on 02-13 (Shanghai): Saturday 02-14 (1), [02-15..02-23], 02-24 (2), 02-25 (3).
    // Accepted on 02-14 (Shanghai): 02-24 (1), 02-25 (2), 02-26 (3).
    it('takes the acceptance date in Shanghai whatever the offset it was sent with', async () => {
      const expected = {
        // 20:00 Shanghai on Friday 02-13.
        'V-SF26-A': ['2026-02-13T20:00:00+08:00', '2026-02-25'],
        // 20:00Z is 04:00 on Saturday 02-14 in Shanghai.
        'V-SF26-B': ['2026-02-13T20:00:00Z', '2026-02-26'],
        // 10:30 in New York is 15:30Z, 23:30 on 02-13 in Shanghai.
        'V-SF26-C': ['2026-02-13T10:30:00-05:00', '2026-02-25'],
        // 01:30 in Tokyo on 02-14 is 16:30Z on 02-13, 00:30 on 02-14 in Shanghai.
        'V-SF26-D': ['2026-02-14T01:30:00+09:00', '2026-02-26'],
      };
      for (const [caseNo, [acceptedAt, deadline]] of Object.entries(expected)) {
        const v = await at(caseNo, '2026-02-20T10:00:00+08:00');
        expect([caseNo, v.acceptedAt, v.deadline, v.light], caseNo).to.deep.equal([caseNo, acceptedAt, deadline, 'green']);
        // Remaining on 02-20: 02-24, 02-25 (and 02-26).
        expect(v.remainingDays, caseNo).to.equal(deadline === '2026-02-25' ? 2 : 3);
      }
    });

    it('reads `at` in Shanghai too: 2026-02-25T16:00:00Z is already 02-26', async () => {
      // A: deadline 02-25; overdue 02-26 (1). B: deadline 02-26.
      expect(clock(await at('V-SF26-A', '2026-02-25T15:59:59Z'))).to.deep.equal({
        status: 'open', deadline: '2026-02-25', remainingDays: 0, overdueDays: 0, light: 'yellow', cards: [], onTime: null, early: null,
      });
      expect(clock(await at('V-SF26-A', '2026-02-25T16:00:00Z'))).to.deep.equal({
        status: 'open', deadline: '2026-02-25', remainingDays: 0, overdueDays: 1, light: 'red', cards: [yellowCard('2026-02-26')], onTime: null, early: null,
      });
      expect(clock(await at('V-SF26-B', '2026-02-25T15:59:59Z'))).to.deep.equal({
        status: 'open', deadline: '2026-02-26', remainingDays: 1, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
      expect(clock(await at('V-SF26-B', '2026-02-26T01:00:00+09:00'))).to.deep.equal({
        status: 'open', deadline: '2026-02-26', remainingDays: 0, overdueDays: 0, light: 'yellow', cards: [], onTime: null, early: null,
      });
    });

    it('counts the adjusted Saturday 02-28 as an overdue day', async () => {
      // A: 02-26 (1), 02-27 (2), Saturday 02-28 (3), Monday 03-02 (4: red card).
      // B: 02-27 (1), 02-28 (2), 03-02 (3).
      const a = await at('V-SF26-A', '2026-03-02T10:00:00+08:00');
      expect([a.overdueDays, a.cards]).to.deep.equal([4, [yellowCard('2026-02-26'), redCard('2026-03-02')]]);
      const b = await at('V-SF26-B', '2026-03-02T10:00:00+08:00');
      expect([b.overdueDays, b.cards]).to.deep.equal([3, [yellowCard('2026-02-27')]]);
      expect((await at('V-SF26-B', '2026-03-01T10:00:00+08:00')).overdueDays).to.equal(2); // Sunday 03-01 is off
    });

    it('is due on Saturday 02-14 for one working day from Friday 02-13, red through the holiday without cards', async () => {
      const v = await at('V-SAT', '2026-02-14T12:00:00+08:00');
      expect(clock(v)).to.deep.equal({ status: 'open', deadline: '2026-02-14', remainingDays: 0, overdueDays: 0, light: 'yellow', cards: [], onTime: null, early: null });
      expect(clock(await at('V-SAT', '2026-02-23T23:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2026-02-14', remainingDays: 0, overdueDays: 0, light: 'red', cards: [], onTime: null, early: null,
      });
      // Overdue 02-24 (1), 02-25, 02-26, 02-27 (4: red card).
      const late = await at('V-SAT', '2026-02-27T09:00:00+08:00');
      expect([late.overdueDays, late.cards]).to.deep.equal([4, [yellowCard('2026-02-24'), redCard('2026-02-27')]]);
    });
  });

  describe('pauses', () => {
    // V-PAUSE, 5 working days from Monday 02-09: 02-10 (1), 02-11 (2); suspended 02-11 and resumed
    // 02-25, removing (02-11, 02-25]; then 02-26 (3), 02-27 (4), Saturday 02-28 adjusted (5) = deadline.
    // Overdue: 03-02 (1), 03-03, 03-04, 03-05 (4).
    it('runs on the unpaused deadline 02-14 before the suspension occurred', async () => {
      // Without the pause: 02-10, 02-11, 02-12, 02-13, Saturday 02-14.
      const v = await at('V-PAUSE', '2026-02-11T12:00:00+08:00');
      expect(clock(v)).to.deep.equal({ status: 'open', deadline: '2026-02-14', remainingDays: 3, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null });
      expect(v.events).to.have.length(1);
    });

    it('is paused with a pending deadline while suspended', async () => {
      expect(clock(await at('V-PAUSE', '2026-02-20T10:00:00+08:00'))).to.deep.equal({
        status: 'paused', deadline: null, remainingDays: null, overdueDays: null, light: 'paused', cards: [], onTime: null, early: null,
      });
    });

    it('moves the deadline past the holiday to the adjusted Saturday 02-28 once resumed', async () => {
      expect(clock(await at('V-PAUSE', '2026-02-26T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2026-02-28', remainingDays: 2, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
      expect((await at('V-PAUSE', '2026-02-28T10:00:00+08:00')).light).to.equal('yellow');
      expect(clock(await at('V-PAUSE', '2026-03-05T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2026-02-28', remainingDays: 0, overdueDays: 4, light: 'red',
        cards: [yellowCard('2026-03-02'), redCard('2026-03-05')], onTime: null, early: null,
      });
    });

    it('keeps an open suspension paused indefinitely', async () => {
      // Before the suspension of 03-03 10:00: 03-03 (1) .. 03-09 (5), 4 left after 03-03.
      expect(clock(await at('V-OPEN-PAUSE', '2026-03-03T09:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2026-03-09', remainingDays: 4, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
      expect(clock(await at('V-OPEN-PAUSE', '2026-06-01T10:00:00+08:00'))).to.deep.equal({
        status: 'paused', deadline: null, remainingDays: null, overdueDays: null, light: 'paused', cards: [], onTime: null, early: null,
      });
    });

    it('closes a suspension with the conclusion: V-PAUSE-CONC is early by the moved deadline', async () => {
      // 3 working days from Monday 2025-01-20: 01-21 (1); suspended 01-21, concluded 02-05 removes
      // (01-21, 02-05]; 02-06 (2), 02-07 (3) = deadline. Without the pause it was due 01-23.
      expect(clock(await at('V-PAUSE-CONC', '2025-01-25T10:00:00+08:00'))).to.deep.equal({
        status: 'paused', deadline: null, remainingDays: null, overdueDays: null, light: 'paused', cards: [], onTime: null, early: null,
      });
      expect(clock(await at('V-PAUSE-CONC', '2025-03-01T10:00:00+08:00'))).to.deep.equal({
        status: 'concluded', deadline: '2025-02-07', remainingDays: null, overdueDays: 0, light: null, cards: [], onTime: true, early: true,
      });
    });
  });

  describe('calendar-day items', () => {
    // V-CAL10, 10 calendar days from Monday 2025-01-27: 01-28 .. 02-06, holidays included.
    // Overdue in working days: 02-07 (1), Saturday 02-08 (2). Concluded 02-08.
    it('count every date, holidays too', async () => {
      const v = await at('V-CAL10', '2025-01-31T10:00:00+08:00');
      expect([v.limitUnit, v.limitDays]).to.deep.equal(['calendarDay', 10]);
      expect(clock(v)).to.deep.equal({ status: 'open', deadline: '2025-02-06', remainingDays: 6, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null });
      expect((await at('V-CAL10', '2025-02-06T10:00:00+08:00')).light).to.equal('yellow');
    });

    it('count overdue days in working days and keep the card after a late conclusion', async () => {
      expect(clock(await at('V-CAL10', '2025-03-01T10:00:00+08:00'))).to.deep.equal({
        status: 'concluded', deadline: '2025-02-06', remainingDays: null, overdueDays: 2, light: null, cards: [yellowCard('2025-02-07')], onTime: false, early: false,
      });
    });

    it('move a deadline in a holiday run to the next working day: V-CAL3 from 2026-02-13 (3rd day 02-16) is due 02-24', async () => {
      // 02-16 is inside the 2026 Spring Festival (02-15..02-23): 民法典第二百零三条 moves the deadline
      // to Tuesday 02-24; the holidays up to it are remaining days, the working days after it overdue.
      expect(clock(await at('V-CAL3', '2026-02-20T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2026-02-24', remainingDays: 4, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
      expect(clock(await at('V-CAL3', '2026-02-24T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2026-02-24', remainingDays: 0, overdueDays: 0, light: 'yellow', cards: [], onTime: null, early: null,
      });
      const v = await at('V-CAL3', '2026-02-25T10:00:00+08:00');
      expect([v.light, v.overdueDays, v.cards]).to.deep.equal(['red', 1, [yellowCard('2026-02-25')]]);
    });
  });

  describe('immediate items (limit 0)', () => {
    it('are on time when concluded the day they are accepted, even on the adjusted Saturday', async () => {
      expect(clock(await at('V-IMM-OK', '2026-03-01T10:00:00+08:00'))).to.deep.equal({
        status: 'concluded', deadline: '2026-02-14', remainingDays: null, overdueDays: 0, light: null, cards: [], onTime: true, early: false,
      });
    });

    it('are yellow on the acceptance date and overdue from the next working day', async () => {
      // Accepted Friday 02-13: overdue Saturday 02-14 (1), 02-24 (2), 02-25 (3), 02-26 (4).
      expect(clock(await at('V-IMM-LATE', '2026-02-13T18:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2026-02-13', remainingDays: 0, overdueDays: 0, light: 'yellow', cards: [], onTime: null, early: null,
      });
      const v = await at('V-IMM-LATE', '2026-02-14T09:00:00+08:00');
      expect([v.light, v.overdueDays, v.cards]).to.deep.equal(['red', 1, [yellowCard('2026-02-14')]]);
      const later = await at('V-IMM-LATE', '2026-02-26T09:00:00+08:00');
      expect([later.overdueDays, later.cards]).to.deep.equal([4, [yellowCard('2026-02-14'), redCard('2026-02-26')]]);
    });

    it('fold an acceptance and a conclusion of the same second in that order, whatever the delivery order', async () => {
      const v = await at('V-IMM-SAME', '2026-03-03T10:00:00+08:00');
      expect([v.status, v.deadline, v.onTime, v.early, v.result]).to.deep.equal(['concluded', '2026-03-03', true, false, 'approved']);
      expect(v.events.map((e: { type: string }) => e.type)).to.deep.equal(['accepted', 'concluded']);
    });
  });

  describe('intake', () => {
    it('runs on the accepted event\'s own limit when it overrides the item', async () => {
      // 2 working days from Monday 03-02: 03-03, 03-04.
      const v = await at('V-OVR', '2026-03-04T09:00:00+08:00');
      expect([v.limitDays, v.limitUnit, v.deadline, v.remainingDays, v.light]).to.deep.equal([2, 'workday', '2026-03-04', 0, 'yellow']);
    });

    it('has nothing time-related for a case refused at intake', async () => {
      const v = await at('V-NA', '2026-03-05T10:00:00+08:00');
      expect(v).to.deep.include({ status: 'notAccepted', itemCode: 'W5', departmentCode: MKT, acceptedAt: null, concludedAt: null, result: null });
      expect(clock(v)).to.deep.equal({ status: 'notAccepted', deadline: null, remainingDays: null, overdueDays: null, light: null, cards: [], onTime: null, early: null });
    });

    it('keeps a case with no intake pending', async () => {
      const v = await at('V-PEND', '2026-03-05T10:00:00+08:00');
      expect([v.status, v.stage, v.light, v.deadline, v.events.length]).to.deep.equal(['pending', null, null, null, 1]);
    });

    it('counts nothing before the acceptance occurred: the case did not exist yet (404, as the list leaves it out)', async () => {
      const before = await node.api('GET', `/api/v1/cases/V-GREEN?at=${q('2026-03-04T09:59:59+08:00')}`);
      expect(before.status).to.equal(404);
      expect(before.body.error.code).to.equal('NOT_FOUND');
      const accepted = await at('V-GREEN', '2026-03-04T10:00:00+08:00');
      expect(accepted.status).to.equal('open');
    });

    it('answers 404 for a case the node does not have', async () => {
      const answer = await node.api('GET', `/api/v1/cases/NOPE?at=${q(T)}`);
      expect(answer.status).to.equal(404);
      expect(answer.body.error).to.deep.include({ code: 'NOT_FOUND', details: { caseNo: 'NOPE' } });
    });
  });

  describe('lists and the board', () => {
    const list = async (query: string, instant: string) => caseNos(await listAll(node, `at=${q(instant)}${query ? `&${query}` : ''}`));

    it('list exactly the verdicts of single cases, at the present and at past instants, page by page', async () => {
      for (const instant of [T0, T2, T]) {
        const full = await listAll(node, `at=${q(instant)}`);
        for (const item of full) {
          const { events, ...single } = await at(item.caseNo as string, instant);
          expect(events).to.be.an('array');
          expect(item, `${String(item.caseNo)} at ${instant}`).to.deep.equal(single);
        }
        expect(await listAll(node, `at=${q(instant)}`, 2), `pages of 2 at ${instant}`).to.deep.equal(full);
        expect(await listAll(node, `at=${q(instant)}`, 3), `pages of 3 at ${instant}`).to.deep.equal(full);
      }
    });

    it('list only the cases that existed at the instant', async () => {
      expect(await list('', T)).to.deep.equal(ALL_CASES);
      expect(ALL_CASES).to.have.length(21);
      expect(await list('', T0)).to.deep.equal(['V-CAL10', 'V-ND25', 'V-ND25L', 'V-PAUSE-CONC', 'V-SF25']);
    });

    it('filter by light and status at the present instant', async () => {
      expect(await list('light=red', T)).to.deep.equal([
        'V-CAL3', 'V-IMM-LATE', 'V-OVR', 'V-PAUSE', 'V-SAT', 'V-SF25', 'V-SF26-A', 'V-SF26-B', 'V-SF26-C', 'V-SF26-D',
      ]);
      expect(await list('light=green', T)).to.deep.equal(['V-GREEN']); // due 03-11
      expect(await list('light=yellow', T)).to.deep.equal(['V-YELLOW']); // 1 working day from 03-04: due 03-05
      expect(await list('light=paused', T)).to.deep.equal(['V-OPEN-PAUSE']);
      expect(await list('status=concluded', T)).to.deep.equal(['V-CAL10', 'V-IMM-OK', 'V-IMM-SAME', 'V-ND25', 'V-ND25L', 'V-PAUSE-CONC']);
      expect(await list('status=paused', T)).to.deep.equal(['V-OPEN-PAUSE']);
      expect(await list('status=pending', T)).to.deep.equal(['V-PEND']);
      expect(await list('status=notAccepted', T)).to.deep.equal(['V-NA']);
    });

    it('filter by department and item, combined with light and status', async () => {
      expect(await list(`departmentCode=${TAX}&light=red`, T)).to.deep.equal(['V-CAL3', 'V-IMM-LATE', 'V-SAT']);
      expect(await list(`departmentCode=${TAX}`, T)).to.deep.equal(['V-CAL3', 'V-IMM-LATE', 'V-IMM-OK', 'V-IMM-SAME', 'V-SAT', 'V-YELLOW']);
      expect(await list('itemCode=W3', T)).to.deep.equal(['V-ND25L', 'V-PAUSE-CONC', 'V-SF26-A', 'V-SF26-B', 'V-SF26-C', 'V-SF26-D']);
      expect(await list('itemCode=W5&status=open', T)).to.deep.equal(['V-GREEN', 'V-OVR', 'V-PAUSE', 'V-SF25']);
      expect(await list('itemCode=NONE', T)).to.deep.equal([]);
    });

    it('filter at past instants by the facts of then, though events came later', async () => {
      // T0 2025-10-10: V-ND25 open and green (10-11, 10-13 left), V-ND25L red (overdue 10-09, 10-10).
      expect(await list('status=open', T0)).to.deep.equal(['V-ND25', 'V-ND25L', 'V-SF25']);
      expect(await list('light=green', T0)).to.deep.equal(['V-ND25']);
      expect(await list('light=red', T0)).to.deep.equal(['V-ND25L', 'V-SF25']);
      expect(await list('status=concluded', T0)).to.deep.equal(['V-CAL10', 'V-PAUSE-CONC']);
      // T2 2026-02-20: V-PAUSE was suspended; the 02-13/14 cases due 02-24/25/26 were green.
      expect(await list('light=paused', T2)).to.deep.equal(['V-PAUSE']);
      expect(await list('status=paused', T2)).to.deep.equal(['V-PAUSE']);
      expect(await list('light=green', T2)).to.deep.equal(['V-CAL3', 'V-SF26-A', 'V-SF26-B', 'V-SF26-C', 'V-SF26-D']);
      expect(await list('light=red', T2)).to.deep.equal(['V-IMM-LATE', 'V-SAT', 'V-SF25']);
      expect(await list('status=concluded', T2)).to.deep.equal(['V-CAL10', 'V-IMM-OK', 'V-ND25', 'V-ND25L', 'V-PAUSE-CONC']);
    });

    it('count open cases by light and cards, overall and per department, at the present instant', async () => {
      const answer = await node.api('GET', `/api/v1/board?at=${q(T)}`);
      expect(answer.status).to.equal(200);
      // MKT: V-SF25, V-SF26-A..D, V-PAUSE (red, both cards), V-OVR (red, overdue 1: yellow card only),
      //      V-GREEN (green), V-OPEN-PAUSE (paused).
      // TAX: V-SAT, V-CAL3, V-IMM-LATE (red, both cards), V-YELLOW (yellow).
      expect(answer.body).to.deep.equal({
        at: '2026-03-05T10:00:00.000+08:00',
        date: '2026-03-05',
        overall: { open: 13, green: 1, yellow: 1, red: 10, paused: 1, yellowCards: 10, redCards: 9 },
        departments: [
          { departmentCode: MKT, open: 9, green: 1, yellow: 0, red: 7, paused: 1, yellowCards: 7, redCards: 6 },
          { departmentCode: TAX, open: 4, green: 0, yellow: 1, red: 3, paused: 0, yellowCards: 3, redCards: 3 },
        ],
      });
    });

    it('count the cases of a past instant as they stood then', async () => {
      // T0: V-SF25 red (both cards), V-ND25 green, V-ND25L red (yellow card 10-09; red only on 10-13).
      expect((await node.api('GET', `/api/v1/board?at=${q(T0)}`)).body).to.deep.equal({
        at: '2025-10-10T10:00:00.000+08:00',
        date: '2025-10-10',
        overall: { open: 3, green: 1, yellow: 0, red: 2, paused: 0, yellowCards: 2, redCards: 1 },
        departments: [{ departmentCode: MKT, open: 3, green: 1, yellow: 0, red: 2, paused: 0, yellowCards: 2, redCards: 1 }],
      });
      // T2: MKT V-SF25 red (both cards), V-SF26-A..D green, V-PAUSE paused; TAX V-SAT red without
      // overdue days, V-CAL3 green (due 02-24, after the holiday), V-IMM-LATE red with a yellow card
      // (overdue Saturday 02-14).
      expect((await node.api('GET', `/api/v1/board?at=${q(T2)}`)).body).to.deep.equal({
        at: '2026-02-20T10:00:00.000+08:00',
        date: '2026-02-20',
        overall: { open: 9, green: 5, yellow: 0, red: 3, paused: 1, yellowCards: 2, redCards: 1 },
        departments: [
          { departmentCode: MKT, open: 6, green: 4, yellow: 0, red: 1, paused: 1, yellowCards: 1, redCards: 1 },
          { departmentCode: TAX, open: 3, green: 1, yellow: 0, red: 2, paused: 0, yellowCards: 1, redCards: 0 },
        ],
      });
    });

    it('agree with the lists: the board is the count of the light filters', async () => {
      for (const instant of [T0, T2, T]) {
        const board = (await node.api('GET', `/api/v1/board?at=${q(instant)}`)).body;
        for (const light of ['green', 'yellow', 'red', 'paused'] as const) {
          expect((await list(`light=${light}`, instant)).length, `${light} at ${instant}`).to.equal(board.overall[light]);
        }
      }
    });
  });
});
