/**
 * The case store every service uses: the DynamoDB implementation of the port on the hub's table,
 * created on first use and then shared for the life of the process (one per Lambda cold start).
 */
import { documents, resourceName } from '../platform/clients.ts';
import { caseTable } from '../resources.ts';
import type { CaseStore } from '../store/case-store.ts';
import { DynamoCaseStore } from '../store/dynamo-case-store.ts';

let store: CaseStore | undefined;
export function caseStore(): CaseStore {
  store ??= new DynamoCaseStore(documents(), resourceName(caseTable.envVar));
  return store;
}
