/**
 * Request bodies and query strings of the JSON API. The handlers validate with them and the OpenAPI 3.1
 * document is generated from them (responses: response-schemas.ts), so the document cannot drift.
 */
import * as z from 'zod';
import { AGENCIES, CASE_STATUSES, OUTCOMES, RAG_RATINGS } from '../domain/codes.ts';
import { referralSchema } from '../domain/referral.ts';

export const feedbackSchema = z
  .object({
    reference: z
      .string({ error: 'Enter your referral reference' })
      .trim()
      .min(1, { error: 'Enter your referral reference' })
      .max(40),
    receiptToken: z
      .string({ error: 'Enter the receipt token you were given' })
      .trim()
      .min(1, { error: 'Enter the receipt token you were given' })
      .max(200),
    helpful: z.boolean({ error: 'Select yes if the service helped you' }),
    rating: z
      .number({ error: 'Rating must be a whole number from 1 to 5' })
      .int({ error: 'Rating must be a whole number from 1 to 5' })
      .min(1, { error: 'Rating must be a whole number from 1 to 5' })
      .max(5, { error: 'Rating must be a whole number from 1 to 5' })
      .optional(),
    comment: z
      .string({ error: 'Comment must be text' })
      .trim()
      .max(2000, { error: 'Comment must be 2000 characters or fewer' })
      .optional(),
  })
  .meta({ id: 'Feedback' });

const booleanQuery = z.enum(['true', 'false'], { error: 'Use true or false' });

// The regex keeps it to digits, so the number it becomes is whole; the document shows it as 1–500.
const pageLimit = z
  .string()
  .regex(/^\d{1,4}$/, { error: 'Use a whole number from 1 to 500' })
  .transform(Number)
  .pipe(
    z
      .int()
      .min(1, { error: 'Use a whole number from 1 to 500' })
      .max(500, { error: 'Use a whole number from 1 to 500' }),
  );
const pageCursor = z.string().max(2048, { error: 'Use the nextCursor of the previous page' });

const pageLimitParameter = pageLimit.optional().meta({ description: 'How many items on the page' });
const pageCursorParameter = pageCursor
  .optional()
  .meta({ description: 'The `nextCursor` of the previous page; absent for the first page' });

export const caseListQuerySchema = z.object({
  status: z
    .enum(CASE_STATUSES, { error: `Use one of ${CASE_STATUSES.join(', ')}` })
    .optional()
    .meta({ description: 'Only cases in this status' }),
  rag: z
    .enum(RAG_RATINGS, { error: `Use one of ${RAG_RATINGS.join(', ')}` })
    .optional()
    .meta({ description: 'Only cases with this rating' }),
  overdue: booleanQuery
    .optional()
    .meta({ description: 'true: only undecided cases past their deadline; false: only the others' }),
  limit: pageLimitParameter,
  cursor: pageCursorParameter,
});

/** GET /api/agency/requests: open first, then answered, unless `status` picks one. */
export const agencyRequestListQuerySchema = z.object({
  status: z
    .enum(['open', 'answered'], { error: 'Use open or answered' })
    .optional()
    .meta({ description: 'Only open or only answered requests; both (open first) when absent' }),
  limit: pageLimitParameter,
  cursor: pageCursorParameter,
});

/** GET /api/agency/products: newest first. */
export const agencyProductListQuerySchema = z.object({
  limit: pageLimitParameter,
  cursor: pageCursorParameter,
});

/** The optional `Idempotency-Key` header of POST /api/referrals. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/)
  .meta({
    description:
      'Same key and same body again: the same reference, no second case. Same key, other body: 409. ' +
      '1 to 128 letters, digits, dots, dashes, underscores or colons.',
  });

export { referralSchema };

const rationale = (required: string) =>
  z
    .string({ error: required })
    .trim()
    .min(1, { error: required })
    .max(5000, { error: 'Must be 5000 characters or fewer' });

export const triageSchema = z
  .object({
    rag: z.enum(RAG_RATINGS, { error: 'Choose red, amber or green' }),
    rationale: z
      .string({ error: 'Rationale must be text' })
      .trim()
      .max(5000, { error: 'Must be 5000 characters or fewer' })
      .optional(),
  })
  .meta({ id: 'Triage', description: 'A rating; re-rating needs a rationale' });

export const consentOverrideSchema = z
  .object({ rationale: rationale('Explain why agency checks are needed without consent') })
  .meta({ id: 'ConsentOverride' });

export const informationRequestsSchema = z
  .object({
    agencies: z
      .array(z.enum(AGENCIES, { error: `Use one of ${AGENCIES.join(', ')}` }), {
        error: 'Choose the agencies to ask',
      })
      .min(1, { error: 'Choose at least one agency' })
      .max(AGENCIES.length, { error: 'Choose each agency once' })
      .refine((agencies) => new Set(agencies).size === agencies.length, { error: 'Choose each agency once' }),
    questions: z
      .string({ error: 'Questions must be text' })
      .trim()
      .max(5000, { error: 'Must be 5000 characters or fewer' })
      .optional(),
  })
  .meta({ id: 'InformationRequests' });

export const decisionSchema = z
  .object({
    outcome: z.enum(OUTCOMES, { error: `Use one of ${OUTCOMES.join(', ')}` }),
    rationale: rationale('Give the reason for the decision'),
    recipientAgency: z.enum(AGENCIES, { error: `Use one of ${AGENCIES.join(', ')}` }).optional(),
  })
  .meta({ id: 'Decision' });

export const agencyResponseSchema = z
  .object({
    information: z
      .string({ error: 'Enter the information your agency holds, or say it holds none' })
      .trim()
      .min(1, { error: 'Enter the information your agency holds, or say it holds none' })
      .max(20000, { error: 'Must be 20000 characters or fewer' }),
    releasable: z.boolean({ error: 'Say whether the information may leave the hub (true or false)' }),
  })
  .meta({ id: 'AgencyResponse' });
