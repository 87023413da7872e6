/**
 * The synthetic hub: N referrals over a window, each with the steps that happen to it (rating, consent
 * override, agency requests and answers, decision, product, feedback) and when. Plans are made one at
 * a time, in order of receipt, from a PRNG seeded by (seed, index): the same seed and window give the
 * same plans however the cases are then written.
 *
 * Proportions (DOMAIN.md and the brief): sources police ~30%, schools ~20%, health ~15%, local authority
 * ~10%, individuals ~10%, others ~15%; adults ~15%; immediate danger ~3% (red at intake); RAG red ~10%,
 * amber ~35%, green ~45%, never rated ~10%; consent ~70%; requests to 1–4 agencies for ~80% of rated
 * cases, answered on time ~74%, late ~18%, never ~8%, releasable ~75%; re-referrals ~15%; ~8% of cases
 * never decided; NFA ~35% of decisions; feedback on ~20% of referrals.
 */
import type { Actor } from '../../src/domain/case.ts';
import type { Agency, ConcernCategory, Outcome, Rag, SourceCode } from '../../src/domain/codes.ts';
import { parseReferral, type ReferralInput, type Subject } from '../../src/domain/referral.ts';
import {
  addWorkingHours,
  agencyResponseDueAt,
  decisionDueAt,
  isWorkingDay,
  londonIsoDate,
  londonTime,
} from '../../src/domain/timescales.ts';
import {
  address,
  email,
  fakeNhsNumber,
  firstName,
  lastName,
  type MadeUpAddress,
  organisationWord,
  phone,
  townName,
} from './people.ts';
import { mixSeed, Random } from './random.ts';
import {
  ADULT_CONCERN_TEXT,
  AGENCY_ANSWERS,
  CONCERN_TEXT,
  CONSENT_FROM,
  CONSENT_REFUSED_REASONS,
  DECISION_RATIONALES,
  FEEDBACK_COMMENTS,
  NFA_REASONS,
  OVERRIDE_RATIONALES,
  RE_RATING_DOWN,
  RE_RATING_UP,
  referrerAgency,
  SUPPORT_GIVEN,
} from './wording.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type CaseEvent =
  | { kind: 'rate'; at: number; rag: Rag; rationale?: string; actor: Actor }
  | { kind: 'override'; at: number; rationale: string; actor: Actor }
  | { kind: 'request'; at: number; agencies: Agency[]; actor: Actor }
  | { kind: 'deliver-request'; at: number; slot: number }
  | { kind: 'answer'; at: number; slot: number; information: string; releasable: boolean; actor: Actor }
  | {
      kind: 'decide';
      at: number;
      outcome: Outcome;
      rationale: string;
      recipientAgency?: Agency;
      actor: Actor;
    }
  | { kind: 'deliver-product'; at: number }
  | { kind: 'feedback'; at: number; helpful: boolean; rating?: number; comment?: string };

export interface PlannedCase {
  index: number;
  receivedAt: Date;
  referral: ReferralInput;
  /** Ids of the people named: a later case naming one of them is written after this one. */
  personIds: number[];
  /** The earlier case whose subjects this one names again, if it is a planned re-referral. */
  reReferralOf?: number;
  /** In time order, all before the window's end. */
  events: CaseEvent[];
}

export interface Window {
  /** Inclusive. */
  start: Date;
  /** Exclusive: nothing happens at or after it. */
  end: Date;
}

// ---------------------------------------------------------------------------------------------------------
// Receipt times
// ---------------------------------------------------------------------------------------------------------

interface Day {
  year: number;
  month: number;
  day: number;
}

/** Every London date from the window's start to its end (exclusive), split into working and other days. */
function daysOf(window: Window): { working: Day[]; other: Day[] } {
  const working: Day[] = [];
  const other: Day[] = [];
  const first = londonIsoDate(window.start).split('-').map(Number) as [number, number, number];
  for (let offset = 0; ; offset++) {
    const date = new Date(Date.UTC(first[0], first[1] - 1, first[2] + offset));
    const day = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    if (londonTime(day.year, day.month, day.day).getTime() >= window.end.getTime()) break;
    (isWorkingDay(londonTime(day.year, day.month, day.day, 12)) ? working : other).push(day);
  }
  return { working, other };
}

const OPEN_MINUTE = 8 * 60 + 45;
const CLOSE_MINUTE = 17 * 60 + 30;

