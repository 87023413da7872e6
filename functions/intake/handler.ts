/**
 * The public front door: POST /api/referrals, GET /api/referrals/{reference}/status,
 * POST /api/feedback and GET /api/openapi.json.
 */
import { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { describeOutcome } from '../../src/domain/outcomes.ts';
import { parseReferral } from '../../src/domain/referral.ts';
import { londonIsoDate } from '../../src/domain/timescales.ts';
import { REFERENCE_PATTERN } from '../../src/domain/tokens.ts';
import { createApiHandler, validate } from '../../src/http/api.ts';
import { feedbackSchema } from '../../src/http/api-schemas.ts';
import { badRequest, conflict, HttpError, notFound } from '../../src/http/errors.ts';
import { openApiDocument } from '../../src/http/openapi.ts';
import { documents } from '../../src/platform/clients.ts';
import { hubClock } from '../../src/platform/clock.ts';
import { functionMetrics } from '../../src/platform/powertools.ts';
import {
  ReferralInProgressError,
  referralStatus,
  registerLambdaContext,
  submitFeedback,
  submitReferral,
} from '../../src/services/intake.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

const metrics = functionMetrics('intake');

const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const handler = createApiHandler(
  'intake',
  {
    'POST /api/referrals': async ({ body, headers }) => {
      const idempotencyKey = headers['idempotency-key'];
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
        throw badRequest('The Idempotency-Key header is not valid.', [
          {
            path: 'headers.Idempotency-Key',
            message: 'Use 1 to 128 letters, digits, dots, dashes, underscores or colons',
          },
        ]);
      }
      const parsed = parseReferral(body, londonIsoDate(hubClock.now()));
      if (!parsed.ok) throw badRequest('The referral has invalid fields.', parsed.issues);

      // A concurrent duplicate waits in the service for the first request's receipt; it never sees a 500.
      const receipt = await submitReferral(parsed.referral, idempotencyKey ? { idempotencyKey } : {});
      metrics.addMetric('ReferralReceived', 'Count', 1);
      return {
        statusCode: 201,
        body: receipt,
        headers: { Location: `/api/referrals/${receipt.reference}/status` },
      };
    },

    'GET /api/referrals/{reference}/status': async ({ pathParameters, query }) => {
      const reference = (pathParameters.reference ?? '').toUpperCase();
      if (!query.token) {
        throw badRequest('Send the receipt token you were given.', [
          { path: 'query.token', message: 'Enter the receipt token you were given' },
        ]);
      }
      const view = REFERENCE_PATTERN.test(reference)
        ? await referralStatus(reference, query.token)
        : undefined;
      if (!view) throw notFound('No referral matches that reference and receipt token.');
      return {
        statusCode: 200,
        body: { ...view, ...(view.outcome ? { outcomeDescription: describeOutcome(view.outcome) } : {}) },
      };
    },

    'POST /api/feedback': async ({ body }) => {
      const feedback = validate(feedbackSchema, body, 'The feedback has invalid fields.');
      const result = await submitFeedback({ ...feedback, reference: feedback.reference.toUpperCase() });
      if (result === 'not-found') throw notFound('No referral matches that reference and receipt token.');
      return { statusCode: 201, body: { status: 'recorded' } };
    },

    'GET /api/openapi.json': async () => ({ statusCode: 200, body: openApiDocument() }),
  },
  {
    onContext: registerLambdaContext,
    translateError: (error) => {
      if (error instanceof IdempotencyValidationError)
        return conflict('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different referral.');
      if (error instanceof ReferralInProgressError) {
        return new HttpError(
          409,
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this Idempotency-Key is still being processed; retry shortly.',
          { headers: { 'Retry-After': '1' } },
        );
      }
      return undefined;
    },
  },
);
