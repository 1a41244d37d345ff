import { describe, expect, it } from 'vitest';
import { localDefaults } from '../../local/defaults';
import { useLocalStack } from '../support/local-stack';
import { connectAccount } from '../support/platform-api';

const stack = useLocalStack();

describe('webhook delivery during a secret roll, through the gateway', () => {
  it('is signed once per active secret, and the service accepts it knowing only the second (old) secret', async () => {
    const accountId = await connectAccount(stack, 'express', 'roll_user');
    const before = stack.emulator.deliveries().length;
    // The service is configured with localDefaults.webhookSecret only; Stripe now signs with a new one first.
    stack.emulator.rollWebhookSecret('whsec_rolled0in0dashboard000000000000');
    try {
      const event = await stack.emulator.trigger('account.updated', accountId);
      // Only this event's deliveries: a retry of the connection's own authorized event may still arrive.
      const ofEvent = () =>
        stack.emulator
          .deliveries()
          .slice(before)
          .filter((d) => d.eventId === event.id);
      for (let waited = 0; ofEvent().length === 0 && waited < 5_000; waited += 25) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }

      expect(ofEvent()).toEqual([expect.objectContaining({ eventId: event.id, attempt: 1, status: 200, ok: true })]);
      expect(localDefaults.webhookSecret).not.toBe('whsec_rolled0in0dashboard000000000000');
    } finally {
      stack.emulator.expireRolledSecrets();
    }
  });
});
