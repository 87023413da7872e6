/**
 * What the JSON API sends: one zod schema per response body (CONTRACT.md's shapes, and what the handlers
 * add to them). The OpenAPI document is generated from these schemas; the handlers' bodies are typed
 * from them and the tests parse real responses with them, so the document cannot drift from the wire.
 *
 * Every schema with an `id` becomes a component of the document. No transforms here: a response schema
 * describes JSON as it is sent.
 */
import * as z from 'zod';
import { AGENCIES, CASE_STATUSES, OUTCOMES, RAG_RATINGS, ROLES, SUBJECT_TYPES } from '../domain/codes.ts';
import { FIGURES, type FigureKind, SCHEMA_VERSION, SUPPRESSED } from '../domain/metrics/export-schema.ts';
import { PERIOD_KINDS } from '../domain/metrics/periods.ts';
import { addressSchema, referralSchema } from '../domain/referral.ts';
import { REFERENCE_PATTERN } from '../domain/tokens.ts';

const instantSchema = z.iso
  .datetime()
  .meta({ id: 'Instant', description: 'ISO-8601 instant in UTC, e.g. 2026-05-27T07:45:00.000Z' });
const isoDate = z.iso.date();
const reference = z
  .string()
  .regex(REFERENCE_PATTERN)
  .meta({ id: 'Reference', description: 'A referral reference, e.g. MASH-7K3Q-9XBD' });
/** Case, request and product ids. */
const uuid = z.uuid().meta({ id: 'Uuid' });
const agency = z.enum(AGENCIES);
const outcome = z.enum(OUTCOMES);
const rag = z.enum(RAG_RATINGS);
const caseStatus = z.enum(CASE_STATUSES);

/** The one error shape (src/http/errors.ts). */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, e.g. VALIDATION_FAILED, NOT_FOUND, CONSENT_REQUIRED' }),
      message: z.string().meta({ description: 'For a person: what went wrong and what to do' }),
      details: z
        .array(
          z.object({
            path: z.string().meta({ description: 'Dot form, e.g. subjects.0.dateOfBirth' }),
            message: z.string(),
          }),
        )
        .optional()
        .meta({ description: 'On a 400: every invalid field' }),
    }),
  })
  .meta({ id: 'Error' });

// ---------------------------------------------------------------------------------------------------------
// Intake (public)
// ---------------------------------------------------------------------------------------------------------

export const referralReceiptSchema = z
  .object({
    reference,
    receiptToken: z
      .string()
      .meta({ description: 'Shown once; lets the referrer check the status and give feedback' }),
    status: z.literal('received'),
    receivedAt: instantSchema,
    decisionDueAt: instantSchema,
  })
  .meta({ id: 'ReferralReceipt' });
export type ReferralReceiptBody = z.infer<typeof referralReceiptSchema>;

export const referralStatusSchema = z
  .object({
    reference,
    status: caseStatus,
    outcome: outcome.optional().meta({ description: 'Once decided' }),
    outcomeDescription: z.string().optional().meta({ description: 'The outcome in plain words' }),
  })
  .meta({ id: 'ReferralStatus', description: 'No personal data, no agency information' });

export const feedbackRecordedSchema = z
  .object({ status: z.literal('recorded') })
  .meta({ id: 'FeedbackRecorded' });

export const openApiDocumentSchema = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .meta({ id: 'OpenApiDocument', description: 'This document (OpenAPI 3.1)' });

// ---------------------------------------------------------------------------------------------------------
// The hub's cases
// ---------------------------------------------------------------------------------------------------------

const caseListItemSchema = z
  .object({
    id: uuid,
    reference,
    status: caseStatus,
    rag: rag.nullable().meta({ description: 'null until rated, except red at once for immediate danger' }),
    receivedAt: instantSchema,
    decisionDueAt: instantSchema,
    overdue: z.boolean(),
    reReferral: z.boolean().meta({ description: 'A subject was referred in the 12 months before' }),
  })
  .meta({ id: 'CaseListItem' });

const nextCursor = z
  .string()
  .optional()
  .meta({ description: 'Present when there is another page: send it as `cursor`' });

export const caseListSchema = z
  .object({ items: z.array(caseListItemSchema), nextCursor })
  .meta({ id: 'CaseList', description: 'Sorted by decisionDueAt, soonest first' });
export type CaseListBody = z.infer<typeof caseListSchema>;

const ratingChangeSchema = z
  .object({ rag, rationale: z.string(), at: instantSchema, by: z.string(), decisionDueAt: instantSchema })
  .meta({ id: 'RatingChange' });

const consentOverrideRecordSchema = z
  .object({ rationale: z.string(), at: instantSchema, by: z.string() })
  .meta({ id: 'ConsentOverrideRecord', description: "A manager's authorisation of checks without consent" });

