import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { environmentSecrets, type SecretsProvider, secretsManagerSecrets } from '../secrets';

let shared: SecretsProvider | undefined;

/** Secrets Manager when `SECRET_ID` is set (AWS), environment variables otherwise (local). */
export const platformSecrets = (): SecretsProvider =>
  (shared ??= process.env.SECRET_ID
    ? secretsManagerSecrets({ client: new SecretsManagerClient({}), secretId: process.env.SECRET_ID })
    : environmentSecrets(process.env));
