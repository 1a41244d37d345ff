import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bearerToken, verifyPlatformToken } from '../platform-token';
import type { PlatformSecrets } from '../secrets';

/** The platform user of an API request (`Authorization: Bearer <platform token>`). */
export const authenticate = async (
  event: Pick<APIGatewayProxyEventV2, 'headers'>,
  secrets: PlatformSecrets,
  now: number,
): Promise<string> =>
  (await verifyPlatformToken(bearerToken(event.headers), secrets.platformTokenSecret, now)).platformUserId;
