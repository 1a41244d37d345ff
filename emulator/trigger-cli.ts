/**
 * `npm run trigger -- <event-type> --account acct_... [--url http://127.0.0.1:12111]`
 * Like `stripe trigger`, against the local emulator: prints the id of the event it sent.
 */
import { parseTriggerArgs, postTrigger } from './trigger-client';

try {
  const event = await postTrigger(parseTriggerArgs(process.argv.slice(2)));
  process.stdout.write(`${event.id}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
