/**
 * An account record as the platform API answers it (docs/openapi.yaml, `Account`): the fields that schema
 * names, and none of the store's own (the onboarding browsers, the confirmation hash, the ordering stamps).
 */
import { type AccountRecord, connectionOf, isPendingConfirmation } from '../stores/accounts-repo';

export const toAccountView = (record: AccountRecord) => ({
  accountId: record.accountId,
  platformUserId: record.platformUserId,
  type: record.type,
  scope: record.scope,
  livemode: record.livemode,
  status: record.status,
  chargesEnabled: record.chargesEnabled,
  payoutsEnabled: record.payoutsEnabled,
  detailsSubmitted: record.detailsSubmitted,
  capabilities: record.capabilities,
  ...(record.requirements ? { requirements: record.requirements } : {}),
  ...(record.futureRequirements ? { futureRequirements: record.futureRequirements } : {}),
  connectedAt: record.connectedAt,
  updatedAt: record.updatedAt,
  ...(record.deauthorizedAt ? { deauthorizedAt: record.deauthorizedAt } : {}),
  connection: connectionOf(record),
  ...(record.capabilitiesMissing ? { capabilitiesMissing: record.capabilitiesMissing } : {}),
  confirmation: isPendingConfirmation(record) ? ('pending' as const) : ('confirmed' as const),
  ...(record.confirmedAt ? { confirmedAt: record.confirmedAt } : {}),
});

export type AccountView = ReturnType<typeof toAccountView>;
