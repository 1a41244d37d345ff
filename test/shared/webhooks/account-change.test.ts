/**
 * What an account's state keeps of Stripe's payload: everything the platform needs, bounded so that the
 * worst payload still fits the account.updated notice (EventBridge: 256 KB an entry) and the record
 * (DynamoDB: 400 KB an item), and the bounds are the ones docs/openapi.yaml promises.
 */
import { describe, expect, it } from 'vitest';
import { capabilityNamePattern } from '../../../shared/stripe/ids';
import { accountStateFrom, noRequirements, stateBounds } from '../../../shared/webhooks/account-change';
import { openApi } from '../../support/openapi';

/** A payload as large as a hostile or broken one could make it, every string `fill` repeated. */
const floodedAccount = (fill: string) => {
  const long = (prefix: string) => `${prefix}_${fill.repeat(10_000)}`;
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
  /** The longest capability names a stored map keeps (64 characters). */
  const capabilityName = (index: number) => `cap_${String(index).padStart(60, '0')}`;
  return {
    object: 'account',
    id: 'acct_1',
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    capabilities: Object.fromEntries(
      Array.from({ length: 1000 }, (_, index) => [capabilityName(index), long('active')]),
    ),
    requirements: flood(''),
    future_requirements: flood('future_'),
  };
};

/**
 * The characters that cost most as UTF-8 JSON: ASCII, three-byte, four-byte (a pair), escaped, control
 * (C0 and ESC, escaped in six bytes), a lone surrogate (escaped in six bytes unless made whole).
 */
const widestFills = ['x', '\u4e2d', '\u{1f600}', '"', '\\', '\u0000', '\u001b', '\u2028', '\ud800'];

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

  it.each(widestFills)(
    'keeps under 160 KB of the largest payload of %j: room in an account.updated notice (256 KB) and a record (400 KB)',
    (fill) => {
      const state = accountStateFrom(floodedAccount(fill));
      const size = Buffer.byteLength(JSON.stringify(state));

      expect(size).toBeLessThan(160 * 1024);
      expect(state?.requirements.currentlyDue).toHaveLength(stateBounds.entries);
      expect(state?.futureRequirements.errors).toHaveLength(stateBounds.errors);
      expect(Object.keys(state?.capabilities ?? {})).toHaveLength(stateBounds.entries);
      expect(state?.requirements.errors[0]?.reason).toHaveLength(stateBounds.reasonChars);
      expect(state?.requirements.disabledReason).toHaveLength(stateBounds.nameChars);
      expect(Object.values(state?.capabilities ?? {})[0]).toHaveLength(stateBounds.nameChars);
    },
  );

  it.each([1e17, 1e-200, -1, 1_800_000_000.5, '1800000000', Number.MAX_SAFE_INTEGER + 1])(
    'reads a current_deadline that is no epoch-second time (%s) as none, so the store can still write the state',
    (deadline) => {
      const state = accountStateFrom({
        object: 'account',
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        requirements: { current_deadline: deadline },
        future_requirements: { current_deadline: deadline },
      });
      expect(state?.requirements.currentDeadline).toBeNull();
      expect(state?.futureRequirements.currentDeadline).toBeNull();
    },
  );

  it('keeps a current_deadline that is an epoch-second time', () => {
    const state = accountStateFrom({
      object: 'account',
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      requirements: { current_deadline: 1_800_000_000 },
      future_requirements: { current_deadline: 0 },
    });
    expect(state?.requirements.currentDeadline).toBe(1_800_000_000);
    expect(state?.futureRequirements.currentDeadline).toBe(0);
  });

  it('reads a character outside printable ASCII in a name as ?, so the requirement still counts, and a control character in a reason as a space', () => {
    const state = accountStateFrom({
      object: 'account',
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      requirements: {
        currently_due: ['company.\u0000tax_id', 'person_\u{1f600}.dob'],
        errors: [
          { requirement: 'company.tax_id', code: 'invalid\u200bvalue', reason: 'Ung\u00fcltig:\u0007 \u201cXY\u201d' },
          { requirement: 'company.name', code: 'invalid', reason: 'a\nb\u001bc\u007fd\u0085e\ud800' },
        ],
      },
    });

    expect(state?.requirements.currentlyDue).toEqual(['company.?tax_id', 'person_??.dob']);
    expect(state?.requirements.errors).toEqual([
      { requirement: 'company.tax_id', code: 'invalid?value', reason: 'Ung\u00fcltig:  \u201cXY\u201d' },
      { requirement: 'company.name', code: 'invalid', reason: 'a b c d e\ufffd' },
    ]);
  });

  it('is bounded as docs/openapi.yaml says', () => {
    const requirements = schemas.Requirements as {
      properties: {
        errors: { maxItems: number; items: { properties: Record<string, { maxLength: number }> } };
        disabledReason: unknown;
      };
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
    expect(requirements.properties).toMatchObject({ disabledReason: { maxLength: stateBounds.nameChars } });
    expect(schemas.Account).toMatchObject({
      properties: {
        capabilities: {
          maxProperties: stateBounds.entries,
          propertyNames: { pattern: capabilityNamePattern.source },
          additionalProperties: { maxLength: stateBounds.nameChars },
        },
        capabilitiesMissing: { items: { pattern: capabilityNamePattern.source } },
      },
    });
  });
});
