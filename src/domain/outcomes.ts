/** Decision outcomes in plain words, for referrers and pages. */
import type { Outcome } from './codes.ts';

export const OUTCOME_DESCRIPTIONS: Record<Outcome, string> = {
  NFA: 'No further action by children’s services',
  ADVICE_SIGNPOSTING: 'Advice and signposting to other support',
  EARLY_HELP: 'Referred for early help',
  S17_ASSESSMENT: 'A social work assessment of the child’s needs (section 17)',
  STRATEGY_DISCUSSION_S47: 'A strategy discussion about the child’s safety (section 47)',
  IMMEDIATE_PROTECTION: 'Immediate action to protect the child',
  OTHER_LOCAL_AUTHORITY: 'Passed to another local authority',
  LADO: 'Passed to the Local Authority Designated Officer',
  S42_ENQUIRY: 'A safeguarding enquiry about the adult (Care Act section 42)',
  OTHER_ENQUIRY: 'Another safeguarding enquiry about the adult',
  ADULT_ADVICE: 'Advice and information for the adult',
  ADULT_NFA: 'No further action by adult social care',
};

export function describeOutcome(outcome: string): string | undefined {
  return OUTCOME_DESCRIPTIONS[outcome as Outcome];
}
