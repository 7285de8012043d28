import * as t from 'io-ts';
import { partialOf, struct } from './struct';
import { IsoDate, Money, NonEmpty, Personal } from './values';

// 客户档案表 (DOMAIN.md §1). The archive's descriptive content, grouped as the seeds group it.

/** 公司性质 */
export const Nature = t.keyof(
  {
    listed: null,
    private_limited: null,
    sino_foreign_jv: null,
    wholly_foreign_owned: null,
    state_owned: null,
  },
  'Nature',
);
/** 同业地位 */
export const Standing = t.keyof(
  { leader: null, influential: null, medium: null, small: null, other: null },
  'Standing',
);
/** 客户来源: the eight channels of 000 §三.1 */
export const Source = t.keyof(
  {
    online: null, // 网上信息收集
    advertising: null, // 宣传广告和产品广告
    transactions: null, // 同客户的交易记录
    associations: null, // 行业协会或行政管理部门
    sales_visits: null, // 市场调查和客户访问
    questionnaire: null, // 客户资料表
    agency: null, // 专业调查机构
    other: null, // 其他渠道
  },
  'Source',
);
/** 客户状态 */
export const CustomerStatus = t.keyof(
  { potential: null, intended: null, active: null, paused: null, lost: null },
  'CustomerStatus',
);
export type CustomerStatus = t.TypeOf<typeof CustomerStatus>;

export const Company = struct(
  'Company',
  { name: NonEmpty }, // 客户名称
  {
    shortName: t.string,
    creditCode: t.string, // 统一社会信用代码
    address: t.string, // 地址
    postalCode: t.string, // 邮编
    phone: t.string, // 电话
    fax: t.string, // 传真
    email: t.string,
    website: t.string,
    foundedOn: IsoDate, // 成立日期
    registeredCapital: Money, // 注册资金
    mainShareholders: t.array(t.string), // 主要股东
    bank: t.string, // 开户行
    bankAccount: Personal(t.string), // 账号 — personal information
    legalRepresentative: t.string,
    businessScope: t.string, // 经营范围
  },
);
export type Company = t.TypeOf<typeof Company>;

export const Classification = struct(
  'Classification',
  { industry: NonEmpty, region: NonEmpty, nature: Nature, status: CustomerStatus },
  {
    standing: Standing,
    size: t.string,
    staff: struct('StaffCounts', {}, { total: t.number, chinese: t.number, foreign: t.number }),
    source: Source,
  },
);
export type Classification = t.TypeOf<typeof Classification>;

export const PersonRole = t.keyof({ legal_person: null, principal: null, main_contact: null }, 'PersonRole');

/** A person of the customer's (法人 / 主要负责人 / 主要联系人): personal information, all of it. */
export const Person = struct(
  'Person',
  { role: PersonRole, name: NonEmpty },
  {
    position: t.string, // 职位
    education: t.string, // 教育经历
    birthDate: IsoDate, // 出生日期
    hobbies: t.string, // 兴趣爱好
    family: t.string, // 家庭情况
    mobile: t.string,
    directLine: t.string,
    email: t.string,
    im: t.string,
    decisionMaker: t.boolean,
    relationshipLevel: t.string,
  },
);
export type Person = t.TypeOf<typeof Person>;

export const Business = struct(
  'Business',
  {},
  {
    mainBusiness: t.string, // 主营业务
    additionalBusiness: t.string, // 附加业务
    salesLast3Years: t.array(struct('YearlySales', { year: t.number, amount: Money })), // 近3年销售业绩
    creditRating: t.string, // 信用等级
    creditNotes6C: t.string,
    creditLimit: Money,
    advantages: t.string, // 优势
    weaknesses: t.string, // 劣势
    countermeasures: t.string, // 对策
    notes: t.string, // 备注
  },
);
export type Business = t.TypeOf<typeof Business>;

export const Profile = struct('Profile', {
  company: Company,
  classification: Classification,
  people: Personal(t.array(Person)), // personal information
  business: Business,
});
export type Profile = t.TypeOf<typeof Profile>;

/** A field-level change set for 更新: any subset of the updatable fields (tier, secrecy and custodian have their own events). */
export const ProfilePatch = struct(
  'ProfilePatch',
  {},
  {
    company: partialOf('CompanyPatch', Company),
    classification: partialOf('ClassificationPatch', Classification),
    people: t.array(Person),
    business: Business,
  },
);
export type ProfilePatch = t.TypeOf<typeof ProfilePatch>;
