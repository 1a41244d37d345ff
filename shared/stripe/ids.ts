/** What a Stripe account id looks like here (`acct_` and letters and digits); anything else never reaches the store or Stripe. */
const accountIdForm = 'acct_[A-Za-z0-9]{1,64}';

/** A whole value that is an account id. */
export const accountIdPattern = new RegExp(`^${accountIdForm}$`);

/** An account id inside a text (Stripe's error messages name the account they are about). */
export const accountIdInText = new RegExp(`\\b${accountIdForm}\\b`);

/**
 * A capability's name (`card_payments`, `us_bank_account_ach_payments`): short snake_case. What a suggested
 * capability must look like, and the only key a stored capability map keeps.
 */
export const capabilityNamePattern = /^[a-z0-9_]{1,64}$/;