/**
 * Receipt instants, sorted: ~80% on working days between 08:45 and 17:30 London, ~12% on working days
 * outside those hours (mostly evenings), ~8% at weekends and on bank holidays.
 */
function receiptTimes(seed: number, window: Window, count: number): number[] {
  const rng = new Random(mixSeed(seed, 0));
  const { working, other } = daysOf(window);
  if (working.length === 0 && other.length === 0) throw new RangeError('the window has no days');
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.float();
    let day: Day;
    let minute: number;
    if (r < 0.92 && working.length > 0) {
      day = rng.pick(working);
      minute =
        r < 0.8
          ? rng.int(OPEN_MINUTE, CLOSE_MINUTE - 1)
          : rng.chance(0.7)
            ? rng.int(CLOSE_MINUTE, 23 * 60 - 1)
            : rng.int(0, OPEN_MINUTE - 1);
    } else {
      day = other.length > 0 ? rng.pick(other) : rng.pick(working);
      minute = rng.chance(0.85) ? rng.int(7 * 60, 23 * 60 - 1) : rng.int(0, 24 * 60 - 1);
    }
    const at = londonTime(day.year, day.month, day.day, 0, minute, rng.int(0, 59)).getTime();
    times.push(Math.min(Math.max(at, window.start.getTime()), window.end.getTime() - 1000));
  }
  return times.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------
// Referrals
// ---------------------------------------------------------------------------------------------------------

const CHILD_SOURCES: ReadonlyArray<readonly [SourceCode, number]> = [
  ['6', 30],
  ['2A', 20],
  ['2B', 4],
  ['3A', 4],
  ['3B', 3],
  ['3C', 2],
  ['3D', 1],
  ['3E', 3],
  ['3F', 2],
  ['5A', 4],
  ['5B', 2],
  ['5C', 1],
  ['5D', 3],
  ['1A', 5],
  ['1B', 2],
  ['1C', 1],
  ['1D', 2],
  ['4', 4],
  ['7', 2],
  ['8', 4],
  ['9', 3],
  ['10', 2],
];
const ADULT_SOURCES = CHILD_SOURCES.filter(([source]) => source !== '2A' && source !== '2B');

const CHILD_CATEGORIES: ReadonlyArray<readonly [ConcernCategory, number]> = [
  ['neglect', 25],
  ['domestic-abuse', 20],
  ['physical-abuse', 14],
  ['emotional-abuse', 12],
  ['parental-mental-health', 10],
  ['substance-misuse', 8],
  ['sexual-abuse', 4],
  ['missing', 4],
  ['self-harm', 4],
  ['cse', 3],
  ['cce', 3],
  ['online-harm', 3],
  ['other', 3],
  ['young-carer', 1],
  ['private-fostering', 0.5],
  ['radicalisation', 0.5],
  ['trafficking', 0.5],
  ['fgm', 0.3],
];
const ADULT_CATEGORIES: ReadonlyArray<readonly [ConcernCategory, number]> = [
  ['neglect', 22],
  ['domestic-abuse', 20],
  ['physical-abuse', 15],
  ['other', 14],
  ['emotional-abuse', 10],
  ['self-harm', 6],
  ['substance-misuse', 6],
  ['sexual-abuse', 3],
  ['trafficking', 2],
  ['radicalisation', 1],
];
const CHILD_AGES: ReadonlyArray<readonly [number, number]> = [
  [0, 6],
  [1, 5],
  [2, 5],
  [3, 5],
  [4, 5],
  [5, 5],
  [6, 5],
  [7, 5],
  [8, 5],
  [9, 5],
  [10, 5],
  [11, 6],
  [12, 6],
  [13, 7],
  [14, 8],
  [15, 8],
  [16, 7],
  [17, 5],
];
const ETHNICITIES: ReadonlyArray<readonly [string | undefined, number]> = [
  ['White British', 60],
  ['White other', 8],
  ['Mixed or multiple ethnic groups', 7],
  ['Asian or Asian British', 10],
  ['Black, Black British, Caribbean or African', 7],
  ['Other ethnic group', 3],
  [undefined, 5],
];
const LANGUAGES = ['Polish', 'Urdu', 'Romanian', 'Arabic', 'Somali', 'Portuguese', 'Bengali'] as const;
const CARERS = [
  ['Mother', true],
  ['Father', true],
  ['Stepfather', false],
  ['Mother’s partner', false],
  ['Grandmother', true],
] as const;

