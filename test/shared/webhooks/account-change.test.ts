/**
 * What an account's state keeps of Stripe's payload: everything the platform needs, bounded so that the
 * worst payload still fits the account.updated notice (EventBridge: 256 KB an entry) and the record
 * (DynamoDB: 400 KB an item), and the bounds are the ones docs/openapi.yaml promises.
 */
import { describe, expect, it } from 'vitest';
import { accountStateFrom, noRequirements, stateBounds } from '../../../shared/webhooks/account-change';
import { openApi } from '../../support/openapi';

const long = (prefix: string) => `${prefix}_${'x'.repeat(10_000)}`;
const names = (prefix: string) => Array.from({ length: 1000 }, (_, index) => long(`${prefix}${index}`));
const flood = (prefix: string) => ({
  currently_due: names(`${prefix}current`),
  past_due: names(`${prefix}past`),
  eventually_due: names(`${prefix}eventually`),
  pending_verification: names(`${prefix}pending`),
  errors: Array.from({ length: 1000 }, (_, index) => ({
    requirement: long(`${prefix}req${index}`),
    code: long('verification_failed'),
    reason: long('The document could not be read'),
  })),
  disabled_reason: long('requirements.past_due'),
  current_deadline: 1_800_000_000,
});
/** An account object as large as a hostile or broken payload could make it. */
const floodedAccount = {
  object: 'account',
  id: 'acct_1',
  charges_enabled: true,
  payouts_enabled: true,
  details_submitted: true,
  capabilities: Object.fromEntries(Array.from({ length: 1000 }, (_, index) => [`cap_${index}`, long('active')])),
  requirements: flood(''),
  future_requirements: flood('future_'),
};

const schemas = (openApi as unknown as { components: { schemas: Record<string, Record<string, unknown>> } }).components
  .schemas;

describe('accountStateFrom', () => {
  it("keeps Stripe's requirements and future requirements of a real account whole", () => {
    const state = accountStateFrom({
      object: 'account',
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: true,
      capabilities: { card_payments: 'pending', transfers: 'inactive' },
      requirements: {
        currently_due: ['person_1Mq.verification.document'],
        past_due: [],
        eventually_due: ['person_1Mq.verification.document', 'company.tax_id'],
        pending_verification: ['company.tax_id'],
        errors: [
          {
            requirement: 'person_1Mq.verification.document',
            code: 'verification_document_expired',
            reason: 'The document has expired.',
          },
        ],
        disabled_reason: 'requirements.pending_verification',
        current_deadline: null,
      },
      future_requirements: null,
    });

    expect(state).toEqual({
      chargesEnabled: false,
      payoutsEnabled: false,
      detailsSubmitted: true,
      capabilities: { card_payments: 'pending', transfers: 'inactive' },
      requirements: {
        currentlyDue: ['person_1Mq.verification.document'],
        pastDue: [],
        eventuallyDue: ['person_1Mq.verification.document', 'company.tax_id'],
        pendingVerification: ['company.tax_id'],
        errors: [
          {
            requirement: 'person_1Mq.verification.document',
            code: 'verification_document_expired',
            reason: 'The document has expired.',
          },
        ],
        disabledReason: 'requirements.pending_verification',
        currentDeadline: null,
      },
      futureRequirements: noRequirements,
    });
  });

  it('keeps at most 120 KB of the largest payload: room in an account.updated notice (256 KB) and a record (400 KB)', () => {
    const state = accountStateFrom(floodedAccount);
    const size = Buffer.byteLength(JSON.stringify(state));

    expect(size).toBeLessThan(120 * 1024);
    expect(state?.requirements.currentlyDue).toHaveLength(stateBounds.entries);
    expect(state?.futureRequirements.errors).toHaveLength(stateBounds.errors);
    expect(Object.keys(state?.capabilities ?? {})).toHaveLength(stateBounds.entries);
    expect(state?.requirements.errors[0]?.reason).toHaveLength(stateBounds.reasonChars);
    expect(state?.requirements.disabledReason).toHaveLength(stateBounds.nameChars);
    expect(state?.capabilities.cap_0).toHaveLength(stateBounds.nameChars);
  });

  it('is bounded as docs/openapi.yaml says', () => {
    const requirements = schemas.Requirements as {
      properties: { errors: { maxItems: number; items: { properties: Record<string, { maxLength: number }> } } };
    };
    const { errors } = requirements.properties;

    expect(schemas.RequirementNames).toMatchObject({
      maxItems: stateBounds.entries,
      items: { maxLength: stateBounds.nameChars },
    });
    expect(errors.maxItems).toBe(stateBounds.errors);
    expect(errors.items.properties).toMatchObject({
      requirement: { maxLength: stateBounds.nameChars },
      code: { maxLength: stateBounds.nameChars },
      reason: { maxLength: stateBounds.reasonChars },
    });
    expect(schemas.Account).toMatchObject({
      properties: {
        capabilities: {
          maxProperties: stateBounds.entries,
          additionalProperties: { maxLength: stateBounds.nameChars },
        },
      },
    });
  });
});
