import { expect } from 'chai';
import { CONCLUSION_RESULTS, STAGES } from '../../../node/cases/case-event.ts';
import { isRuleCode, RESULT_LABELS, ruleInfo, RULES, STAGE_LABELS } from '../../../node/supervision/rules/rule-catalog.ts';
import { RULE_CODES, type RuleCode } from '../../../node/supervision/rules/rule-types.ts';

describe('supervision/rule catalog', () => {
  it('lists every rule code once, in the order of RULE_CODES', () => {
    expect(RULES.map((r) => r.code)).to.deep.equal([...RULE_CODES]);
  });

  it('gives each rule version 1, a Chinese title and a one-line Chinese description', () => {
    for (const rule of RULES) {
      expect(rule.version, rule.code).to.equal(1);
      expect(rule.title, rule.code).to.match(/^[\u4e00-\u9fff]+$/);
      expect(rule.description, rule.code).to.match(/[\u4e00-\u9fff]/);
      expect(rule.description, rule.code).to.not.contain('\n');
    }
    expect(new Set(RULES.map((r) => r.title)).size).to.equal(RULES.length);
  });

  it('names the rules as the issue does', () => {
    const titles: Partial<Record<RuleCode, string>> = {
      RED_CARD: '红牌',
      YELLOW_CARD: '黄牌',
      TIME_YELLOW_LIGHT: '黄灯预警',
      PROCESS_ORDER: '环节顺序违规',
      LATE_REPORT: '数据上报不及时',
    };
    for (const [code, title] of Object.entries(titles)) expect(ruleInfo(code as RuleCode).title).to.equal(title);
  });

  it('looks rules up by code and tells codes from other strings', () => {
    expect(ruleInfo('FEE_ON_FREE_ITEM')).to.include({ code: 'FEE_ON_FREE_ITEM', version: 1, title: '免费事项收费' });
    expect(isRuleCode('RED_CARD')).to.equal(true);
    expect(isRuleCode('red_card')).to.equal(false);
    expect(() => ruleInfo('NOPE' as RuleCode)).to.throw(RangeError);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(RULES)).to.equal(true);
    expect(Object.isFrozen(RULES[0])).to.equal(true);
  });

  it('labels every stage and conclusion result', () => {
    expect(Object.keys(STAGE_LABELS).sort()).to.deep.equal([...STAGES].sort());
    expect(Object.keys(RESULT_LABELS).sort()).to.deep.equal([...CONCLUSION_RESULTS].sort());
  });
});
