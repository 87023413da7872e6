/**
 * The board's definitions page (`/board/definitions`): what every figure of the exports means, the
 * periods, the values, disclosure control and the files, rendered by views/board/definitions.njk straight
 * from `DEFINITIONS` (src/domain/metrics/definitions.ts), the same data the metrics function publishes as
 * `definitions.json` and `definitions.md` beside the exports. The template escapes every word.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Principal } from '../../auth/tokens.ts';
import { DEFINITIONS } from '../../domain/metrics/definitions.ts';
import { definitionsKey, getReport } from '../../store/report-store.ts';
import { htmlResponse, type PageRequest } from '../shared/http.ts';
import { renderPage } from '../shared/render.ts';
import { staffView } from '../shared/staff-session.ts';

export async function definitionsPage(
  request: PageRequest,
  principal: Principal,
): Promise<APIGatewayProxyResult> {
  // Whether the metrics function has published them yet: only then is there a Markdown copy to download.
  const published = (await getReport(definitionsKey('md'))) !== undefined;
  const html = renderPage('board/definitions.njk', {
    cspNonce: request.cspNonce,
    navCurrent: 'board-definitions',
    staff: staffView(principal, 'board'),
    title: 'Definitions of the board’s figures',
    backLink: '/board',
    published,
    definitions: DEFINITIONS,
  });
  return htmlResponse(request, html);
}
