/**
 * OAuth states: written once by the authorize function, consumed once by the callback. The
 * consume is a single conditional update that marks the state used, whose condition also checks
 * expiry and the browser binding, because TTL deletion is lazy and expired items stay readable for
 * days. A used state stays until TTL takes it, marked with the id of the consume that used it: an
 * SDK retry of that very consume, after its answer was lost, finds its own mark and is not refused.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectFlow } from '../oauth/flow';
import { conditionalCall, isConditionFailure, refusedItem, storeCall } from './store-errors';

export interface StateItem {
  readonly stateHash: string;
  readonly bindingHash: string;
  readonly flow: ConnectFlow;
  readonly platformUserId: string;
  readonly returnTo?: string;
  readonly suggestedCapabilities: readonly string[];
  /** Epoch milliseconds; the consume condition compares against it. */
  readonly expiresAt: number;
  /** Epoch seconds, for DynamoDB TTL's eventual clean-up. */
  readonly ttl: number;
  readonly createdAt: string;
  /** Set by the consume that used the state: a random id of that call. */
  readonly consumedBy?: string;
}

export type ConsumeResult =
  | { readonly ok: true; readonly item: StateItem }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'mismatch' };

export interface StatesRepo {
  put(item: StateItem): Promise<void>;
  consume(stateHash: string, bindingHash: string, now: number): Promise<ConsumeResult>;
}

export const createStatesRepo = (client: DynamoDBDocumentClient, tableName: string): StatesRepo => ({
  put: async (item) => {
    // The key hashes a fresh 256-bit value: an item already under it is this very write, stored by an attempt
    // whose answer the SDK gave up on before retrying (shared/clients/dynamodb.ts), not another flow's state.
    await conditionalCall(() =>
      client.send(
        new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(stateHash)' }),
      ),
    );
  },

  consume: async (stateHash, bindingHash, now) => {
    const consumeId = randomUUID();
    try {
      const result = await storeCall(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { stateHash },
            UpdateExpression: 'SET consumedBy = :consumeId',
            // `consumedBy = :consumeId`: the SDK's retry of this very call, whose first attempt landed and whose
            // answer was lost, passes and reads the state as that attempt would have (on any engine).
            ConditionExpression:
              'attribute_exists(stateHash) AND expiresAt > :now AND bindingHash = :bindingHash' +
              ' AND (attribute_not_exists(consumedBy) OR consumedBy = :consumeId)',
            ExpressionAttributeValues: { ':now': now, ':bindingHash': bindingHash, ':consumeId': consumeId },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return { ok: true, item: result.Attributes as StateItem };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // DynamoDB Local returns the item that failed the condition; dynalite does not (then: unknown).
      const existing = refusedItem(error) as Partial<StateItem> | undefined;
      if (!existing) return { ok: false, reason: 'unknown' };
      // Used by another consume (this call's own mark passes the condition): as if it were gone, whichever
      // browser asks and however late.
      if (existing.consumedBy !== undefined) return { ok: false, reason: 'unknown' };
      if (existing.bindingHash !== bindingHash) return { ok: false, reason: 'mismatch' };
      return { ok: false, reason: 'expired' };
    }
  },
});
