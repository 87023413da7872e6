/**
 * The published definitions of the board's export: what each measure means, the period, the disclosure
 * rules, and what `null` and "c" mean. Written next to the exports, as JSON (`DEFINITIONS`) and Markdown
 * (`definitionsMarkdown()`). Every measure of `FIGURES` has a definition here (checked at load).
 */
import { AGENCIES, CONCERN_CATEGORIES, OUTCOMES, SOURCE_CODES, SUBJECT_TYPES } from '../codes.ts';
import { ADDITIVE_GROUPS, NON_ADDITIVE_BREAKDOWNS, SUPPRESSION_THRESHOLD } from './disclosure.ts';
import { FIGURES, type FigureKind, MEASURES, RAG_KEYS, SCHEMA_VERSION } from './export-schema.ts';

interface MeasureDefinition {
  /** The CSV measure name; in the JSON, the path with the breakdown key inserted where it sits. */
  measure: string;
  kind: FigureKind;
  /** What the breakdown keys are, when the measure is broken down. */
  breakdown?: string;
  definition: string;
}

export interface DefinitionsDocument {
  schemaVersion: number;
  title: string;
  period: string[];
  values: { name: string; meaning: string }[];
  measures: MeasureDefinition[];
  disclosureControl: {
    rules: string[];
    additiveGroups: { group: string; total: string; minus?: string[]; description: string }[];
    primaryOnly: { breakdown: string; reason: string }[];
  };
  files: string[];
}

const ONE_WORKING_DAY =
  'one working day after receipt, by the hub’s working-hours clock (Europe/London; Mon–Thu 08:45–17:30, ' +
  'Fri 08:45–16:35, not on England and Wales bank holidays; a referral received out of hours starts the ' +
  'clock at the next opening)';

const BREAKDOWNS: Record<string, string> = {
  source: `CIN census referral source code: ${SOURCE_CODES.join(', ')}`,
  rag: `the rating in force: ${RAG_KEYS.join(', ')} (unrated: never rated)`,
  category: `concern category id: ${CONCERN_CATEGORIES.join(', ')}`,
  subjectType: SUBJECT_TYPES.join(', '),
  outcome: `decision outcome code: ${OUTCOMES.join(', ')}`,
  agency: `agency: ${AGENCIES.join(', ')}`,
};