const decisionRecordSchema = z
  .object({
    outcome,
    rationale: z.string(),
    decidedAt: instantSchema,
    decidedBy: z.string(),
    recipientAgency: agency.optional(),
    withinTimescale: z.boolean().meta({ description: 'Made within the deadline in force' }),
  })
  .meta({ id: 'DecisionRecord' });

const requestSummarySchema = z
  .object({
    id: uuid,
    agency,
    issuedAt: instantSchema,
    dueAt: instantSchema,
    answeredAt: instantSchema.optional(),
  })
  .meta({ id: 'RequestSummary' });

const searchDetailsSchema = z
  .object({
    type: z.enum(SUBJECT_TYPES),
    firstName: z.string(),
    lastName: z.string(),
    otherNames: z.string().optional(),
    dateOfBirth: isoDate.optional(),
    address: addressSchema.optional(),
  })
  .meta({
    id: 'SearchDetails',
    description: 'What an agency needs to search its own records for a subject, and nothing more',
  });

/** An agency's answer; the agency sees it without `answeredBy` (who in the hub recorded it is the hub's). */
const answerSchema = z.object({
  information: z.string(),
  releasable: z.boolean(),
  answeredAt: instantSchema,
  answeredBy: z.string(),
  late: z.boolean(),
});

export const informationRequestRecordSchema = z
  .object({
    id: uuid,
    caseId: uuid,
    caseReference: reference,
    agency,
    questions: z.string(),
    issuedAt: instantSchema,
    issuedBy: z.string(),
    dueAt: instantSchema,
    rag: rag.meta({ description: "The case's rating when the request was issued" }),
    status: z.enum(['open', 'answered']),
    deliveredAt: instantSchema.optional().meta({ description: "When it reached the agency's inbox" }),
    subjects: z.array(searchDetailsSchema),
    answer: answerSchema.optional(),
  })
  .meta({ id: 'InformationRequestRecord' });

export const caseViewSchema = z
  .object({
    id: uuid,
    reference,
    status: caseStatus,
    rag: rag.nullable(),
    receivedAt: instantSchema,
    decisionDueAt: instantSchema,
    overdue: z.boolean(),
    immediateDanger: z.boolean(),
    referral: referralSchema,
    reReferral: z.boolean(),
    reReferralOf: z
      .array(reference)
      .meta({ description: 'The earlier references that made it a re-referral' }),
    ratingHistory: z.array(ratingChangeSchema),
    consentOverride: consentOverrideRecordSchema.optional(),
    outstandingRequests: z.int().min(0).optional(),
    requestIds: z.array(uuid).optional(),
    requestSummaries: z.array(requestSummarySchema).optional(),
    feedbackResponses: z.int().min(0).optional(),
    feedbackHelpful: z.int().min(0).optional(),
    feedbackRatingSum: z.int().min(0).optional(),
    feedbackRatingCount: z.int().min(0).optional(),
    decision: decisionRecordSchema.optional(),
    productId: uuid.optional(),
    requests: z.array(informationRequestRecordSchema),
  })
  .meta({ id: 'CaseView', description: 'The whole case: referral, consent, history, requests and answers' });
export type CaseViewBody = z.infer<typeof caseViewSchema>;

export const ratedCaseSchema = z
  .object({ id: uuid, reference, status: caseStatus, rag, decisionDueAt: instantSchema })
  .meta({ id: 'RatedCase', description: 'The new rating and the decision deadline recomputed from receipt' });

export const consentOverriddenSchema = z
  .object({ id: uuid, consentOverride: consentOverrideRecordSchema })
  .meta({ id: 'ConsentOverridden' });

export const queuedRequestsSchema = z
  .object({ requests: z.array(z.object({ id: uuid, agency, dueAt: instantSchema })) })
  .meta({ id: 'QueuedRequests', description: 'One request per agency, each with its due time' });
export type QueuedRequestsBody = z.infer<typeof queuedRequestsSchema>;

export const decidedCaseSchema = z
  .object({
    id: uuid,
    reference,
    status: z.literal('decided'),
    decision: decisionRecordSchema,
    productId: uuid.optional().meta({ description: 'The information product, when sent to an agency' }),
  })
  .meta({ id: 'DecidedCase' });

export const auditTrailSchema = z
  .object({
    items: z.array(
      z
        .object({
          at: instantSchema,
          actor: z.string().meta({ description: "The token's subject, or referrer / system" }),
          role: z.enum([...ROLES, 'referrer', 'system']),
          agency: agency.optional(),
          action: z.string().meta({ description: 'e.g. referral.received, case.viewed, case.listed' }),
          detail: z.string().optional().meta({ description: 'Why, or what changed; never personal data' }),
        })
        .meta({ id: 'AuditEntry' }),
    ),
  })
  .meta({ id: 'AuditTrail', description: 'Every access to and change of the case, oldest first' });
