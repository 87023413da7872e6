/**
 * A pages function's router: which controller answers which page route. The hub has two pages
 * functions (src/routes.ts says which serves what): `pages`, the public site (start page, referral form,
 * feedback, assets: src/pages/public-site.ts), and `staff-pages`, the signed-in workbench, agency portal and board
 * dashboard (src/pages/staff-site.ts). Each carries only its own controllers and the rights they need. Unknown
 * resources get the GOV.UK "Page not found" page.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { requestPaths } from '../../http/base-path.ts';
import { logger } from '../../platform/powertools.ts';
import { allowForResource, resourceAllows } from '../../routes.ts';
import { responseUnderBasePath } from './base-path.ts';
import { errorPage, notFound, serverError } from './error-pages.ts';
import { type PageRequest, RequestTooLargeError, toPageRequest, UnsupportedMediaTypeError } from './http.ts';
import { isCrossSiteRequest } from './same-origin.ts';

type Controller = (request: PageRequest) => Promise<APIGatewayProxyResult> | APIGatewayProxyResult;

/** Controllers by API Gateway resource template. */
export type Controllers = Readonly<Record<string, Controller>>;

export function pageRouter(
  controllers: Controllers,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    const request = readRequest(event);
    const response = 'statusCode' in request ? request : await answer(controllers, event, request);
    return responseUnderBasePath(requestPaths(event).basePath, response);
  };
}

/** The request, or the error page for one whose body cannot be read. */
function readRequest(event: APIGatewayProxyEvent): PageRequest | APIGatewayProxyResult {
  try {
    return toPageRequest(event);
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
}

async function answer(
  controllers: Controllers,
  event: APIGatewayProxyEvent,
  request: PageRequest,
): Promise<APIGatewayProxyResult> {
  const controller = Object.hasOwn(controllers, event.resource) ? controllers[event.resource] : undefined;
  try {
    if (!controller) return notFound(request);
    if (!resourceAllows(event.resource, event.httpMethod))
      return methodNotAllowedPage(request, event.resource);
    if (event.httpMethod === 'POST' && isCrossSiteRequest(event.headers)) {
      logger.warn('cross-site form post refused', { resource: event.resource });
      return errorPage(request, 403, {
        title: 'Sorry, we could not accept that form',
        paragraphs: ['It was not sent from a page of this service. Nothing was changed.'],
        link: { href: '/', text: 'Go to the start page' },
      });
    }
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

/** 405 with `Allow`: the methods src/routes.ts has for the page (the router never lets others reach a controller). */
function methodNotAllowedPage(request: PageRequest, resource: string): APIGatewayProxyResult {
  const page = errorPage(request, 405, {
    title: 'Sorry, this page cannot do that',
    paragraphs: ['Go back and try again.'],
    link: { href: '/', text: 'Go to the start page' },
  });
  return { ...page, headers: { ...page.headers, Allow: allowForResource(resource) ?? '' } };
}
