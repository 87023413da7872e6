/**
 * The referral form's server-side draft (docs/data-model.md, "form draft"): one item per browser
 * session, keyed by the SHA-256 of the session id (src/store/keys.ts) so the table never holds the
 * id itself. Drafts expire `limits.draftTtlSeconds` after their last save; DynamoDB's TTL deletes them
 * eventually and reads treat an expired item as missing (DynamoDB Local never expires items).
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents, resourceName } from '../platform/clients.ts';
import type { Clock } from '../platform/clock.ts';
import { hubClock } from '../platform/clock.ts';
import { caseTable, limits } from '../resources.ts';
import { keys } from './keys.ts';

/** What a draft holds is the form's business (src/pages/refer/draft.ts); the store keeps it as a map. */
export type DraftData = Record<string, unknown>;

export interface DraftStore {
  get(sessionId: string): Promise<DraftData | undefined>;
  put(sessionId: string, draft: DraftData): Promise<void>;
  delete(sessionId: string): Promise<void>;
}

export function dynamoDraftStore(clock: Clock = hubClock): DraftStore {
  const tableName = () => resourceName(caseTable.envVar);
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    async get(sessionId) {
      const { Item } = await documents().send(
        new GetCommand({ TableName: tableName(), Key: keys.draft(sessionId), ConsistentRead: true }),
      );
      if (!Item || typeof Item.expiresAt !== 'number' || Item.expiresAt <= nowSeconds()) return undefined;
      return Item.draft as DraftData;
    },
    async put(sessionId, draft) {
      const now = nowSeconds();
      await documents().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...keys.draft(sessionId),
            draft,
            updatedAt: new Date(now * 1000).toISOString(),
            expiresAt: now + limits.draftTtlSeconds,
          },
        }),
      );
    },
    async delete(sessionId) {
      await documents().send(new DeleteCommand({ TableName: tableName(), Key: keys.draft(sessionId) }));
    },
  };
}

const defaultStore = dynamoDraftStore();

export const getDraft = (sessionId: string) => defaultStore.get(sessionId);
export const putDraft = (sessionId: string, draft: DraftData) => defaultStore.put(sessionId, draft);
