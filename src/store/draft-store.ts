/**
 * The referral form's server-side draft (docs/data-model.md, "form draft"): one item per browser
 * session, keyed by the SHA-256 of the session id so the table never holds the id itself. Drafts
 * expire `limits.draftTtlSeconds` after their last save; DynamoDB's TTL deletes them eventually and
 * reads treat an expired item as missing (DynamoDB Local never expires items).
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents, resourceName } from '../platform/clients.ts';
import type { Clock } from '../platform/clock.ts';
import { hubClock } from '../platform/clock.ts';
import { caseTable, limits } from '../resources.ts';

/** What a draft holds is the form's business (src/pages/refer/draft.ts); the store keeps it as a map. */
export type DraftData = Record<string, unknown>;

export function draftKey(sessionId: string): { pk: string; sk: string } {
  return { pk: `DRAFT#${createHash('sha256').update(sessionId, 'utf8').digest('hex')}`, sk: 'DRAFT' };
}

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
        new GetCommand({ TableName: tableName(), Key: draftKey(sessionId), ConsistentRead: true }),
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
            ...draftKey(sessionId),
            draft,
            updatedAt: new Date(now * 1000).toISOString(),
            expiresAt: now + limits.draftTtlSeconds,
          },
        }),
      );
    },
    async delete(sessionId) {
      await documents().send(new DeleteCommand({ TableName: tableName(), Key: draftKey(sessionId) }));
    },
  };
}

const defaultStore = dynamoDraftStore();

export const getDraft = (sessionId: string) => defaultStore.get(sessionId);
export const putDraft = (sessionId: string, draft: DraftData) => defaultStore.put(sessionId, draft);
export const deleteDraft = (sessionId: string) => defaultStore.delete(sessionId);
