import type { EmulatorState } from './state';
import type { EventObject, StripeEvent } from './types';

/** What the request handlers share. */
export interface EmulatorContext {
  readonly state: EmulatorState;
  readonly secretKey: string;
  readonly clientId: string;
  readonly redirectUris: readonly string[];
  readonly platformName: string;
  readonly livemode: boolean;
  readonly codeTtlMs: number;
  now(): number;
  /** Base URL of this emulator (login links and pages point here). */
  baseUrl(): string;
  /** Records an event and starts its deliveries in the background. */
  emit(input: {
    type: string;
    account: string;
    object: EventObject;
    previous?: Record<string, unknown>;
    requestId?: string;
  }): StripeEvent;
}

export const seconds = (ms: number): number => Math.floor(ms / 1000);
