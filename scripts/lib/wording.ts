/**
 * The words of the synthetic hub: what referrers write, what agencies answer, why practitioners
 * decide. General phrases only: no names, so nothing here could identify anyone even by accident.
 */
import type { Agency, ConcernCategory, Outcome, SourceCode } from '../../src/domain/codes.ts';

/** [summary, seen, said] for a referral whose main concern is the category. */
export const CONCERN_TEXT: Record<ConcernCategory, ReadonlyArray<readonly [string, string, string]>> = {
  'physical-abuse': [
    [
      'Unexplained bruising noticed on the arms',
      'Finger-shaped bruises on both upper arms, noticed when sleeves were rolled up.',
      'Said they "fell over" but would not say where.',
    ],
    [
      'Mark on the face after the weekend',
      'A red mark on the cheek on Monday morning; flinched when an adult raised their voice.',
      'Said a parent "got cross" on Saturday.',
    ],
  ],
  'emotional-abuse': [
    [
      'Persistent belittling overheard at collection',
      'Parent shouting and calling names at the gate on several days this month.',
      'Said "I am always in trouble at home, whatever I do".',
    ],
  ],
  'sexual-abuse': [
    [
      'Disclosure of inappropriate touching',
      'Became distressed during a lesson about keeping safe.',
      'Said an older relative "touches me and says it is a secret".',
    ],
  ],
  neglect: [
    [
      'Often hungry and in unwashed clothes',
      'Arrives without breakfast most days; the same clothes all week; head lice untreated.',
      'Said "there is no food at home until Friday".',
    ],
    [
      'Home conditions very poor on a visit',
      'No working heating, little food in the cupboards, dog mess on the floor.',
      'Parent said they are "not coping since the move".',
    ],
  ],
  'domestic-abuse': [
    [
      'Police called to a domestic incident at the home',
      'Officers attended after a neighbour heard screaming; a door was damaged; the children were present.',
      'The mother said it "happens when he drinks".',
    ],
    [
      'Child describes arguments and violence at home',
      'Tired and withdrawn; startles at loud noises.',
      'Said "Mum and her boyfriend fight and I hide upstairs".',
    ],
  ],
  'parental-mental-health': [
    [
      'Parent very unwell with mental health and caring alone',
      'Parent appeared confused and tearful at an appointment; the child was caring for a younger sibling.',
      'Parent said they had stopped taking their medication.',
    ],
  ],
  'substance-misuse': [
    [
      'Parent appeared under the influence at collection',
      'Slurred speech and smelled of alcohol when collecting the children at 15:15.',
      'Child said "Dad sleeps a lot in the day".',
    ],
  ],
  cse: [
    [
      'Seen getting into cars with older men',
      'Picked up from school by different adults in cars; new phone and clothes.',
      'Said they have an older "boyfriend" who buys them things.',
    ],
  ],
  cce: [
    [
      'Concerns about county lines involvement',
      'Missing overnight twice; found with cash and two phones in another town.',
      'Said they "owe someone" and cannot stop.',
    ],
  ],
  missing: [
    [
      'Repeatedly missing from home overnight',
      'Reported missing three times this month; returns tired and will not say where they were.',
      'Said "I just stay with friends".',
    ],
  ],
  trafficking: [
    [
      'Possible exploitation: working long hours for no pay',
      'Living at the place of work; documents held by the employer.',
      'Said they must repay a debt for their travel here.',
    ],
  ],
  radicalisation: [
    [
      'Sharing extremist material online',
      'Shared videos promoting violence in a class group chat.',
      'Said that people like them "deserve what is coming".',
    ],
  ],
  fgm: [
    [
      'Concern about a planned trip and FGM',
      'Family plans an extended trip abroad for a "special ceremony".',
      'Said an aunt told them they will "become a woman" on the trip.',
    ],
  ],
  'self-harm': [
    [
      'Cuts on the forearms',
      'Fresh cuts on both forearms noticed in a PE lesson.',
      'Said they cut themselves when things at home get too much.',
    ],
  ],
  'online-harm': [
    [
      'Asked for images by an adult online',
      'Showed staff messages from an unknown adult asking for photographs.',
      'Said they had already sent one picture and are frightened.',
    ],
  ],
  'private-fostering': [
    [
      'Living with a family friend for several months',
      'Has been living with a family friend since the summer; parents abroad.',
      'Said they do not know when they will go home.',
    ],
  ],
  'young-carer': [
    [
      'Caring for a disabled parent and missing school',
      'Late most days and falling asleep in lessons.',
      'Said they help their parent wash and take medicines before school.',
    ],
  ],
  other: [
    [
      'Worried about the family after a change in circumstances',
      'Presentation has changed noticeably over the last few weeks.',
      'Said things at home are "difficult at the moment".',
    ],
  ],
};