export type AuditTrailBody = z.infer<typeof auditTrailSchema>;

// ---------------------------------------------------------------------------------------------------------
// Partner agencies
// ---------------------------------------------------------------------------------------------------------

export const agencyRequestSchema = z
  .object({
    id: uuid,
    caseReference: reference,
    issuedAt: instantSchema,
    dueAt: instantSchema,
    status: z.enum(['open', 'answered']),
    overdue: z.boolean(),
    questions: z.string(),
    subjects: z.array(searchDetailsSchema),
    answer: answerSchema.omit({ answeredBy: true }).optional(),
  })
  .meta({ id: 'AgencyRequest', description: 'An information request as its agency sees it' });
export type AgencyRequestBody = z.infer<typeof agencyRequestSchema>;

export const agencyRequestPageSchema = z
  .object({ items: z.array(agencyRequestSchema), nextCursor })
  .meta({ id: 'AgencyRequestPage' });
export type AgencyRequestPageBody = z.infer<typeof agencyRequestPageSchema>;

const agencyProductSchema = z
  .object({
    id: uuid,
    caseReference: reference,
    recipientAgency: agency,
    outcome,
    outcomeDescription: z.string(),
    rationale: z.string(),
    decidedAt: instantSchema,
    subjects: z.array(searchDetailsSchema),
    releasableAnswers: z
      .array(z.object({ agency, information: z.string() }))
      .meta({ description: 'Only the answers their agencies released' }),
    sentAt: instantSchema,
  })
  .meta({
    id: 'AgencyProduct',
    description: 'An information product: the decision and the released answers',
  });

export const agencyProductPageSchema = z
  .object({ items: z.array(agencyProductSchema), nextCursor })
  .meta({ id: 'AgencyProductPage' });
export type AgencyProductPageBody = z.infer<typeof agencyProductPageSchema>;

// ---------------------------------------------------------------------------------------------------------
// The board's exports
// ---------------------------------------------------------------------------------------------------------

const periodKind = z.enum(PERIOD_KINDS);

export const reportListSchema = z
  .object({
    items: z.array(
      z
        .object({
          key: z.string().meta({ description: 'reports/PERIOD/PERIOD_ID.json' }),
          period: periodKind,
          periodId: z.string().meta({ description: '2026-11-25, 2026-W48 or 2026-11' }),
          generatedAt: instantSchema,
        })
        .meta({ id: 'ReportListing' }),
    ),
  })
  .meta({ id: 'ReportList', description: 'Every JSON export, newest period first within each kind' });
export type ReportListBody = z.infer<typeof reportListSchema>;

const suppressed = z.literal(SUPPRESSED).meta({ description: 'Suppressed by disclosure control' });
const figureSchemas: Record<FigureKind, z.ZodType> = {
  count: z.union([z.int().min(0), suppressed]).meta({ id: 'Count', description: 'A count, or "c"' }),
  percent: z
    .union([z.number().min(0).max(100), z.null(), suppressed])
    .meta({ id: 'Percent', description: '0–100 with one decimal; null when there is nothing to divide by' }),
  hours: z
    .union([z.number().min(0), z.null(), suppressed])
    .meta({ id: 'Hours', description: 'Working hours; null when there is nothing to measure' }),
  mean: z
    .union([z.number().min(1).max(5), z.null(), suppressed])
    .meta({ id: 'MeanRating', description: 'The mean rating (1–5); null when nobody rated' }),
};

/** The figures' tree, from the one ordered list of figures the writers use (export-schema.ts). */
function figureTree(): z.ZodObject {
  type Node = { [key: string]: Node | z.ZodType };
  const root: Node = {};
  for (const figure of FIGURES) {
    let node = root;
    for (const segment of figure.path.slice(0, -1)) {
      node[segment] ??= {};
      node = node[segment] as Node;
    }
    node[figure.path.at(-1)!] = figureSchemas[figure.kind];
  }
  const toObject = (node: Node): z.ZodObject =>
    z.object(
      Object.fromEntries(
        Object.entries(node).map(([key, child]) => [
          key,
          child instanceof z.ZodType ? child : toObject(child),
        ]),
      ),
    );
  return toObject(root);
}

export const boardExportSchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    period: periodKind,
    periodId: z.string(),
    periodStart: instantSchema.meta({ description: 'Midnight London time at the start of the period' }),
    periodEnd: instantSchema.meta({ description: 'The start of the next period (exclusive)' }),
    generatedAt: instantSchema,
  })
  .extend(figureTree().shape)
  .meta({ id: 'BoardExport', description: 'Codes and counts only; counts of 1 to 5 are suppressed ("c")' });
