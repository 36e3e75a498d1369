// The InputError a scenario promise rejects with (a test fails if it loads, or throws anything else).
import { InputError } from '../../scenario/errors.js';

export async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError, but the scenario loaded');
}
