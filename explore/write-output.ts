// Writing the files the CLI produces (traces, failure files, results, shrunk scenarios): a
// regular file (or a missing path) is written to a temporary file beside it and renamed
// over it, so a crash or a full disk never leaves a partial file; anything else is never
// replaced by a regular file: a symlink is followed (its target written, the link kept), a
// device or a FIFO is opened and written through (/dev/null works, /dev/full reports
// ENOSPC), a directory is refused. A write that fails is an OutputError (exit 2): it names
// the path and the errno.
import { lstatSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../scenario/errors.js';

/** A file faultline was told to write could not be written: the path the user gave is unusable (exit 2). */
export class OutputError extends InputError {
  override name = 'OutputError';
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    super(path, undefined, undefined, `cannot write: ${code}`);
    this.message = `cannot write ${path}: ${code}`;
  }
}

/** The errno of a failed file operation (ENOSPC, ENOTDIR...), else its message. */
export function errnoOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

export function outputError(path: string, error: unknown): OutputError {
  return error instanceof OutputError ? error : new OutputError(path, errnoOf(error));
}

/** How a path is written: `atomic` (temp + rename, at `path`) or `through` (open it and write). */
export interface OutputTarget {
  how: 'atomic' | 'through';
  /** Where to write: a symlink's target, else the path itself. */
  path: string;
}

/** Decide how to write `path` without replacing what is there; throws OutputError for a directory or an unusable parent. */
export function outputTarget(path: string): OutputTarget {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw outputError(path, error);
    // Missing: its folder must exist and be a folder.
    const dir = dirname(path);
    let parent: Stats;
    try {
      parent = statSync(dir);
    } catch (error2) {
      throw outputError(path, error2);
    }
    if (!parent.isDirectory()) throw new OutputError(path, 'ENOTDIR');
    return { how: 'atomic', path };
  }
  let target = path;
  if (stats.isSymbolicLink()) {
    try {
      target = realpathSync(path);
      stats = statSync(target);
    } catch {
      // A dangling link: writing through it creates its target (or fails, naming why).
      return { how: 'through', path };
    }
  }
  if (stats.isDirectory()) throw new OutputError(path, 'EISDIR');
  return { how: stats.isFile() ? 'atomic' : 'through', path: target };
}

/** The temporary file beside `path` that an atomic write renames over it. */
export function temporaryFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/** Write `text` to `path` (see the file comment); OutputError names `path` and the errno. */
export function writeOutputSync(path: string, text: string): void {
  const target = outputTarget(path);
  if (target.how === 'through') {
    try {
      writeFileSync(target.path, text, 'utf8');
    } catch (error) {
      throw outputError(path, error);
    }
    return;
  }
  const temporary = temporaryFor(target.path);
  try {
    writeFileSync(temporary, text, 'utf8');
    renameSync(temporary, target.path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
    throw outputError(path, error);
  }
}
