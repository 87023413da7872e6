/** How workflow and store errors read to an API client. */
import { WorkflowError } from '../domain/workflow.ts';
import { InvalidCursorError } from '../store/case-store.ts';
import { badRequest, HttpError } from './errors.ts';

export function translateWorkflowError(error: unknown): HttpError | undefined {
  if (error instanceof WorkflowError) {
    if (error.status === 400)
      return badRequest(error.message, [{ path: error.path ?? '(body)', message: error.message }]);
    return new HttpError(error.status, error.code, error.message);
  }
  if (error instanceof InvalidCursorError) {
    return badRequest('The cursor is not valid.', [
      { path: 'cursor', message: 'Use the nextCursor of the previous page' },
    ]);
  }
  return undefined;
}
