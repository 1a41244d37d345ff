/** A deployment's mode follows its key: `sk_live_`/`rk_live_` is live mode. Kept apart from the SDK so checking it loads nothing. */
export const isLiveKey = (secretKey: string): boolean => /^(sk|rk)_live_/.test(secretKey);