interface Family {
  subjects: Subject[];
  personIds: number[];
  household: NonNullable<ReferralInput['household']>;
  adult: boolean;
  address: MadeUpAddress;
}

interface Earlier {
  receivedAt: number;
  family: Family;
}

const PRACTITIONERS = 12;
const MANAGERS = 3;

function practitioner(rng: Random): Actor {
  return { id: `mash-practitioner-${String(rng.int(1, PRACTITIONERS)).padStart(2, '0')}`, role: 'mash' };
}
function manager(rng: Random): Actor {
  return { id: `mash-manager-${String(rng.int(1, MANAGERS)).padStart(2, '0')}`, role: 'manager' };
}
function agencyOfficer(rng: Random, agency: Agency): Actor {
  return { id: `${agency}-officer-${rng.int(1, 3)}`, role: 'agency', agency };
}

/** `date` (YYYY-MM-DD) moved by whole years and days, as a date. */
function shiftDate(date: string, years: number, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  const shifted = new Date(Date.UTC(y + years, m - 1, Math.min(d, lastDay) + days));
  return shifted.toISOString().slice(0, 10);
}

export class SyntheticHub {
  readonly receipts: number[];
  private readonly seed: number;
  private readonly window: Window;
  private readonly earlier: Earlier[] = [];
  private readonly identities = new Set<string>();
  private nextPersonId = 0;
  private nextIndex = 0;

  constructor(seed: number, window: Window, count: number) {
    this.seed = seed;
    this.window = window;
    this.receipts = receiptTimes(seed, window, count);
  }

  get hasNext(): boolean {
    return this.nextIndex < this.receipts.length;
  }

  /** The next case's plan. Plans must be made in order: a re-referral names people of earlier ones. */
  next(): PlannedCase {
    const index = this.nextIndex++;
    if (index >= this.receipts.length) throw new RangeError('no more cases to plan');
    const rng = new Random(mixSeed(this.seed, index + 1));
    const receivedAt = this.receipts[index]!;
    const today = londonIsoDate(new Date(receivedAt));

    const reusedIndex = rng.chance(0.15) ? this.pickEarlier(rng, index, receivedAt, today) : undefined;
    const reused = reusedIndex === undefined ? undefined : this.earlier[reusedIndex]!;
    const adult = reused ? reused.family.adult : rng.chance(0.15);
    const source = rng.weighted(adult ? ADULT_SOURCES : CHILD_SOURCES);
    const family = reused ? this.revisit(rng, reused.family) : this.newFamily(rng, adult, source, today);
    const immediateDanger = rng.chance(0.03);
    const body = this.referral(rng, { source, family, immediateDanger, today });
    const parsed = parseReferral(body, today);
    if (!parsed.ok) {
      throw new Error(`the generator made an invalid referral: ${JSON.stringify(parsed.issues)}`);
    }
    this.earlier.push({ receivedAt, family });
    const events = this.timeline(rng, {
      receivedAt,
      referral: parsed.referral,
      adult,
      s42Met: Boolean(
        family.subjects[0]?.s42 && Object.values(family.subjects[0].s42).every((answer) => answer === true),
      ),
    });
    return {
      index,
      receivedAt: new Date(receivedAt),
      referral: parsed.referral,
      personIds: family.personIds,
      ...(reusedIndex !== undefined ? { reReferralOf: reusedIndex } : {}),
      events,
    };
  }

