/**
 * Form / query-string parameters with Stripe's bracket conventions:
 * `a[]=x&a[]=y` and `a[0]=x&a[1]=y` (what stripe-node sends) are lists, `stripe_user[email]=..` is a map.
 */
export class ParsedForm {
  private readonly pairs: [string, string][];

  constructor(source: string | URLSearchParams) {
    const params = typeof source === 'string' ? new URLSearchParams(source) : source;
    this.pairs = [...params.entries()];
  }

  /** The first value of a plain key, or undefined. */
  get(name: string): string | undefined {
    return this.pairs.find(([k]) => k === name)?.[1];
  }

  has(name: string): boolean {
    return this.pairs.some(([k]) => k === name || k.startsWith(`${name}[`));
  }

  /** Values of `name[]`, `name[0]`, `name[1]`.. (indexed ones sorted by index) and a plain `name`. */
  list(name: string): string[] {
    const indexed: [number, string][] = [];
    const plain: string[] = [];
    for (const [key, value] of this.pairs) {
      if (key === name || key === `${name}[]`) plain.push(value);
      const match = /^(.+)\[(\d+)\]$/.exec(key);
      if (match?.[1] === name && match[2] !== undefined) indexed.push([Number(match[2]), value]);
    }
    return [...indexed.sort((a, b) => a[0] - b[0]).map(([, v]) => v), ...plain];
  }

  /** `name[key]=value` pairs as a map (one level). */
  map(name: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of this.pairs) {
      const match = /^(.+)\[([^\]]+)\]$/.exec(key);
      if (match?.[1] === name && match[2] !== undefined && !/^\d+$/.test(match[2])) out[match[2]] = value;
    }
    return out;
  }
}
