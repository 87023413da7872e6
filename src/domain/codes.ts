/**
 * The hub's vocabularies. Every list here is the one place its codes are spelled;
 * schemas, pages, exports and the CDK all read them from here.
 */

export const AGENCIES = [
  'police',
  'health',
  'education',
  'childrens-social-care',
  'adult-social-care',
  'probation',
  'housing',
  'mental-health',
  'domestic-abuse',
  'youth-justice',
] as const;
export type Agency = (typeof AGENCIES)[number];

export const AGENCY_LABELS: Record<Agency, string> = {
  police: 'Police',
  health: 'Health',
  education: 'Education',
  'childrens-social-care': "Children's social care",
  'adult-social-care': 'Adult social care',
  probation: 'Probation',
  housing: 'Housing',
  'mental-health': 'Mental health',
  'domestic-abuse': 'Domestic abuse services',
  'youth-justice': 'Youth justice',
};

export const RAG_RATINGS = ['red', 'amber', 'green'] as const;
export type Rag = (typeof RAG_RATINGS)[number];

/** `received` (not yet rated), `triaged`, `gathering` (requests outstanding), `ready` (all answered), `decided`. */
export const CASE_STATUSES = ['received', 'triaged', 'gathering', 'ready', 'decided'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CHILD_OUTCOMES = [
  'NFA',
  'ADVICE_SIGNPOSTING',
  'EARLY_HELP',
  'S17_ASSESSMENT',
  'STRATEGY_DISCUSSION_S47',
  'IMMEDIATE_PROTECTION',
  'OTHER_LOCAL_AUTHORITY',
  'LADO',
] as const;
export const ADULT_OUTCOMES = ['S42_ENQUIRY', 'OTHER_ENQUIRY', 'ADULT_ADVICE', 'ADULT_NFA'] as const;
export const OUTCOMES = [...CHILD_OUTCOMES, ...ADULT_OUTCOMES] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const CONCERN_CATEGORIES = [
  'physical-abuse',
  'emotional-abuse',
  'sexual-abuse',
  'neglect',
  'domestic-abuse',
  'parental-mental-health',
  'substance-misuse',
  'cse',
  'cce',
  'missing',
  'trafficking',
  'radicalisation',
  'fgm',
  'self-harm',
  'online-harm',
  'private-fostering',
  'young-carer',
  'other',
] as const;
export type ConcernCategory = (typeof CONCERN_CATEGORIES)[number];

export const CONCERN_CATEGORY_LABELS: Record<ConcernCategory, string> = {
  'physical-abuse': 'Physical abuse',
  'emotional-abuse': 'Emotional abuse',
  'sexual-abuse': 'Sexual abuse',
  neglect: 'Neglect',
  'domestic-abuse': 'Domestic abuse',
  'parental-mental-health': 'Parental mental health',
  'substance-misuse': 'Substance misuse',
  cse: 'Child sexual exploitation',
  cce: 'Child criminal exploitation or county lines',
  missing: 'Missing from home, care or education',
  trafficking: 'Trafficking or modern slavery',
  radicalisation: 'Radicalisation',
  fgm: 'Female genital mutilation',
  'self-harm': 'Self-harm',
  'online-harm': 'Online harm',
  'private-fostering': 'Private fostering',
  'young-carer': 'Young carer',
  other: 'Something else',
};

/** Children in Need census referral source codes. */
export const SOURCE_CODES = [
  '1A',
  '1B',
  '1C',
  '1D',
  '2A',
  '2B',
  '3A',
  '3B',
  '3C',
  '3D',
  '3E',
  '3F',
  '4',
  '5A',
  '5B',
  '5C',
  '5D',
  '6',
  '7',
  '8',
  '9',
  '10',
] as const;
export type SourceCode = (typeof SOURCE_CODES)[number];

export const SOURCE_LABELS: Record<SourceCode, string> = {
  '1A': 'Individual: family member or relative',
  '1B': 'Individual: acquaintance, including neighbours',
  '1C': 'Individual: self',
  '1D': 'Individual: other',
  '2A': 'School',
  '2B': 'Education services (other)',
  '3A': 'Health: GP',
  '3B': 'Health: health visitor',
  '3C': 'Health: school nurse',
  '3D': 'Health: other primary health services',
  '3E': 'Health: A&E',
  '3F': 'Health: other',
  '4': 'Housing',
  '5A': 'Local authority: social care',
  '5B': 'Local authority: other internal department',
  '5C': 'Local authority: external department',
  '5D': 'Local authority: early help',
  '6': 'Police',
  '7': 'Legal agency',
  '8': 'Other',
  '9': 'Anonymous',
  '10': 'Unknown',
};

/** Individuals (1x), anonymous (9) and unknown (10) are the public; everyone else is a professional and cannot be anonymous. */
export function isPublicSource(source: SourceCode): boolean {
  return source.startsWith('1') || source === '9' || source === '10';
}

export const SUBJECT_TYPES = ['child', 'adult'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const ROLES = ['mash', 'manager', 'agency', 'board'] as const;
export type Role = (typeof ROLES)[number];