export const ADULT_CONCERN_TEXT: ReadonlyArray<readonly [string, string, string]> = [
  [
    'Unexplained bruising on an older adult receiving care',
    'Carers noticed bruising on the wrists and upper arms during a morning call.',
    'The adult said a family member "grabs me when I am slow".',
  ],
  [
    'Money going missing from an adult with care needs',
    'Bank statements show large cash withdrawals the adult cannot explain; no food in the flat.',
    'The adult said a new "friend" helps with shopping and keeps the card.',
  ],
  [
    'Self-neglect and hoarding at home',
    'The flat is cluttered to the point of risk; no working toilet; the adult is underweight.',
    'The adult said they "do not want anyone interfering".',
  ],
  [
    'Domestic abuse disclosed by an adult with learning disabilities',
    'Visible injury to the face at a day centre.',
    'The adult said their partner hits them when they get things wrong.',
  ],
];

export const SUPPORT_GIVEN = [
  'Breakfast club place offered and uniform provided.',
  'Discussed with the family, who agreed to see their GP.',
  'Early help assessment started last term; family engaging partly.',
  'Referred to the school counsellor.',
  'Signposted to the local domestic abuse service.',
] as const;

export const CONSENT_REFUSED_REASONS = {
  child: [
    'Telling the parents could put the child at risk of significant harm.',
    'Telling the family could undermine a police investigation.',
    'The parents could not be contacted before the referral was made and the concern could not wait.',
    'The parents were told and refused consent; the concern meets the threshold for sharing without it.',
  ],
  adult: [
    'The adult lacks capacity to consent to this referral.',
    'Telling the alleged abuser, who lives with the adult, could increase the risk.',
    'The adult was told and refused consent; others in the household may be at risk.',
  ],
} as const;

export const CONSENT_FROM = ['Mother', 'Father', 'Both parents', 'Carer', 'Grandparent'] as const;

export const OVERRIDE_RATIONALES = [
  'Checks without consent authorised: seeking consent could place the child at risk of significant harm and the information is needed to assess it.',
  'Authorised: consent would alert the alleged perpetrator and undermine the police investigation.',
  'Authorised: the adult lacks capacity for this decision and checks are in their best interests.',
] as const;

export const RE_RATING_UP = [
  'Police information shows recent domestic incidents at the address; the risk is higher than first thought.',
  'Health records show repeated injuries; raising the rating.',
] as const;

export const RE_RATING_DOWN = [
  'Agency checks show the family is already well supported; the risk is lower than first thought.',
  'The concern has been explained by the school and no injury was found; lowering the rating.',
] as const;

