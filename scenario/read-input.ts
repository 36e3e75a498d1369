// Reading an input file (scenario, failure file, history, results) defensively: only a
// regular file (a FIFO nobody writes, /dev/zero or a directory would hang, never end, or
// fail obscurely), and no more than a cap. Errors thrown by fs keep their `code`
// (ENOENT...); ours have none, and say what is wrong in the message.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export const MiB = 1024 * 1024;
/** Scenario and failure files. */
export const SCENARIO_MAX_BYTES = 16 * MiB;
/** Histories (check) and results files (merge). */
export const HISTORY_MAX_BYTES = 256 * MiB;

/** The text of a regular file of at most `maxBytes` bytes (UTF-8). */
export function readInputText(path: string, maxBytes: number): string {
  // stat does not open the file, so it does not block on a FIFO.
  regularFile(statSync(path), maxBytes);
  // O_NONBLOCK: should the path have become a FIFO since, opening it does not block.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    regularFile(stats, maxBytes);
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw new Error(tooLarge(maxBytes));
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function regularFile(stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) throw new Error(`not a regular file: ${kind(stats)}`);
  if (stats.size > maxBytes) throw new Error(tooLarge(maxBytes));
}

function tooLarge(maxBytes: number): string {
  return `larger than the ${maxBytes / MiB} MiB faultline reads`;
}

function kind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}
