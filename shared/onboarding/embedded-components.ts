/**
 * The embedded Connect components an Account Session can enable, and the features each one takes,
 * as stripe-node's `AccountSessionCreateParams.Components` documents them. The types below make the
 * compiler check this table against the SDK both ways: a name that is not there, or one that is
 * missing here, fails `tsc` when the SDK is upgraded.
 */
import type Stripe from 'stripe';

type ComponentParams = Stripe.AccountSessionCreateParams.Components;
type ComponentName = keyof ComponentParams;
type FeatureName<K extends ComponentName> = keyof NonNullable<NonNullable<ComponentParams[K]>['features']>;

/** For each component, the list of every feature it has, no more and no less. */
type ExactFeatures<T extends { [K in ComponentName]: readonly string[] }> = {
  [K in ComponentName]: [Exclude<FeatureName<K>, T[K][number]>] extends [never]
    ? readonly FeatureName<K>[]
    : `missing feature: ${Exclude<FeatureName<K>, T[K][number]> & string}`;
};

const components = {
  account_management: ['disable_stripe_user_authentication', 'external_account_collection'],
  account_onboarding: ['disable_stripe_user_authentication', 'external_account_collection'],
  balance_report: [],
  balances: [
    'disable_stripe_user_authentication',
    'edit_payout_schedule',
    'external_account_collection',
    'instant_payouts',
    'standard_payouts',
  ],
  disputes_list: [
    'capture_payments',
    'destination_on_behalf_of_charge_management',
    'dispute_management',
    'refund_management',
    'smart_disputes_management',
  ],
  documents: [],
  financial_account: [
    'disable_stripe_user_authentication',
    'external_account_collection',
    'send_money',
    'transfer_balance',
  ],
  financial_account_transactions: ['card_spend_dispute_management'],
  instant_payouts_promotion: ['disable_stripe_user_authentication', 'external_account_collection', 'instant_payouts'],
  issuing_card: [
    'card_management',
    'card_spend_dispute_management',
    'cardholder_management',
    'spend_control_management',
  ],
  issuing_cards_list: [
    'card_management',
    'card_spend_dispute_management',
    'cardholder_management',
    'disable_stripe_user_authentication',
    'spend_control_management',
  ],
  notification_banner: ['disable_stripe_user_authentication', 'external_account_collection'],
  payment_details: [
    'capture_payments',
    'destination_on_behalf_of_charge_management',
    'dispute_management',
    'refund_management',
    'smart_disputes_management',
  ],
  payment_disputes: [
    'destination_on_behalf_of_charge_management',
    'dispute_management',
    'refund_management',
    'smart_disputes_management',
  ],
  payment_method_settings: ['disable_stripe_user_authentication'],
  payments: [
    'capture_payments',
    'destination_on_behalf_of_charge_management',
    'dispute_management',
    'refund_management',
    'smart_disputes_management',
  ],
  payout_details: [],
  payout_reconciliation_report: [],
  payouts: [
    'disable_stripe_user_authentication',
    'edit_payout_schedule',
    'external_account_collection',
    'instant_payouts',
    'standard_payouts',
  ],
  payouts_list: [],
  reporting_chart: [],
  tax_registrations: [],
  tax_settings: [],
  terminal_hardware_orders: [],
  terminal_hardware_shop: [],
} as const;

/** Every documented component name with the features it accepts (all booleans). */
export const embeddedComponents: Readonly<Record<ComponentName, readonly string[]>> =
  components satisfies ExactFeatures<typeof components>;

export type EmbeddedComponentName = ComponentName;

export const isEmbeddedComponentName = (name: string): name is EmbeddedComponentName =>
  Object.hasOwn(embeddedComponents, name);

/**
 * Feature values Stripe accepts only for accounts whose requirements the platform collects
 * (`controller.requirement_collection: application`), as stripe-node documents them for every component:
 * Stripe's user authentication turned off, and the collection of external accounts turned off. Every
 * account this service creates or connects has Stripe collect its requirements, so none may ask for them.
 */
export const platformCollectionOnly: Readonly<Record<string, boolean>> = {
  disable_stripe_user_authentication: true,
  external_account_collection: false,
};

/** Whether `value` for `feature` is one of {@link platformCollectionOnly}'s. */
export const needsPlatformCollection = (feature: string, value: boolean): boolean =>
  Object.hasOwn(platformCollectionOnly, feature) && platformCollectionOnly[feature] === value;
