/**
 * Which controller answers which page route (src/routes.ts lists the routes the `pages` function
 * serves). Unknown resources and steps get the GOV.UK "Page not found" page.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../platform/powertools.ts';
import { agencyPage } from './agency.ts';
import { assetResponse } from './assets.ts';
import { boardControllers } from './board.ts';
import { feedbackPage } from './feedback.ts';
import {
  type PageRequest,
  RequestTooLargeError,
  securityHeaders,
  toPageRequest,
  UnsupportedMediaTypeError,
} from './http.ts';
import { errorPage, notFound, serverError } from './pages-common.ts';
import { referPage } from './refer.ts';
import { startPage } from './start.ts';
import { workbenchCasePage, workbenchQueuePage } from './workbench.ts';

type Controller = (request: PageRequest) => Promise<APIGatewayProxyResult> | APIGatewayProxyResult;

const controllers: Record<string, Controller> = {
  '/': startPage,
  '/refer': referPage,
  '/refer/{step+}': referPage,
  '/feedback': feedbackPage,
  '/workbench': workbenchQueuePage,
  '/workbench/{path+}': workbenchCasePage,
  '/agency': agencyPage,
  '/agency/{path+}': agencyPage,
  ...boardControllers,
};

export async function routePage(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  let request: PageRequest;
  try {
    request = toPageRequest(event);
  } catch (error) {
    const fallback = toPageRequest({ ...event, httpMethod: 'GET', body: null });
    if (error instanceof RequestTooLargeError) {
      return errorPage(fallback, 413, {
        title: 'What you sent is too large',
        paragraphs: ['Shorten your answers and try again.'],
      });
    }
    if (error instanceof UnsupportedMediaTypeError) {
      return errorPage(fallback, 415, {
        title: 'Sorry, we could not read that form',
        paragraphs: ['Go back and try again.'],
      });
    }
    throw error;
  }

  if (event.resource === '/assets/{path+}') {
    const found = assetResponse(request.pathParameters.path ?? '', securityHeaders(request.cspNonce));
    return (
      found ?? {
        statusCode: 404,
        headers: { ...securityHeaders(request.cspNonce), 'Content-Type': 'text/plain; charset=utf-8' },
        body: 'Not found',
      }
    );
  }

  const controller = controllers[event.resource];
  try {
    if (!controller) return notFound(request);
    if (event.httpMethod !== 'GET' && event.httpMethod !== 'HEAD' && event.httpMethod !== 'POST')
      return notFound(request);
    const response = await controller(request);
    return event.httpMethod === 'HEAD' ? { ...response, body: '' } : response;
  } catch (error) {
    // Never the body, the event or the message: they may hold what a referrer typed.
    logger.error('page failed', {
      resource: event.resource,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return serverError(request);
  }
}
