/**
 * /feedback: a referrer says whether the service helped, with the reference and receipt token they
 * were given. The form has its own session cookie (Path=/feedback) only to bind its CSRF token.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { HttpError } from '../../http/errors.ts';
import { submitFeedback } from '../../services/intake.ts';
import { csrfToken, isSessionId, isValidCsrfToken, newSessionId } from '../shared/csrf.ts';
import { errorPage } from '../shared/error-pages.ts';
import {
  errorView,
  type FieldError,
  type FormValues,
  optional,
  orderErrors,
  postedValues,
  yesNo,
} from '../shared/form.ts';
import { field, htmlResponse, type PageRequest, redirect, serializeCookie } from '../shared/http.ts';
import { renderPage } from '../shared/render.ts';

const FEEDBACK_COOKIE = 'mash_feedback';
const FIELDS = ['reference', 'receiptToken', 'helpful', 'rating', 'comment'] as const;

const feedbackFormSchema = z.object({
  reference: z
    .string({ error: 'Enter your reference number' })
    .max(50, { error: 'Reference number must be 50 characters or fewer' }),
  receiptToken: z
    .string({ error: 'Enter your receipt token' })
    .max(200, { error: 'Receipt token must be 200 characters or fewer' }),
  helpful: z.boolean({ error: 'Select yes if this service helped you' }),
  rating: z.number().int().min(1).max(5).optional(),
  comment: z.string().max(2000, { error: 'Your comments must be 2000 characters or fewer' }).optional(),
});
type FeedbackForm = z.infer<typeof feedbackFormSchema>;

/** The form's fields → the feedback the intake service takes, or the errors to show. */
function readFeedback(
  form: PageRequest['form'],
): { ok: true; value: FeedbackForm } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const ratingText = field(form, 'rating');
  let rating: number | undefined;
  if (ratingText !== '') {
    if (/^[1-5]$/.test(ratingText)) rating = Number(ratingText);
    else errors.push({ field: 'rating', message: 'Select a rating from 1 to 5' });
  }
  const result = feedbackFormSchema.safeParse({
    reference: optional(form, 'reference')?.toUpperCase(),
    receiptToken: optional(form, 'receiptToken'),
    helpful: yesNo(form, 'helpful'),
    rating,
    comment: optional(form, 'comment'),
  });
  if (!result.success) {
    for (const issue of result.error.issues)
      errors.push({ field: String(issue.path[0] ?? 'reference'), message: issue.message });
  }
  if (errors.length > 0 || !result.success) return { ok: false, errors: orderErrors(errors, FIELDS) };
  return { ok: true, value: result.data };
}

export async function feedbackPage(request: PageRequest): Promise<APIGatewayProxyResult> {
  const cookie = request.cookies[FEEDBACK_COOKIE];
  let sessionId = isSessionId(cookie) ? cookie : undefined;

  if (request.method === 'POST' && !isValidCsrfToken(sessionId, 'feedback', field(request.form, '_csrf'))) {
    return errorPage(request, 403, {
      title: 'Sorry, we could not accept that form',
      paragraphs: ['The page you sent it from had expired, or it did not come from this service.'],
      link: { href: '/feedback', text: 'Go back to the feedback form' },
    });
  }
  let setCookie: string | undefined;
  if (!sessionId) {
    sessionId = newSessionId();
    setCookie = serializeCookie(FEEDBACK_COOKIE, sessionId, { path: '/feedback', secure: request.secure });
  }
  const withCookie = setCookie ? { setCookie } : {};

  const show = (values: FormValues, errors: FieldError[] = []) =>
    htmlResponse(
      request,
      renderPage('feedback.njk', {
        title: 'Give feedback on a referral',
        cspNonce: request.cspNonce,
        csrfToken: csrfToken(sessionId!, 'feedback'),
        navCurrent: 'feedback',
        values,
        ...errorView(errors),
      }),
      withCookie,
    );

  if (request.method === 'GET') {
    if (request.query.sent === '1') {
      return htmlResponse(
        request,
        renderPage('feedback-sent.njk', {
          title: 'Thank you for your feedback',
          cspNonce: request.cspNonce,
          navCurrent: 'feedback',
        }),
        withCookie,
      );
    }
    const reference = /^[A-Za-z0-9-]{1,50}$/.test(request.query.reference ?? '')
      ? request.query.reference!
      : '';
    return show({ reference });
  }

  const outcome = readFeedback(request.form);
  if (!outcome.ok) return show(postedValues(request.form), outcome.errors);
  let result: 'recorded' | 'not-found';
  try {
    result = await submitFeedback(outcome.value);
  } catch (error) {
    if (error instanceof HttpError && error.statusCode === 404) result = 'not-found';
    else if (error instanceof HttpError && error.statusCode === 400) {
      const errors = (error.details ?? []).map((detail) => ({
        field: detail.path.split('.')[0] ?? 'reference',
        message: detail.message,
      }));
      return show(
        postedValues(request.form),
        errors.length > 0 ? orderErrors(errors, FIELDS) : [{ field: 'reference', message: error.message }],
      );
    } else throw error;
  }
  if (result === 'not-found') {
    return show(postedValues(request.form), [
      {
        field: 'reference',
        message:
          'We could not find a referral with this reference number and receipt token. Check both and try again',
      },
    ]);
  }
  return redirect(request, '/feedback?sent=1', withCookie);
}
