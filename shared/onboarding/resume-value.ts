/**
 * The resume value: how the browser coming back from Stripe (to `refresh_url` or `return_url`) proves
 * which onboarding it belongs to, long after its platform ticket expired. It is an HS256 JWT (../jwt.ts
 * signs and checks it) bound to the account, the platform user, the account type, the validated
 * `return_to` and the browser that started it (./browser-binding.ts), and expires after a day. Its key is derived from the platform token secret for this one
 * purpose, and its audience differs from a platform token's, so neither is ever accepted as the other. It is
 * signed with the current secret; during a roll a value signed with the previous one, before the roll, still
 * verifies, so an onboarding begun then still resumes.
 */
import { createHmac } from 'node:crypto';
import { type ErrorCode, ServiceError } from '../errors';
import { JwtError, signJwt, verifyJwt } from '../jwt';
import { type ConnectFlow, isConnectFlow } from '../oauth/flow';
import { isWellFormedStateValue } from '../oauth/state';
import { type PlatformTokenSecrets, platformTokenSecretsThatVerify } from '../secrets';
import { inSeconds, toEpochSeconds } from '../time';

export const resumeAudience = 'connect-onboarding/onboarding-resume';
/** Long enough for an owner who stops halfway and comes back later the same day. */
export const resumeLifetimeSeconds = 24 * 60 * 60;
/** The header `typ`: a platform token (`JWT`) is never taken for a resume value, nor the other way round. */
const resumeType = 'onboarding-resume+jwt';

export interface ResumeClaims {
  readonly accountId: string;
  readonly platformUserId: string;
  readonly type: ConnectFlow;
  /** The `return_to` checked against the allowlist when onboarding started. */
  readonly returnTo?: string;
  /**
   * The SHA-256 of the binding cookie of the browser that started the onboarding; absent for a link the
   * platform API made, which no browser of ours started (./browser-binding.ts).
   */
  readonly bindingHash?: string;
}

const resumeKey = (platformTokenSecret: string): Uint8Array =>
  createHmac('sha256', platformTokenSecret).update('connect-onboarding onboarding-resume v1').digest();

/**
 * The longest resume value verified. The longest one minted (a 64-character account id, a 256-character user
 * id of 3-byte characters, a 2048-character `return_to`) is about 4,200 characters; this leaves room, and with
 * the refresh or return URL around it stays well inside the 8 KB query the routes read.
 */
export const maxResumeValueLength = 6144;

/**
 * Signs the resume value carried in the refresh and return URLs given to Stripe.
 * @example
 * const resume = await mintResumeValue({ accountId, platformUserId, type: 'express' }, secret, now);
 */
export const mintResumeValue = async (
  claims: ResumeClaims,
  platformTokenSecret: string,
  now: number,
): Promise<string> => {
  const issuedAt = toEpochSeconds(now);
  return signJwt(
    {
      acct: claims.accountId,
      flow: claims.type,
      ...(claims.returnTo ? { rt: claims.returnTo } : {}),
      ...(claims.bindingHash ? { bnd: claims.bindingHash } : {}),
      sub: claims.platformUserId,
      aud: resumeAudience,
      iat: issuedAt,
      exp: issuedAt + resumeLifetimeSeconds,
    },
    resumeKey(platformTokenSecret),
    resumeType,
  );
};

const refused = (code: Extract<ErrorCode, 'resume_invalid' | 'resume_expired'>, message: string, cause?: unknown) =>
  new ServiceError('invalid_request', code, message, { cause });

/**
 * Verifies a resume value, signed with the current platform token secret or, during a roll, the previous one; a
 * forged, altered or expired one is a 400 that says what to do.
 */
export const verifyResumeValue = async (
  value: string | undefined,
  secrets: PlatformTokenSecrets,
  now: number,
): Promise<ResumeClaims> => {
  const invalid = (cause?: unknown) =>
    refused(
      'resume_invalid',
      'This onboarding link is not valid. Go back to the platform and start onboarding again.',
      cause,
    );
  if (!value || value.length > maxResumeValueLength) throw invalid();
  let payload: Readonly<Record<string, unknown>>;
  try {
    payload = verifyJwt(value, platformTokenSecretsThatVerify(secrets).map(resumeKey), {
      audience: resumeAudience,
      typ: resumeType,
      requiredClaims: ['sub', 'exp', 'acct', 'flow'],
      nowSeconds: inSeconds(now),
    });
  } catch (error) {
    if (error instanceof JwtError && error.reason === 'expired') {
      throw refused(
        'resume_expired',
        'This onboarding link has expired. Go back to the platform and continue onboarding from there.',
        error,
      );
    }
    throw invalid(error);
  }
  const { sub, acct, flow, rt, bnd } = payload;
  if (typeof sub !== 'string' || typeof acct !== 'string' || !isConnectFlow(flow)) throw invalid();
  if (rt !== undefined && typeof rt !== 'string') throw invalid();
  if (bnd !== undefined && (typeof bnd !== 'string' || !isWellFormedStateValue(bnd))) throw invalid();
  return {
    accountId: acct,
    platformUserId: sub,
    type: flow,
    ...(rt ? { returnTo: rt } : {}),
    ...(bnd ? { bindingHash: bnd } : {}),
  };
};
