import { request } from 'node:http';

/** A minimal "browser" for tests: loads the authorize page and submits its form, as a user would. */

interface HttpResult {
  status: number;
  location: string | undefined;
  text: string;
}

function call(url: URL, method: 'GET' | 'POST', body?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      agent: false,
      headers: {
        Accept: 'text/html',
        ...(body !== undefined
          ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) }
          : {}),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const location = res.headers.location;
        resolve({ status: res.statusCode ?? 0, location, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function pointsAt(target: URL, emulator: URL): boolean {
  if (target.origin === emulator.origin) return true;
  return (
    target.protocol === emulator.protocol &&
    target.port === emulator.port &&
    LOOPBACK.has(target.hostname) &&
    LOOPBACK.has(emulator.hostname)
  );
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The visible text of a page, for error messages. */
export function pageText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  return unescapeHtml(body.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

export async function decide(
  emulatorUrl: string,
  authorizeUrl: string,
  decision: 'allow' | 'deny',
  options: { accountId?: string } = {},
): Promise<string> {
  const emulator = new URL(emulatorUrl);
  const target = new URL(authorizeUrl);
  if (!pointsAt(target, emulator)) {
    throw new Error(
      `decide() needs an authorize URL pointing at this emulator (${emulator.origin}), got ${target.origin}${target.pathname}`,
    );
  }
  const page = await call(new URL(`${target.pathname}${target.search}`, emulator), 'GET');
  if (page.status !== 200) throw new Error(`Stripe shows an error page (${page.status}): ${pageText(page.text)}`);
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.text);
  if (!form?.[1] || form[2] === undefined) throw new Error(`No authorize form on the page: ${pageText(page.text)}`);
  const fields = new URLSearchParams();
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.append(unescapeHtml(input[1] ?? ''), unescapeHtml(input[2] ?? ''));
  }
  if (options.accountId) fields.append('account', options.accountId);
  fields.append('decision', decision);
  const answer = await call(new URL(unescapeHtml(form[1]), emulator), 'POST', fields.toString());
  if (answer.status !== 302 || !answer.location) {
    throw new Error(`Stripe shows an error page (${answer.status}): ${pageText(answer.text)}`);
  }
  return answer.location;
}