const MEASURE_TEXT: Record<string, { definition: string; breakdown?: keyof typeof BREAKDOWNS }> = {
  'volume.referrals': {
    definition: 'Referrals (contacts) received in the period, whatever the number of subjects each names.',
  },
  'volume.bySource': {
    definition: 'Referrals received, by the referrer’s source code. Adds up to volume.referrals.',
    breakdown: 'source',
  },
  'volume.byRag': {
    definition:
      'Referrals received, by the RAG rating in force when the export was made. Adds up to volume.referrals.',
    breakdown: 'rag',
  },
  'volume.byCategory': {
    definition:
      'Referrals received, by concern category. A referral counts once in each of its categories, so this ' +
      'breakdown does not add up to volume.referrals.',
    breakdown: 'category',
  },
  'volume.bySubjectType': {
    definition:
      'Referrals received, children vs adults: each referral counts once, as child if it names any child, ' +
      'otherwise as adult, so the breakdown adds up to volume.referrals.',
    breakdown: 'subjectType',
  },
  'timeliness.decided': {
    definition: 'Referrals received in the period that have a decision (whenever it was made).',
  },
  'timeliness.withinTimescale': {
    definition:
      'Decided referrals whose decision was made within the decision deadline in force at the time of the ' +
      'decision (red 4 hours wall-clock; amber 1 working day; green 3 working days; unrated 1 working day; ' +
      'counted from receipt).',
  },
  'timeliness.pctWithinTimescale': { definition: 'withinTimescale ÷ decided, as a percentage.' },
  'timeliness.byRag.decided': {
    definition: 'Decided referrals by the rating in force. Adds up to timeliness.decided.',
    breakdown: 'rag',
  },
  'timeliness.byRag.withinTimescale': {
    definition: 'Decisions within timescale by the rating in force. Adds up to timeliness.withinTimescale.',
    breakdown: 'rag',
  },
  'timeliness.byRag.pctWithinTimescale': {
    definition: 'withinTimescale ÷ decided of the rating, as a percentage.',
    breakdown: 'rag',
  },
  'timeliness.medianHoursToDecision': {
    definition:
      'Median wall-clock hours from receipt to decision over the decided referrals: the middle value, or ' +
      'the mean of the two middle values when their number is even.',
  },
  'timeliness.p90HoursToDecision': {
    definition:
      '90th percentile of wall-clock hours from receipt to decision over the decided referrals, by the ' +
      'nearest-rank method: with the n values in ascending order, the value at rank ⌈0.9 × n⌉ (the smallest ' +
      'value that at least 90% of the values are at or below).',
  },
  'timeliness.openOverdue': {
    definition:
      'Referrals still open and overdue as at the end of the period: not decided before periodEnd (no ' +
      'decision, or a decision at or after periodEnd) and with their decision deadline in force at or before ' +
      'periodEnd. Fixed at periodEnd, so an export made later gives the same figure.',
  },
  'agencyResponses.requested': {
    definition: 'Information requests issued to the agency about referrals received in the period.',
    breakdown: 'agency',
  },
  'agencyResponses.answered': {
    definition: 'Of those requests, how many the agency has answered.',
    breakdown: 'agency',
  },
  'agencyResponses.onTime': {
    definition: 'Of those requests, how many were answered at or before their due time.',
    breakdown: 'agency',
  },
  'agencyResponses.pctOnTime': {
    definition: 'onTime ÷ requested, as a percentage (a request not answered counts as not on time).',
    breakdown: 'agency',
  },
  'agencyResponses.medianHoursToRespond': {
    definition:
      'Median wall-clock hours from issue to answer over the answered requests (middle value, or mean of the ' +
      'two middle values).',
    breakdown: 'agency',
  },
  'quality.reReferrals': {
    definition:
      'Re-referrals: referrals with at least one subject referred before within the 12 months before receipt.',
  },
  'quality.reReferralRate': { definition: 'reReferrals ÷ volume.referrals, as a percentage.' },
  'quality.nfa': { definition: 'Decisions with outcome NFA or ADULT_NFA (no further action).' },
  'quality.nfaRate': {
    definition: 'nfa ÷ timeliness.decided, as a percentage: the proxy for inappropriate referrals.',
  },
  'quality.byOutcome': {
    definition: 'Decisions by outcome (the outcome mix). Adds up to timeliness.decided.',
    breakdown: 'outcome',
  },
  'quality.decidedBySource': {
    definition:
      'Decided referrals by source: the denominator of nfaRateBySource. Adds up to timeliness.decided.',
    breakdown: 'source',
  },
  'quality.nfaBySource': {
    definition:
      'NFA and ADULT_NFA decisions by source: the numerator of nfaRateBySource. Adds up to quality.nfa.',
    breakdown: 'source',
  },
  'quality.nfaRateBySource': {
    definition: 'nfaBySource ÷ decidedBySource of the source, as a percentage.',
    breakdown: 'source',
  },
  'quality.reRated': { definition: 'Referrals rated more than once by practitioners (re-rated).' },
  'quality.pctReRated': { definition: 'reRated ÷ volume.referrals, as a percentage.' },
  'confidence.responses': {
    definition: 'Referrer feedback responses about referrals received in the period.',
  },
  'confidence.helpful': { definition: 'Feedback responses that found the service helpful.' },
  'confidence.pctHelpful': { definition: 'helpful ÷ responses, as a percentage.' },
  'confidence.meanRating': {
    definition: 'Mean of the 1–5 ratings given in feedback (ratingSum ÷ ratings), to one decimal.',
  },
  'confidence.ratings': {
    definition: 'Feedback responses that gave a 1–5 rating: the count meanRating is over.',
  },
  'confidence.toldOutcomeWithinOneWorkingDay': {
    definition:
      `Referrals decided no later than ${ONE_WORKING_DAY}. The referrer sees the outcome on their status ` +
      'page the moment it is decided, so this is the number of referrers told the outcome within one working day.',
  },
  'confidence.pctToldOutcomeWithinOneWorkingDay': {
    definition: 'toldOutcomeWithinOneWorkingDay ÷ volume.referrals, as a percentage.',
  },
};

function measureDefinitions(): MeasureDefinition[] {
  return MEASURES.map((measure) => {
    const text = MEASURE_TEXT[measure];
    if (!text) throw new Error(`the definitions lack the measure ${measure}`);
    const kind = (FIGURES.find((f) => f.measure === measure) as (typeof FIGURES)[number]).kind;
    const definition: MeasureDefinition = { measure, kind, definition: text.definition };
    if (text.breakdown) definition.breakdown = BREAKDOWNS[text.breakdown];
    return definition;
  });
}

