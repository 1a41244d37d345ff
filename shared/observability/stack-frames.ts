/**
 * Stack frames of a logged error, pointing at our TypeScript sources instead of the minified bundle.
 *
 * The functions run without `--enable-source-maps`: with it, Node decodes each bundle's source map
 * on every cold start for traces that are read only when something fails (docs/performance.md).
 * Instead the bundle's `.map` ships beside it and is read here, the first time an error is logged
 * in a container, with the `SourceMap` class Node has built in (`node:module`). A frame whose file
 * has no map beside it (Node's own, tests run from sources) is kept as it is.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** `file:///var/task/index.mjs:1:2345` or `/var/task/index.mjs:1:2345`, as V8 writes a frame's location. */
const locationPattern = /((?:file:\/\/)?\/[^\s()]+\.[cm]?js):(\d+):(\d+)/;
/** `    at name (location)`: the frames whose function name a map can restore. */
const namedFramePattern = /^(\s*at (?:async |new )?)([^\s(]+)( \[as [^\]]+\])? \(/;

/** One map per bundle file, read once; `null` when the file has none. */
const maps = new Map<string, SourceMap | null>();

const mapOf = (file: string): SourceMap | null => {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
};

/**
 * A source path as the map records it (relative to the bundle's build directory, e.g.
 * `../../shared/logger.ts`), shown from the project root: `shared/logger.ts`, `node_modules/stripe/…`.
 */
export const projectPath = (source: string): string => {
  const withoutScheme = source.replace(/^file:\/\//, '');
  const dependency = withoutScheme.lastIndexOf('node_modules/');
  if (dependency >= 0) return withoutScheme.slice(dependency);
  return withoutScheme.replace(/^(?:\.{1,2}\/)+/, '');
};

interface Origin {
  readonly name?: string;
  readonly fileName?: string;
  readonly lineNumber?: number;
  readonly columnNumber?: number;
}

/** Where a frame's location came from in the sources, when its file has a map that knows it. */
const originOf = (frame: string): Origin | undefined => {
  const location = locationPattern.exec(frame);
  if (!location) return undefined;
  const [, file = '', line, column] = location;
  const map = mapOf(file.startsWith('file:') ? fileURLToPath(file) : file);
  // findOrigin takes and returns 1-based lines and columns, as stack traces print them.
  const origin = map?.findOrigin(Number(line), Number(column)) as Origin | undefined;
  return origin?.fileName ? origin : undefined;
};

/**
 * Stack frames (`at …` lines), each mapped to its source when the bundle's map knows it:
 * `at put (shared/stores/states-repo.ts:35:5)`. A function's original name is the one its caller's
 * call site names, as Node's own `--enable-source-maps` restores it.
 */
const mapFrames = (frames: readonly string[]): string[] => {
  const origins = frames.map(originOf);
  return frames.map((frame, index) => {
    const origin = origins[index];
    if (!origin) return frame;
    const location = `${projectPath(origin.fileName ?? '')}:${origin.lineNumber}:${origin.columnNumber}`;
    const callerName = origins[index + 1]?.name;
    const named = namedFramePattern.exec(frame);
    if (!named) return frame.replace(locationPattern, location);
    const [, prefix = 'at ', name = ''] = named;
    return `${prefix}${callerName || name} (${location})`;
  });
};

/**
 * The frames of `error.stack`, mapped; without its first line, which repeats the unscrubbed message.
 * The raw frames if mapping fails: a log line is never lost to its stack.
 */
export const sourceFrames = (error: Error): string[] => {
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s*at /.test(line))
    .map((line) => line.trim());
  try {
    return mapFrames(frames);
  } catch {
    return frames;
  }
};
