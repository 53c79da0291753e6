/**
 * Demo catalog of one county: 铜川市印台区 (610203), Shaanxi.
 *
 * Departments and items read like a county's 政务服务事项清单, with limits in the range the laws
 * set (e.g. 食品经营许可 20 working days by law, 10 promised). It is illustrative data for the demo
 * and for tests, not the county's official list. The shapes are the bodies of
 * `PUT /api/v1/departments/{code}` and `PUT /api/v1/items/{itemCode}` plus the code itself.
 */

/** Administrative division code of the demo county. */
export const DEMO_COUNTY_CODE = '610203';

/** Name of the demo county. */
export const DEMO_COUNTY_NAME = '铜川市印台区';

/** 时限单位: working days (工作日) or calendar days (自然日). */
export type LimitUnit = 'workday' | 'calendarDay';

/** One fee an item charges (收费项目), in fen. */
export interface CatalogFee {
  code: string;
  name: string;
  amountFen: number;
}

/** A department (部门 / 实施主体): the `PUT /api/v1/departments/{code}` body plus its code. */
export interface CatalogDepartment {
  code: string;
  name: string;
}

/** A service item (政务服务事项): the `PUT /api/v1/items/{itemCode}` body plus its code. */
export interface CatalogItem {
  itemCode: string;
  name: string;
  departmentCode: string;
  /** 法定办结时限 */
  legalLimitDays: number;
  /** 承诺办结时限; 0 = 即办件 */
  promisedLimitDays: number;
  limitUnit: LimitUnit;
  /** Empty = free of charge. */
  fees: readonly CatalogFee[];
  /** 到办事现场次数 */
  promisedVisits: number;
}

/** Who applies for an item: a natural person, or an organisation whose name ends in one of `trades`. */
export type ApplicantProfile =
  | { kind: 'person' }
  | { kind: 'organisation'; trades: readonly string[] };

const SPJ = `${DEMO_COUNTY_CODE}-SPJ`;
const SCJ = `${DEMO_COUNTY_CODE}-SCJ`;
const ZRJ = `${DEMO_COUNTY_CODE}-ZRJ`;
const ZJJ = `${DEMO_COUNTY_CODE}-ZJJ`;
const JTJ = `${DEMO_COUNTY_CODE}-JTJ`;
const WJJ = `${DEMO_COUNTY_CODE}-WJJ`;
const RSJ = `${DEMO_COUNTY_CODE}-RSJ`;
const MZJ = `${DEMO_COUNTY_CODE}-MZJ`;

/** The county's departments. */
export const DEMO_DEPARTMENTS: readonly CatalogDepartment[] = [
  { code: SPJ, name: '铜川市印台区行政审批服务局' },
  { code: SCJ, name: '铜川市印台区市场监督管理局' },
  { code: ZRJ, name: '铜川市印台区自然资源局' },
  { code: ZJJ, name: '铜川市印台区住房和城乡建设局' },
  { code: JTJ, name: '铜川市印台区交通运输局' },
  { code: WJJ, name: '铜川市印台区卫生健康局' },
  { code: RSJ, name: '铜川市印台区人力资源和社会保障局' },
  { code: MZJ, name: '铜川市印台区民政局' },
];

// Item codes: county, power type (XK 行政许可, QR 行政确认, JF 行政给付, GF 公共服务,
// QT 其他行政权力), sequence.
const code = (kind: string, seq: number): string => `${DEMO_COUNTY_CODE}-${kind}-${String(seq).padStart(3, '0')}`;

const REGISTRATION_FEE: CatalogFee = { code: 'BDCDJF-ZZ', name: '不动产登记费（住宅）', amountFen: 8_000 };
const CERTIFICATE_FEE: CatalogFee = { code: 'BDCQZS-GBF', name: '不动产权证书工本费', amountFen: 1_000 };