export const DEFINITIONS: DefinitionsDocument = {
  schemaVersion: SCHEMA_VERSION,
  title: 'MASH board export: definitions',
  period: [
    'Exports are daily (id YYYY-MM-DD), weekly (ISO 8601 week, Monday to Sunday, id YYYY-Www) or monthly (id YYYY-MM).',
    'A period runs from London midnight at the start of its first day (periodStart) up to, not including, ' +
      'London midnight at the start of the next period (periodEnd). Both are written as UTC instants, so a day ' +
      'is 23 or 25 hours long across a clock change.',
    'Every measure counts the referrals received in the period, whatever happened to them since: a referral ' +
      'received on 30 April and decided on 1 May counts in April, with its decision, its agency requests and ' +
      'its feedback.',
    'The scheduled export covers the last complete period (the day, ISO week or month before the one in progress).',
    'Figures that can still change (decisions, answers, feedback, ratings) are as recorded when the export was ' +
      'made (generatedAt), except openOverdue, which is fixed as at periodEnd.',
  ],
  values: [
    { name: 'count', meaning: 'A whole number.' },
    {
      name: 'percentage',
      meaning: 'A rate from 0 to 100, rounded to one decimal place (halves away from zero).',
    },
    {
      name: 'hours',
      meaning: 'Wall-clock (elapsed) hours, rounded to one decimal place (halves away from zero).',
    },
    {
      name: 'null',
      meaning: 'Not defined: the rate’s denominator is 0 (or there are no values to take a median of).',
    },
    {
      name: '"c"',
      meaning:
        'Withheld by disclosure control: a count from 1 to 5, a count suppressed so that another cannot be ' +
        'worked out, or a rate computed from a withheld count. "c" never stands for 0.',
    },
  ],
  measures: measureDefinitions(),
  disclosureControl: {
    rules: [
      'No personal data is exported: only codes and numbers.',
      `Primary suppression: every count from 1 to ${SUPPRESSION_THRESHOLD} inclusive is published as "c". Zero is published as 0.`,
      'Secondary suppression: in every additive group (below), if exactly one member (a cell or the total) is ' +
        'withheld, it could be worked out from the others, so the smallest non-zero published cell is withheld ' +
        'too; ties go to the cell that comes first in the code order of the breakdown; if there is no such ' +
        'cell, the total is withheld. A group whose total is withheld by primary suppression needs nothing ' +
        'more: its non-zero cells are all withheld already. Groups that share counts are checked again until ' +
        'none changes.',
      'Linked groups: the equations of all the groups are also solved together; while any withheld count ' +
        'could be worked out from them jointly, the smallest non-zero published cell of a group containing it ' +
        'is withheld too.',
      'Breakdowns that do not add up to a published total get primary suppression only.',
      'A percentage, median, 90th percentile or mean is "c" whenever a count it is computed from (its ' +
        'numerator or denominator, or the count of values it is taken over) is "c". A rate with a denominator ' +
        'of 0 is null, not "c".',
    ],
    additiveGroups: ADDITIVE_GROUPS.map((group) => ({
      group: group.name,
      total: group.total,
      ...(group.minus ? { minus: [...group.minus] } : {}),
      description: group.description,
    })),
    primaryOnly: NON_ADDITIVE_BREAKDOWNS.map((b) => ({ breakdown: b.name, reason: b.reason })),
  },
  files: [
    'PERIOD_ID.json: the export; keys in a fixed order, schemaVersion 1.',
    'PERIOD_ID.csv: the same figures, one measure,breakdown,value row each, in the same order; the ' +
      'breakdown column holds the code (source, rating, category, subject type, outcome or agency) or is ' +
      'empty; null is an empty value.',
  ],
};

/** The definitions document as Markdown. */
export function definitionsMarkdown(doc: DefinitionsDocument = DEFINITIONS): string {
  const cellText = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines: string[] = [`# ${doc.title}`, '', `Schema version ${doc.schemaVersion}.`, '', '## Period', ''];
  for (const p of doc.period) lines.push(`- ${p}`);
  lines.push('', '## Values', '');
  for (const v of doc.values) lines.push(`- **${v.name}**: ${v.meaning}`);
  lines.push('', '## Measures', '', '| measure | kind | breakdown | definition |', '|---|---|---|---|');
  for (const m of doc.measures) {
    lines.push(
      `| \`${m.measure}\` | ${m.kind} | ${cellText(m.breakdown ?? '')} | ${cellText(m.definition)} |`,
    );
  }
  lines.push('', '## Disclosure control', '');
  for (const rule of doc.disclosureControl.rules) lines.push(`- ${rule}`);
  lines.push(
    '',
    '### Additive groups (secondary suppression)',
    '',
    '| group | total | what adds up |',
    '|---|---|---|',
  );
  for (const g of doc.disclosureControl.additiveGroups) {
    const total = [g.total, ...(g.minus ?? [])].map((key) => `\`${key}\``).join(' − ');
    lines.push(`| \`${g.group}\` | ${total} | ${cellText(g.description)} |`);
  }
  lines.push('', '### Primary suppression only', '');
  for (const b of doc.disclosureControl.primaryOnly) lines.push(`- \`${b.breakdown}\`: ${b.reason}`);
  lines.push('', '## Files', '');
  for (const f of doc.files) lines.push(`- ${f}`);
  return `${lines.join('\n')}\n`;
}
