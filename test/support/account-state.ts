import { type AccountState, noRequirements } from '../../shared/webhooks/account-change';

/** An onboarded account's state as the store keeps it (charges on, payouts off, nothing due), with `fields` over it. */
export const accountState = (fields: Partial<AccountState> = {}): AccountState => ({
  chargesEnabled: true,
  payoutsEnabled: false,
  detailsSubmitted: true,
  capabilities: {},
  requirements: noRequirements,
  futureRequirements: noRequirements,
  ...fields,
});
