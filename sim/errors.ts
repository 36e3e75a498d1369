// Whose bug is it? faultline's own assertions (the kernel's invariants: time never goes
// backwards, an actor starts once, the event queue holds no negative time...) throw a
// KernelError: the run is abandoned as an internal error (exit 4). Anything else thrown
// from protocol code (an actor's handler, an invariant, a liveness check, the workload's
// generator), including a plain `assert` and a misuse of the context API, is the
// protocol's failure: the kernel's handler boundaries catch it and the run stops with a
// `protocol-exception` violation (exit 1), like a safety violation.
import { AssertionError } from './types.js';

/** The checker name of a violation recorded for an exception thrown by protocol code. */
export const PROTOCOL_EXCEPTION = 'protocol-exception';

/** A broken kernel invariant: a bug in faultline itself, never the protocol's. */
export class KernelError extends AssertionError {
  override name = 'KernelError';
}

/**
 * faultline's own assertion (kernel code only; protocols use `assert` from types.ts). The
 * message is a constant: one with values in it is built on every call, so write
 * `if (!condition) throw new KernelError(`...${x}`)` instead (lint keeps the eager form out).
 */
export function kernelAssert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new KernelError(message);
}

export function kernelNever(x: never, what = 'value'): never {
  throw new KernelError(`unexpected ${what}: ${JSON.stringify(x)}`);
}

/** `Name: message` for an Error, the value as text otherwise. */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The kernel's handler boundaries: the frames that call into protocol code. The stack of
 * a protocol exception is cut at the first of them: what is below is the kernel's event
 * loop, the same for every exception.
 */
const BOUNDARY_FRAME = /^\s*at (?:new Checks |Checks\.(?:onNote|afterEvent|atEnd) |Actors\.(?:start|deliver|fireTimer|afterHandler) |Object\.nextOp |BuiltinClients\.invoke |Faults\.leader )/;

/**
 * The stack frames of an exception thrown by protocol code (the `at ...` lines), up to the
 * kernel frame that called the protocol. Undefined when the thrown value has no stack.
 */
export function protocolFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  const frames: string[] = [];
  for (const line of error.stack.split('\n')) {
    if (!/^\s*at /.test(line)) continue;
    if (BOUNDARY_FRAME.test(line)) break;
    frames.push(line.trim());
  }
  return frames.length > 0 ? frames.join('\n') : undefined;
}