  /** An earlier referral within the last ~11.8 months whose subjects can be referred again today. */
  private pickEarlier(rng: Random, index: number, receivedAt: number, today: string): number | undefined {
    const from = receivedAt - 360 * DAY;
    let low = 0;
    let high = index;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.receipts[middle]! < from) low = middle + 1;
      else high = middle;
    }
    if (low >= index) return undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      const pick = rng.int(low, index - 1);
      const candidate = this.earlier[pick]!;
      const stillValid = candidate.family.subjects.every(
        (subject) =>
          !subject.expectedDueDate &&
          (subject.type === 'adult' || !subject.dateOfBirth || shiftDate(subject.dateOfBirth, 18, 0) > today),
      );
      if (stillValid) return pick;
    }
    return undefined;
  }

  /** The same people again; the NHS number is sometimes left off (matched on name and date of birth). */
  private revisit(rng: Random, family: Family): Family {
    const dropNhs = rng.chance(0.3);
    return {
      ...family,
      subjects: family.subjects.map((subject) => {
        if (!dropNhs || !subject.nhsNumber) return subject;
        const { nhsNumber: _dropped, ...rest } = subject;
        return rest;
      }),
    };
  }

  private newPerson(rng: Random, type: 'child' | 'adult', last: string, today: string): [Subject, number] {
    const id = this.nextPersonId++;
    for (let attempt = 0; ; attempt++) {
      const first = firstName(rng);
      const age = type === 'child' ? rng.weighted(CHILD_AGES) : adultAge(rng);
      const dateOfBirth = shiftDate(today, -age, -rng.int(1, 360));
      const identity = `${first.toLowerCase()}|${last.toLowerCase()}|${dateOfBirth}`;
      if (this.identities.has(identity) && attempt < 50) continue;
      this.identities.add(identity);
      const ethnicity = rng.weighted(ETHNICITIES);
      const otherLanguage = rng.chance(0.12);
      const subject: Subject = {
        type,
        firstName: first,
        lastName: last,
        dateOfBirth,
        gender: rng.weighted([
          ['Female', 48],
          ['Male', 48],
          ['Non-binary', 1],
          ['Not known', 3],
        ]),
        ...(ethnicity ? { ethnicity } : {}),
        language: otherLanguage ? rng.pick(LANGUAGES) : 'English',
        ...(otherLanguage ? { interpreterNeeded: rng.chance(0.5) } : {}),
        ...(rng.chance(0.65) ? { nhsNumber: fakeNhsNumber(id, rng) } : {}),
        ...(type === 'child' && age >= 4 && age <= 16 && rng.chance(0.7)
          ? { schoolOrSetting: `${organisationWord(rng)} ${age < 11 ? 'Primary School' : 'Academy'}` }
          : {}),
        ...(rng.chance(0.1) ? { disabilityOrSen: 'Special educational needs support in place.' } : {}),
      };
      return [subject, id];
    }
  }

  private newFamily(rng: Random, adult: boolean, source: SourceCode, today: string): Family {
    const familyName = lastName(rng);
    const home = address(rng);
    const subjects: Subject[] = [];
    const personIds: number[] = [];
    const add = ([subject, id]: [Subject, number]) => {
      subjects.push({ ...subject, address: home });
      personIds.push(id);
    };
    if (adult) {
      const [person, id] = this.newPerson(rng, 'adult', familyName, today);
      add([
        {
          ...person,
          s42: {
            careAndSupportNeeds: rng.chance(0.75),
            atRiskOfAbuse: rng.chance(0.8),
            unableToProtectSelf: rng.chance(0.6),
          },
        },
        id,
      ]);
    } else {
      const children = rng.weighted([
        [1, 70],
        [2, 20],
        [3, 8],
        [4, 2],
      ]);
      for (let n = 0; n < children; n++) {
        const last = n > 0 && rng.chance(0.15) ? lastName(rng) : familyName;
        const [person, id] = this.newPerson(rng, 'child', last, today);
        // Health referrers nearly always know the NHS number.
        if (source.startsWith('3') && !person.nhsNumber && rng.chance(0.8)) {
          person.nhsNumber = fakeNhsNumber(id, rng);
        }
        add([person, id]);
      }
      if (rng.chance(0.015)) {
        const id = this.nextPersonId++;
        subjects.push({
          type: 'child',
          firstName: 'Unborn',
          lastName: familyName,
          expectedDueDate: shiftDate(today, 0, rng.int(20, 200)),
          address: home,
        });
        personIds.push(id);
      }
    }
    const household: Family['household'] = [];
    const carers = adult
      ? rng.int(0, 1)
      : rng.weighted([
          [1, 45],
          [2, 50],
          [3, 5],
        ]);
    for (let n = 0; n < carers; n++) {
      const [relationship, parental] = adult ? (['Partner', false] as const) : rng.pick(CARERS);
      household.push({
        name: `${firstName(rng)} ${rng.chance(0.8) ? familyName : lastName(rng)}`,
        relationship,
        ...(adult ? {} : { parentalResponsibility: parental }),
        dateOfBirth: shiftDate(today, -rng.int(adult ? 25 : 19, adult ? 80 : 70), -rng.int(1, 360)),
      });
    }
    return { subjects, personIds, household, adult, address: home };
  }

  private referral(
    rng: Random,
    input: { source: SourceCode; family: Family; immediateDanger: boolean; today: string },
  ): ReferralInput {
    const { source, family, immediateDanger, today } = input;
    const categoryCount = rng.weighted([
      [1, 55],
      [2, 35],
      [3, 10],
    ]);
    const categories = rng.weightedSample(family.adult ? ADULT_CATEGORIES : CHILD_CATEGORIES, categoryCount);
    const [summary, seen, said] = family.adult
      ? rng.pick(ADULT_CONCERN_TEXT)
      : rng.pick(CONCERN_TEXT[categories[0]!]);
    const consentGiven = rng.chance(immediateDanger ? 0.35 : 0.71);
    const who = family.adult ? 'adult' : 'child';
    return {
      immediateDanger,
      existingSocialWorker: rng.weighted([
        ['no', 65],
        ['yes', 15],
        ['unknown', 20],
      ]),
      referrer: referrerFor(rng, source, family.adult),
      subjects: family.subjects,
      ...(family.household.length > 0 ? { household: family.household } : {}),
      consent: consentGiven
        ? {
            parentsAware: true,
            consentGiven: true,
            consentFrom: family.adult ? 'The adult' : rng.pick(CONSENT_FROM),
          }
        : {
            parentsAware: rng.chance(0.4),
            consentGiven: false,
            reasonIfNot: rng.pick(CONSENT_REFUSED_REASONS[who]),
          },
      concern: {
        categories,
        summary,
        details: `What I saw: ${seen} What I was told: ${said}`,
        seen,
        said,
        incidentDate: shiftDate(today, 0, -rng.int(0, 10)),
        ...(rng.chance(0.4) ? { supportGiven: rng.pick(SUPPORT_GIVEN) } : {}),
      },
    };
  }

  // -------------------------------------------------------------------------------------------------------
  // What happens to the case, and when
  // -------------------------------------------------------------------------------------------------------

  private timeline(
    rng: Random,
    input: { receivedAt: number; referral: ReferralInput; adult: boolean; s42Met: boolean },
  ): CaseEvent[] {
    const { receivedAt: t0, referral, adult } = input;
    const received = new Date(t0);
    const events: CaseEvent[] = [];
    const workingLater = (from: number, hours: number) => addWorkingHours(new Date(from), hours).getTime();
    const source = referral.referrer.source;

    // Screening and rating: at once when someone is in immediate danger, otherwise in working hours.
    const rated = referral.immediateDanger || !rng.chance(0.103);
    let rag: Rag | null = referral.immediateDanger ? 'red' : null;
    let ratedAt: number | undefined;
    if (rated) {
      rag = referral.immediateDanger
        ? rng.chance(0.9)
          ? 'red'
          : 'amber'
        : rng.weighted<Rag>([
            ['red', 7.2],
            ['amber', 36.1],
            ['green', 46.4],
          ]);
      ratedAt = referral.immediateDanger
        ? t0 + rng.between(5, 60) * MINUTE
        : workingLater(t0, 0.1 + 1.4 * rng.float() ** 2);
      events.push({ kind: 'rate', at: ratedAt, rag, actor: practitioner(rng) });
    }
    const red = () => rag === 'red';
    const soon = (from: number, wallMinutes: [number, number], workingHours: [number, number]) =>
      red()
        ? from + rng.between(wallMinutes[0], wallMinutes[1]) * MINUTE
        : workingLater(from, rng.between(workingHours[0], workingHours[1]));

    // Agency requests, after a manager's authorisation when consent was not given.
    let requestAt: number | undefined;
    const answers: Array<number | undefined> = [];
    if (rated && rag && rng.chance(rag === 'red' ? 0.95 : rag === 'amber' ? 0.88 : 0.7)) {
      let readyAt: number | undefined = ratedAt!;
      if (!referral.consent.consentGiven) {
        if (rng.chance(0.85)) {
          readyAt = soon(ratedAt!, [10, 40], [0.1, 1]);
          events.push({
            kind: 'override',
            at: readyAt,
            rationale: rng.pick(OVERRIDE_RATIONALES),
            actor: manager(rng),
          });
        } else {
          readyAt = undefined; // decided on what the hub already holds
        }
      }
      if (readyAt !== undefined) {
        requestAt = soon(readyAt, [5, 30], [0.05, 0.5]);
        const agencies = rng.weightedSample(
          relevantAgencies(adult, referral.concern.categories),
          rng.weighted([
            [1, 20],
            [2, 35],
            [3, 30],
            [4, 15],
          ]),
        );
        events.push({ kind: 'request', at: requestAt, agencies, actor: practitioner(rng) });
        const due = agencyResponseDueAt(new Date(requestAt), rag).getTime();
        agencies.forEach((agency, slot) => {
          const deliveredAt = requestAt! + rng.int(1, 20) * 1000;
          events.push({ kind: 'deliver-request', at: deliveredAt, slot });
          const r = rng.float();
          let answeredAt: number | undefined;
          if (r < 0.74) {
            const share = 0.1 + 0.8 * rng.float() ** 1.5;
            const at = red()
              ? requestAt! + share * (due - requestAt!)
              : workingLater(requestAt!, share * (rag === 'amber' ? 6 : 7.5));
            answeredAt = Math.max(deliveredAt + MINUTE, Math.min(at, due - MINUTE));
          } else if (r < 0.92) {
            answeredAt = red()
              ? due + rng.between(5, 480) * MINUTE
              : workingLater(due, rng.between(0.25, 14));
          }
          answers.push(answeredAt);
          if (answeredAt !== undefined) {
            events.push({
              kind: 'answer',
              at: Math.round(answeredAt),
              slot,
              information: rng.pick(AGENCY_ANSWERS[agency]),
              releasable: rng.chance(0.75),
              actor: agencyOfficer(rng, agency),
            });
          }
        });
      }
    }

    // Some ratings change once agencies have answered.
    let reRatedAt: number | undefined;
    if (rated && rag && rng.chance(0.06)) {
      const firstAnswer = Math.min(...answers.filter((at): at is number => at !== undefined));
      reRatedAt = Number.isFinite(firstAnswer)
        ? firstAnswer + rng.between(10, 60) * MINUTE
        : workingLater(ratedAt!, rng.between(1, 4));
      const up = rag === 'green' || (rag === 'amber' && rng.chance(0.5));
      rag = rag === 'green' ? 'amber' : rag === 'red' ? 'amber' : up ? 'red' : 'green';
      events.push({
        kind: 'rate',
        at: reRatedAt,
        rag,
        rationale: rng.pick(up ? RE_RATING_UP : RE_RATING_DOWN),
        actor: practitioner(rng),
      });
    }

    // The decision: once the answers are in, or at the deadline (plus a little) without the missing ones.
    const stuck = rng.chance(rated ? 0.07 : 0.15);
    let decidedAt: number | undefined;
    let recipient: Agency | undefined;
    if (!stuck) {
      const due = decisionDueAt(received, rag ?? 'unrated').getTime();
      const base = Math.max(ratedAt ?? t0, reRatedAt ?? 0, requestAt ?? 0);
      let waitUntil = base;
      if (answers.length > 0) {
        const graceEnd = red() ? due + HOUR : workingLater(due, 2);
        const last = answers.some((at) => at === undefined)
          ? graceEnd
          : Math.min(Math.max(...(answers as number[])), graceEnd);
        waitUntil = Math.max(base, last);
      }
      decidedAt = rated ? soon(waitUntil, [15, 90], [0.1, 1.2]) : workingLater(t0, rng.between(0.5, 6));
      if (rng.chance(0.12)) decidedAt = workingLater(decidedAt, rng.between(4, 20)); // a backlog
      const outcome = chooseOutcome(rng, {
        adult,
        rag,
        s42Met: input.s42Met,
        source,
        immediateDanger: referral.immediateDanger,
      });
      recipient = recipientFor(rng, outcome, referrerAgency(source, adult));
      events.push({
        kind: 'decide',
        at: decidedAt,
        outcome,
        rationale:
          outcome === 'NFA' || outcome === 'ADULT_NFA'
            ? rng.pick(NFA_REASONS[adult ? 'adult' : 'child'])
            : rng.pick(DECISION_RATIONALES[outcome]),
        ...(recipient ? { recipientAgency: recipient } : {}),
        actor: practitioner(rng),
      });
      if (recipient) events.push({ kind: 'deliver-product', at: decidedAt + rng.int(1, 30) * 1000 });
    }

    // The referrer's feedback, after everything else.
    if (decidedAt !== undefined && rng.chance(0.22)) {
      const helpful = rng.chance(0.8);
      const last = Math.max(...events.map((event) => event.at));
      const rating = rng.chance(0.85)
        ? rng.weighted(
            helpful
              ? [
                  [5, 50],
                  [4, 35],
                  [3, 12],
                  [2, 2],
                  [1, 1],
                ]
              : [
                  [1, 20],
                  [2, 30],
                  [3, 35],
                  [4, 12],
                  [5, 3],
                ],
          )
        : undefined;
      events.push({
        kind: 'feedback',
        at: last + rng.between(2, 240) * HOUR,
        helpful,
        ...(rating !== undefined ? { rating } : {}),
        ...(rng.chance(0.3)
          ? { comment: rng.pick(FEEDBACK_COMMENTS[helpful ? 'helpful' : 'unhelpful']) }
          : {}),
      });
    }

    const end = this.window.end.getTime();
    return events
      .map((event) => ({ ...event, at: Math.round(event.at) }))
      .filter((event) => event.at < end)
      .map((event, order) => ({ event, order }))
      .sort((a, b) => a.event.at - b.event.at || a.order - b.order)
      .map(({ event }) => event);
  }
}

