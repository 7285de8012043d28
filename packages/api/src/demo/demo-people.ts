import type { Actor, Role } from '@dossier/core';

/** The staff of the demo company: who creates, approves, lends, witnesses. */
const person = (id: string, role: Role, name: string, department = 'marketing'): Actor =>
  ({ id, role, department, name }) as Actor;

export const staff = {
  reps: [
    person('rep-1', 'sales_rep', '李明'),
    person('rep-2', 'sales_rep', '张伟'),
    person('rep-3', 'sales_rep', '王芳'),
    person('rep-4', 'sales_rep', '刘洋'),
    person('rep-5', 'sales_rep', '陈静'),
    person('rep-6', 'sales_rep', '杨帆'),
  ],
  salesManager: person('sm-1', 'sales_manager', '赵磊'),
  marketingManagers: [
    person('mm-1', 'marketing_manager', '孙丽'),
    person('mm-2', 'marketing_manager', '周强'),
  ],
  marketingDirector: person('md-1', 'marketing_director', '吴刚'),
  customerService: [
    person('cs-1', 'customer_service', '郑敏', 'customer_service'),
    person('cs-2', 'customer_service', '冯娟', 'customer_service'),
  ],
  departmentHead: person('dh-1', 'department_head', '何志远'),
  auditor: person('au-1', 'auditor', '审计 林', 'audit'),
  otherDepartment: person('fin-1', 'other_department', '财务 许', 'finance'),
  system: person('worker', 'system', 'worker', 'system'),
};

const cities = [
  '上海',
  '北京',
  '苏州',
  '深圳',
  '杭州',
  '广州',
  '南京',
  '天津',
  '成都',
  '武汉',
  '宁波',
  '青岛',
];
const words = [
  '东方',
  '华信',
  '恒通',
  '宏达',
  '瑞丰',
  '金桥',
  '新益',
  '联创',
  '博远',
  '中科',
  '永盛',
  '天成',
  '嘉禾',
  '海纳',
];
export const industries = [
  ['machinery', '精密机械'],
  ['electronics', '电子科技'],
  ['chemicals', '化工'],
  ['logistics', '物流'],
  ['food', '食品'],
  ['textiles', '纺织'],
  ['medical', '医疗器械'],
  ['software', '软件'],
  ['building_materials', '建材'],
  ['automotive', '汽车零部件'],
] as const;
export const regions = ['east', 'north', 'south', 'central', 'west', 'northeast'] as const;
const surnames = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
];
const given = [
  '丽华',
  '建国',
  '晓东',
  '海燕',
  '志强',
  '雪梅',
  '国庆',
  '春生',
  '秀英',
  '文博',
  '思远',
  '佳怡',
];

export type Rng = () => number;

/** A small seeded PRNG (mulberry32): the same seed gives the same demo company. */
export const seeded = (seed: number): Rng => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

export const companyName = (rng: Rng, industry: string) =>
  `${pick(rng, cities)}${pick(rng, words)}${industry}${rng() < 0.3 ? '股份有限公司' : '有限公司'}`;

export const personName = (rng: Rng) => `${pick(rng, surnames)}${pick(rng, given)}`;

export const mobile = (rng: Rng) =>
  `13${Math.floor(rng() * 10)} ${String(Math.floor(rng() * 1e4)).padStart(4, '0')} ${String(Math.floor(rng() * 1e4)).padStart(4, '0')}`;
