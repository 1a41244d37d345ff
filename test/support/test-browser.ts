/**
 * A minimal browser for integration tests: follows nothing on its own, keeps the cookies a
 * browser would keep for the gateway's host, and sends them back.
 */
export class TestBrowser {
  private readonly jar = new Map<string, string>();

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** What the browser would send: `name=value` strings, as API Gateway v2 delivers them. */
  cookies(): string[] {
    return [...this.jar].map(([name, value]) => `${name}=${value}`);
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  /** Drops cookie `name`, as a browser does when it expires or the user deletes it. */
  deleteCookie(name: string): void {
    this.jar.delete(name);
  }

  clearCookies(): void {
    this.jar.clear();
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: { ...headers, ...(cookie ? { cookie } : {}) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }
}

export const locationOf = (response: Response): URL => {
  const location = response.headers.get('location');
  if (!location) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location);
};

/**
 * Opens a `/connect/onboard` link as a browser does: a browser without an id of its own is first sent back to the
 * same URL with one (`cookie_check=1`, shared/onboarding/start-onboarding.ts), which it follows.
 */
export const openStartLink = async (browser: TestBrowser, url: string): Promise<Response> => {
  const response = await browser.get(url);
  const location = response.status === 302 ? response.headers.get('location') : null;
  return location && new URL(location).searchParams.get('cookie_check') === '1' ? browser.get(location) : response;
};