function adultAge(rng: Random): number {
  const [low, high] = rng.weighted<readonly [number, number]>([
    [[18, 30], 15],
    [[31, 50], 25],
    [[51, 65], 15],
    [[66, 80], 25],
    [[81, 95], 20],
  ]);
  return rng.int(low, high);
}

function referrerFor(rng: Random, source: SourceCode, adult: boolean): ReferralInput['referrer'] {
  const name = `${firstName(rng)} ${lastName(rng)}`;
  const [first, last] = name.split(' ') as [string, string];
  const professional = (role: string, organisation: string) => ({
    source,
    name,
    role,
    organisation,
    email: email(first, last, organisation),
    ...(rng.chance(0.7) ? { phone: phone(rng) } : {}),
    relationship: adult ? 'Professional working with the adult' : 'Professional working with the child',
  });
  const place = townName(rng);
  switch (source) {
    case '6':
      return professional(
        rng.pick(['Police constable', 'Detective constable', 'Police sergeant']),
        `${place} Constabulary`,
      );
    case '2A':
      return professional(
        rng.pick(['Designated safeguarding lead', 'Head teacher', 'Class teacher']),
        `${organisationWord(rng)} ${rng.chance(0.6) ? 'Primary School' : 'Academy'}`,
      );
    case '2B':
      return professional(
        rng.pick(['Education welfare officer', 'Nursery manager']),
        `${place} ${rng.chance(0.5) ? 'Education Welfare Service' : 'Nursery'}`,
      );
    case '3A':
      return professional('GP', `${organisationWord(rng)} Surgery`);
    case '3B':
      return professional('Health visitor', `${place} Community Health`);
    case '3C':
      return professional('School nurse', `${place} Community Health`);
    case '3D':
      return professional(rng.pick(['Practice nurse', 'Midwife']), `${place} Primary Care`);
    case '3E':
      return professional('Emergency department nurse', `${place} General Hospital`);
    case '3F':
      return professional(rng.pick(['Paediatrician', 'Mental health nurse']), `${place} Health Trust`);
    case '4':
      return professional('Housing officer', `${place} Housing Association`);
    case '5A':
      return professional('Social worker', `${place} Council`);
    case '5B':
      return professional('Family support worker', `${place} Council`);
    case '5C':
      return professional('Social worker', `${townName(rng)} Council`);
    case '5D':
      return professional('Early help practitioner', `${place} Council`);
    case '7':
      return professional('Family court adviser', `${place} Family Court Service`);
    case '8':
      return professional(
        rng.pick(['Youth worker', 'Charity support worker', 'Faith group leader']),
        `${organisationWord(rng)} Trust`,
      );
    case '9':
      return { source };
    case '10':
      return { source, name }; // only source 9 may be anonymous
    default: {
      const relationship =
        source === '1A'
          ? rng.pick(['Grandparent', 'Aunt', 'Uncle', 'Older sibling'])
          : source === '1B'
            ? 'Neighbour'
            : source === '1C'
              ? 'Self'
              : 'Family friend';
      return { source, name, ...(rng.chance(0.8) ? { phone: phone(rng) } : {}), relationship };
    }
  }
}

