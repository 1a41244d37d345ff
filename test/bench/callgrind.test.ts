import { describe, expect, it } from 'vitest';
import { beyondHarness, callgrindTotal, inclusiveCost, randomSeedFunction } from '../../bench/callgrind';

// The head of a real callgrind.out file (valgrind 3.19, one cold start of the webhook bundle).
const callgrindOut = [
  '# callgrind format',
  'version: 1',
  'creator: callgrind-3.19.0',
  'cmd:  /usr/bin/node /work/main/bench/out/cold-child.mjs',
  'positions: line',
  'events: Ir',
  'summary: 430889949',
  '',
  'ob=(5) /usr/libexec/valgrind/vgpreload_core-amd64-linux.so',
  'fn=(27004) 0x0000000000001050',
  '0 5',
  'totals: 430889949',
].join('\n');

// Lines of `callgrind_annotate --inclusive=yes` output for the same run.
const annotated = [
  '    8,683,816 ( 2.02%)  ???:v8::internal::HashSeed::InitializeRoots(v8::internal::Isolate*) [/usr/bin/node]',
  '    8,683,816 ( 2.02%)  ???:detail::sprp(unsigned long long, unsigned long long) [/usr/bin/node]',
  '       12,345 ( 0.00%)  ???:v8::internal::HashSeed::InitializeRootsLater(v8::internal::Isolate*) [/usr/bin/node]',
  '  404,530,000 (94.00%)  ???:node::Start(int, char**) [/usr/bin/node]',
].join('\n');

describe('reading callgrind output', () => {
  it('reads the total instruction count of the process', () => {
    expect(callgrindTotal(callgrindOut)).toBe(430_889_949);
    expect(callgrindTotal('summary: 12\n')).toBe(12);
  });

  it('refuses a file that is not callgrind output rather than counting nothing', () => {
    expect(() => callgrindTotal('==123== Valgrind error\n')).toThrow(/no totals line/);
  });

  it("finds the random hash seed's inclusive cost by the function's exact name", () => {
    expect(inclusiveCost(annotated, randomSeedFunction)).toBe(8_683_816);
  });

  it('counts nothing for a function the run never entered', () => {
    expect(inclusiveCost(annotated, 'v8::internal::NotThere')).toBe(0);
  });

  it("leaves out the harness's own cost, so what is compared is init + first request", () => {
    expect(beyondHarness(420_000_000, 118_000_000)).toBe(302_000_000);
  });
});