/** The county's service items: most in working days, three in calendar days, three with fees, four 即办件. */
export const DEMO_ITEMS: readonly CatalogItem[] = [
  // 行政许可
  { itemCode: code('XK', 1), name: '食品经营许可', departmentCode: SPJ, legalLimitDays: 20, promisedLimitDays: 10, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  { itemCode: code('XK', 2), name: '药品零售企业经营许可', departmentCode: SPJ, legalLimitDays: 30, promisedLimitDays: 15, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  { itemCode: code('XK', 3), name: '建筑工程施工许可证核发', departmentCode: ZJJ, legalLimitDays: 7, promisedLimitDays: 3, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  { itemCode: code('XK', 4), name: '商品房预售许可', departmentCode: ZJJ, legalLimitDays: 10, promisedLimitDays: 5, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  { itemCode: code('XK', 5), name: '道路货物运输经营许可', departmentCode: JTJ, legalLimitDays: 20, promisedLimitDays: 5, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  { itemCode: code('XK', 6), name: '道路旅客运输经营许可', departmentCode: JTJ, legalLimitDays: 20, promisedLimitDays: 10, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  { itemCode: code('XK', 7), name: '公共场所卫生许可', departmentCode: WJJ, legalLimitDays: 20, promisedLimitDays: 5, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  { itemCode: code('XK', 8), name: '医疗机构执业登记', departmentCode: WJJ, legalLimitDays: 45, promisedLimitDays: 20, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  { itemCode: code('XK', 9), name: '医师执业注册', departmentCode: WJJ, legalLimitDays: 20, promisedLimitDays: 5, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  { itemCode: code('XK', 10), name: '建设用地规划许可证核发', departmentCode: ZRJ, legalLimitDays: 20, promisedLimitDays: 10, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  { itemCode: code('XK', 11), name: '建设工程规划许可证核发', departmentCode: ZRJ, legalLimitDays: 20, promisedLimitDays: 10, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  { itemCode: code('XK', 12), name: '人力资源服务许可', departmentCode: RSJ, legalLimitDays: 20, promisedLimitDays: 10, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  { itemCode: code('XK', 13), name: '社会团体成立登记', departmentCode: MZJ, legalLimitDays: 60, promisedLimitDays: 30, limitUnit: 'calendarDay', fees: [], promisedVisits: 1 },
  { itemCode: code('XK', 14), name: '特种设备使用登记', departmentCode: SCJ, legalLimitDays: 15, promisedLimitDays: 5, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  // 行政确认
  { itemCode: code('QR', 1), name: '个体工商户设立登记', departmentCode: SCJ, legalLimitDays: 3, promisedLimitDays: 0, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  { itemCode: code('QR', 2), name: '企业设立登记', departmentCode: SCJ, legalLimitDays: 3, promisedLimitDays: 1, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  { itemCode: code('QR', 3), name: '不动产首次登记', departmentCode: ZRJ, legalLimitDays: 30, promisedLimitDays: 5, limitUnit: 'workday', fees: [REGISTRATION_FEE], promisedVisits: 1 },
  { itemCode: code('QR', 4), name: '不动产转移登记', departmentCode: ZRJ, legalLimitDays: 30, promisedLimitDays: 3, limitUnit: 'workday', fees: [REGISTRATION_FEE, CERTIFICATE_FEE], promisedVisits: 1 },
  { itemCode: code('QR', 5), name: '不动产抵押权登记', departmentCode: ZRJ, legalLimitDays: 30, promisedLimitDays: 1, limitUnit: 'workday', fees: [REGISTRATION_FEE], promisedVisits: 0 },
  { itemCode: code('QR', 6), name: '结婚登记', departmentCode: MZJ, legalLimitDays: 0, promisedLimitDays: 0, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  // 行政给付
  { itemCode: code('JF', 1), name: '最低生活保障审批', departmentCode: MZJ, legalLimitDays: 30, promisedLimitDays: 20, limitUnit: 'calendarDay', fees: [], promisedVisits: 1 },
  { itemCode: code('JF', 2), name: '特困人员救助供养审批', departmentCode: MZJ, legalLimitDays: 20, promisedLimitDays: 15, limitUnit: 'calendarDay', fees: [], promisedVisits: 1 },
  { itemCode: code('JF', 3), name: '失业保险金申领', departmentCode: RSJ, legalLimitDays: 10, promisedLimitDays: 3, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  // 公共服务
  { itemCode: code('GF', 1), name: '城乡居民养老保险参保登记', departmentCode: RSJ, legalLimitDays: 5, promisedLimitDays: 0, limitUnit: 'workday', fees: [], promisedVisits: 0 },
  { itemCode: code('GF', 2), name: '就业创业证申领', departmentCode: RSJ, legalLimitDays: 5, promisedLimitDays: 0, limitUnit: 'workday', fees: [], promisedVisits: 1 },
  // 其他行政权力
  { itemCode: code('QT', 1), name: '建设工程竣工验收备案', departmentCode: ZJJ, legalLimitDays: 15, promisedLimitDays: 5, limitUnit: 'workday', fees: [], promisedVisits: 0 },
];

/**
 * Who applies for each demo item; an item missing here is applied for by a person.
 * Organisation names are built as county + 字号 + one of the trades.
 */
export const DEMO_APPLICANT_PROFILES: Readonly<Record<string, ApplicantProfile>> = {
  [code('XK', 1)]: { kind: 'organisation', trades: ['餐饮店', '食品商行', '便利超市', '面馆'] },
  [code('XK', 2)]: { kind: 'organisation', trades: ['大药房有限公司', '医药连锁有限公司'] },
  [code('XK', 3)]: { kind: 'organisation', trades: ['建筑工程有限公司', '建设集团有限公司'] },
  [code('XK', 4)]: { kind: 'organisation', trades: ['房地产开发有限公司', '置业有限公司'] },
  [code('XK', 5)]: { kind: 'organisation', trades: ['物流有限公司', '货物运输有限公司'] },
  [code('XK', 6)]: { kind: 'organisation', trades: ['客运有限公司', '旅游客运有限公司'] },
  [code('XK', 7)]: { kind: 'organisation', trades: ['宾馆', '洗浴中心', '美容美发店', '健身中心'] },
  [code('XK', 8)]: { kind: 'organisation', trades: ['诊所', '口腔诊所', '中医诊所'] },
  [code('XK', 10)]: { kind: 'organisation', trades: ['房地产开发有限公司', '实业有限公司'] },
  [code('XK', 11)]: { kind: 'organisation', trades: ['房地产开发有限公司', '实业有限公司'] },
  [code('XK', 12)]: { kind: 'organisation', trades: ['人力资源有限公司', '劳务派遣有限公司'] },
  [code('XK', 13)]: { kind: 'organisation', trades: ['商会', '志愿者协会', '书法家协会'] },
  [code('XK', 14)]: { kind: 'organisation', trades: ['陶瓷有限公司', '水泥有限公司', '煤业有限公司'] },
  [code('QR', 2)]: { kind: 'organisation', trades: ['商贸有限公司', '农业科技有限公司', '电子商务有限公司'] },
  [code('QT', 1)]: { kind: 'organisation', trades: ['建筑工程有限公司', '建设集团有限公司'] },
};