function relevantAgencies(adult: boolean, categories: ConcernCategory[]): Array<[Agency, number]> {
  const weights = new Map<Agency, number>(
    adult
      ? [
          ['adult-social-care', 10],
          ['health', 8],
          ['police', 6],
          ['mental-health', 4],
          ['housing', 2],
        ]
      : [
          ['police', 10],
          ['health', 9],
          ['education', 8],
          ['childrens-social-care', 7],
          ['housing', 1],
        ],
  );
  const boost = (agency: Agency, weight: number) => weights.set(agency, (weights.get(agency) ?? 0) + weight);
  for (const category of categories) {
    if (category === 'domestic-abuse') {
      boost('domestic-abuse', 6);
      boost('probation', 3);
    }
    if (category === 'substance-misuse' || category === 'parental-mental-health') boost('mental-health', 5);
    if (category === 'cce' || category === 'missing') boost('youth-justice', 5);
    if (category === 'neglect') boost('housing', 3);
  }
  return [...weights];
}

function chooseOutcome(
  rng: Random,
  input: { adult: boolean; rag: Rag | null; s42Met: boolean; source: SourceCode; immediateDanger: boolean },
): Outcome {
  const { adult, rag, s42Met, source } = input;
  if (input.immediateDanger && !adult && rag === 'red') {
    return rng.weighted<Outcome>([
      ['STRATEGY_DISCUSSION_S47', 50],
      ['IMMEDIATE_PROTECTION', 30],
      ['S17_ASSESSMENT', 15],
      ['NFA', 5],
    ]);
  }
  if (adult) {
    if (s42Met)
      return rng.weighted<Outcome>([
        ['S42_ENQUIRY', 75],
        ['OTHER_ENQUIRY', 15],
        ['ADULT_ADVICE', 5],
        ['ADULT_NFA', 5],
      ]);
    return rag === 'red' || rag === 'amber'
      ? rng.weighted<Outcome>([
          ['OTHER_ENQUIRY', 40],
          ['S42_ENQUIRY', 10],
          ['ADULT_ADVICE', 20],
          ['ADULT_NFA', 30],
        ])
      : rng.weighted<Outcome>([
          ['ADULT_ADVICE', 40],
          ['ADULT_NFA', 50],
          ['OTHER_ENQUIRY', 10],
        ]);
  }
  // Police notifications and the public carry more NFA than professionals who know the child.
  const nfa = source === '6' || source.startsWith('1') || source === '9' || source === '10' ? 1.35 : 1;
  const table: Record<Rag | 'unrated', Array<[Outcome, number]>> = {
    red: [
      ['STRATEGY_DISCUSSION_S47', 45],
      ['IMMEDIATE_PROTECTION', 12],
      ['S17_ASSESSMENT', 25],
      ['EARLY_HELP', 5],
      ['NFA', 6 * nfa],
      ['LADO', 4],
      ['OTHER_LOCAL_AUTHORITY', 3],
    ],
    amber: [
      ['S17_ASSESSMENT', 28],
      ['EARLY_HELP', 25],
      ['STRATEGY_DISCUSSION_S47', 8],
      ['NFA', 22 * nfa],
      ['ADVICE_SIGNPOSTING', 12],
      ['LADO', 3],
      ['OTHER_LOCAL_AUTHORITY', 2],
    ],
    green: [
      ['NFA', 48 * nfa],
      ['ADVICE_SIGNPOSTING', 25],
      ['EARLY_HELP', 22],
      ['S17_ASSESSMENT', 3],
      ['OTHER_LOCAL_AUTHORITY', 2],
    ],
    unrated: [
      ['NFA', 58 * nfa],
      ['ADVICE_SIGNPOSTING', 32],
      ['OTHER_LOCAL_AUTHORITY', 10],
    ],
  };
  return rng.weighted(table[rag ?? 'unrated']);
}

function recipientFor(rng: Random, outcome: Outcome, referrer: Agency | undefined): Agency | undefined {
  switch (outcome) {
    case 'S17_ASSESSMENT':
    case 'STRATEGY_DISCUSSION_S47':
    case 'IMMEDIATE_PROTECTION':
    case 'OTHER_LOCAL_AUTHORITY':
    case 'LADO':
      return 'childrens-social-care';
    case 'EARLY_HELP':
      return referrer ?? 'childrens-social-care';
    case 'S42_ENQUIRY':
    case 'OTHER_ENQUIRY':
      return 'adult-social-care';
    case 'ADVICE_SIGNPOSTING':
      return rng.chance(0.6) ? referrer : undefined;
    case 'ADULT_ADVICE':
      return rng.chance(0.5) ? referrer : undefined;
    case 'NFA':
      return rng.chance(0.2) ? referrer : undefined;
    case 'ADULT_NFA':
      return undefined;
  }
}