export const AGENCY_ANSWERS: Record<Agency, readonly string[]> = {
  police: [
    'Two domestic incidents recorded at the address in the last twelve months; no arrests.',
    'No police information held on the people named.',
    'One adult in the household has a conviction for assault (2019); no current bail conditions.',
    'Reported missing three times this year; returned each time within a day.',
  ],
  health: [
    'Immunisations up to date; two recent appointments missed.',
    'Known to the health visiting service; last seen three months ago with no concerns noted.',
    'Attended A&E once this year with a minor injury; explanation consistent.',
    'No health information of concern.',
  ],
  education: [
    'Attendance 82% this term; presents as tired and hungry on several occasions.',
    'Attendance good; no concerns raised by staff.',
    'Two fixed-term exclusions this year; known to the pastoral team.',
  ],
  'childrens-social-care': [
    'Previously open for a child and family assessment two years ago; closed to early help.',
    'Not known to children’s social care.',
    'A sibling was subject to a child protection plan in 2022 under the category of neglect.',
  ],
  'adult-social-care': [
    'Receives a package of care, four calls a day; carers raised concerns about bruising last month.',
    'Not known to adult social care.',
    'A previous safeguarding enquiry was closed last year with a protection plan.',
  ],
  probation: [
    'One adult is subject to probation supervision for a domestic abuse offence.',
    'Not known to probation.',
  ],
  housing: [
    'Rent arrears and a notice seeking possession; property reported to be in poor condition.',
    'Tenancy in good standing; no concerns recorded.',
  ],
  'mental-health': [
    'A parent is open to the community mental health team; last contact two weeks ago.',
    'Not known to secondary mental health services.',
  ],
  'domestic-abuse': [
    'The family was discussed at MARAC last year; the high-risk case closed six months ago.',
    'Not known to the domestic abuse service.',
  ],
  'youth-justice': [
    'Completed a referral order last year; concerns about older associates.',
    'Not known to youth justice.',
  ],
};

export const DECISION_RATIONALES: Record<Exclude<Outcome, 'NFA' | 'ADULT_NFA'>, readonly string[]> = {
  ADVICE_SIGNPOSTING: [
    'Below the threshold for statutory services; the referrer is given advice and the family signposted to local support.',
  ],
  EARLY_HELP: [
    'Needs are best met by early help; the family agree to a lead professional and a family plan.',
    'Emerging concerns with no evidence of significant harm; an early help assessment is offered.',
  ],
  S17_ASSESSMENT: [
    'Threshold met for a child and family assessment under section 17; the family agree to work with children’s social care.',
  ],
  STRATEGY_DISCUSSION_S47: [
    'Reasonable cause to suspect significant harm; a strategy discussion with police and health is convened.',
  ],
  IMMEDIATE_PROTECTION: [
    'The child is at immediate risk; police protection and an emergency placement are arranged today.',
  ],
  OTHER_LOCAL_AUTHORITY: [
    'The family lives in another local authority; the referral is passed to its front door.',
  ],
  LADO: ['The concern is about a professional working with children; passed to the LADO.'],
  S42_ENQUIRY: [
    'The three section 42 criteria are met; an enquiry is opened and a safeguarding plan will be agreed with the adult.',
  ],
  OTHER_ENQUIRY: [
    'Section 42 criteria are not all met, but the risk warrants a proportionate enquiry by adult social care.',
  ],
  ADULT_ADVICE: ['The adult is given information about support and how to contact the hub again.'],
};

export const NFA_REASONS = {
  child: [
    'Agency checks show the concern was a one-off and the family have already addressed it with the school.',
    'The child is already open to a social worker who has been informed; no new action is needed from the hub.',
    'Information gathered shows no safeguarding concern; the injury was accidental and appropriately treated.',
    'The concern relates to a parenting disagreement that does not meet the threshold; the family have support in place.',
    'This is a duplicate of a contact already being progressed; the information has been added to that record.',
  ],
  adult: [
    'The adult has capacity, declines support and the risk is low; they have contact details should things change.',
    'Checks show the concern has been resolved by the care provider, who has reviewed the care plan.',
  ],
} as const;

export const FEEDBACK_COMMENTS = {
  helpful: [
    'Clear outcome and quick response.',
    'Thank you for letting us know the outcome.',
    'Very helpful.',
  ],
  unhelpful: ['It took a long time to hear back.', 'We were not told what would happen next.'],
} as const;

/** The agency a referrer works for, where the source is one (advice and products go back to it). */
export function referrerAgency(source: SourceCode, adult: boolean): Agency | undefined {
  if (source === '6') return 'police';
  if (source === '2A' || source === '2B') return 'education';
  if (source.startsWith('3')) return 'health';
  if (source === '4') return 'housing';
  if (source.startsWith('5')) return adult ? 'adult-social-care' : 'childrens-social-care';
  return undefined;
}
