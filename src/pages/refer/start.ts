/** The start page at `/`: what the service is for, the 999 warning, Start now, and links for staff. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { htmlResponse, type PageRequest } from '../shared/http.ts';
import { renderPage } from '../shared/render.ts';

export function startPage(request: PageRequest): APIGatewayProxyResult {
  const html = renderPage('start.njk', {
    title: 'Tell us you are worried about a child or an adult',
    cspNonce: request.cspNonce,
  });
  return htmlResponse(request, html);
}
