/**
 * The board's pages (`/board` and everything under it, role `board` only, from src/routes.ts): the
 * dashboard (dashboard.ts), the definitions (definitions-page.ts) and downloads of the exports
 * (downloads.ts). Nothing here opens a case: the board sees only the published, disclosure-controlled exports.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { notFound } from '../shared/error-pages.ts';
import type { PageRequest } from '../shared/http.ts';
import { requireStaff } from '../shared/staff-session.ts';
import { dashboardPage } from './dashboard.ts';
import { definitionsPage } from './definitions-page.ts';
import { downloadResponse } from './downloads.ts';

/** `/board` and everything under it. */
async function boardPage(request: PageRequest): Promise<APIGatewayProxyResult> {
  const gate = await requireStaff(request);
  if ('response' in gate) return gate.response;
  if (request.method !== 'GET') return notFound(request);
  const path = (request.resource === '/board' ? '' : (request.pathParameters.path ?? '')).replace(/\/+$/, '');
  if (path === '') return dashboardPage(request, gate.principal);
  if (path === 'definitions') return definitionsPage(request, gate.principal);
  if (path.startsWith('downloads/')) return downloadResponse(request, path.slice('downloads/'.length));
  return notFound(request);
}

/** The controllers for src/pages/shared/router.ts. */
export const boardControllers = {
  '/board': boardPage,
  '/board/{path+}': boardPage,
} as const;
