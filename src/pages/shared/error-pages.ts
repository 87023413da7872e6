/** Pages every controller may answer with: not found, forbidden, too large, something went wrong. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { htmlResponse, type PageRequest } from './http.ts';
import { renderPage } from './render.ts';

export interface ErrorPageContent {
  title: string;
  paragraphs: string[];
  link?: { href: string; text: string };
}

export function errorPage(
  request: PageRequest,
  statusCode: number,
  content: ErrorPageContent,
): APIGatewayProxyResult {
  const html = renderPage('error.njk', { cspNonce: request.cspNonce, ...content });
  return htmlResponse(request, html, { statusCode });
}

export const notFound = (request: PageRequest) =>
  errorPage(request, 404, {
    title: 'Page not found',
    paragraphs: [
      'If you typed the web address, check it is correct.',
      'If you pasted the web address, check you copied the entire address.',
    ],
    link: { href: '/', text: 'Go to the start page' },
  });

export const serverError = (request: PageRequest) =>
  errorPage(request, 500, {
    title: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later. Your answers have been saved for 24 hours.'],
    link: { href: '/', text: 'Go to the start page' },
  });
