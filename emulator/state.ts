import type { ApiReply, StripeAccount } from './types';

export type Flow = 'standard' | 'express';
export type Scope = 'read_write' | 'read_only' | 'express';

/** The platform's link to an account, as Stripe keeps it. Revoked connections keep their record. */
export interface Connection {
  accountId: string;
  clientId: string;
  scope: Scope;
  livemode: boolean;
  connectedAt: number;
  active: boolean;
  accessToken?: string;
  refreshToken?: string;
}

export interface AuthorizationCode {
  code: string;
  accountId: string;
  scope: Scope;
  flow: Flow;
  createdAt: number;
  used: boolean;
}

/** An authorize page shown and not answered yet: the decision form only carries this record's id. */
export interface PendingAuthorization {
  id: string;
  flow: Flow;
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scope: Scope;
  prefill: Record<string, string>;
  suggestedCapabilities: string[];
  createdAt: number;
}

export interface LoginLinkRecord {
  token: string;
  accountId: string;
  used: boolean;
  createdAt: number;
}

export type AccountLinkType = 'account_onboarding' | 'account_update';

export interface AccountLinkRecord {
  token: string;
  accountId: string;
  type: AccountLinkType;
  refreshUrl: string | undefined;
  returnUrl: string | undefined;
  collect: 'currently_due' | 'eventually_due';
  createdAt: number;
  expiresAt: number;
  used: boolean;
}

/** The onboarding form a link opened: its submit carries only this record's id. */
export interface HostedOnboardingSession {
  id: string;
  accountId: string;
  type: AccountLinkType;
  returnUrl: string | undefined;
  done: boolean;
}

export interface IdempotencyRecord {
  /** Method, path and the sorted request parameters. */
  fingerprint: string;
  endpoint: string;
  reply: ApiReply;
  createdAt: number;
}

/** All mutable emulator state, in memory. */
export class EmulatorState {
  readonly accounts = new Map<string, StripeAccount>();
  readonly connections = new Map<string, Connection>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly pending = new Map<string, PendingAuthorization>();
  readonly loginLinks = new Map<string, LoginLinkRecord>();
  /** Account Links by the token in their URL, and the hosted onboarding pages they opened. */
  readonly accountLinks = new Map<string, AccountLinkRecord>();
  readonly onboardingSessions = new Map<string, HostedOnboardingSession>();
  /** Saved results of POSTs sent with an Idempotency-Key, by key scope (api key, account, key). */
  readonly idempotency = new Map<string, IdempotencyRecord>();
  /** Capabilities Stripe does not offer in a country (upper-case ISO code), for the fallback rules. */
  readonly unavailableCapabilities = new Map<string, ReadonlySet<string>>();

  /** The active connection of `accountId` to the platform, if any. */
  activeConnection(accountId: string): Connection | undefined {
    const connection = this.connections.get(accountId);
    return connection?.active ? connection : undefined;
  }

  connectionByRefreshToken(token: string): Connection | undefined {
    for (const connection of this.connections.values()) {
      if (connection.active && connection.refreshToken === token) return connection;
    }
    return undefined;
  }
}
