/**
 * What source maps cost, the two ways a function can have readable stacks: Node decoding the map at
 * every cold start (`--enable-source-maps`), or the logger reading it the first time an error is
 * logged in a container (shared/observability/stack-frames.ts, how the functions run).
 */
import { readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import type { ColdPair, ColdRun } from './cold';
import { quantile, twoDecimals } from './stats';

export interface MapLoad {
  readonly mapBytes: number;
  /** Read, parse and decode the map, then look up one position: median of `runs`, in this (warm) process. */
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface SourceMapCost {
  /** The same bundle, started with NODE_OPTIONS=--enable-source-maps. */
  readonly enableSourceMaps: ColdRun;
  /** Median of paired runs: with the flag / without it (as deployed). */
  readonly pairedRatio: ColdPair['pairedRatio'];
  /** What the first error logged in a container pays instead, once. */
  readonly firstLoggedError: MapLoad;
}

export const invert = (ratio: ColdPair['pairedRatio']): ColdPair['pairedRatio'] => {
  const turn = (value: number): number => twoDecimals(1 / value);
  return {
    init: turn(ratio.init),
    total: turn(ratio.total),
    initCpu: turn(ratio.initCpu),
    totalCpu: turn(ratio.totalCpu),
  };
};

export const measureMapLoad = (mapFile: string, runs = 5): MapLoad => {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))).findOrigin(1, 1);
    const used = process.cpuUsage(cpuBefore);
    wall.push(performance.now() - began);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]): number => Math.round(quantile(values, 0.5) * 10) / 10;
  return { mapBytes: statSync(mapFile).size, wallMs: median(wall), cpuMs: median(cpu) };
};
