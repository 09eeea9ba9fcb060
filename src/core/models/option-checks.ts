import { OptionError } from '../errors';

/**
 * Throws {@link OptionError} unless `value` is a finite number in `[min, max]` (and an integer when
 * `integer`). `name` is the option as the caller spelled it, so the message says what to fix.
 */
export function requireInRange(
  name: string,
  value: number,
  min: number,
  max: number,
  integer: boolean,
): void {
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a number';
    throw new OptionError(`${name} must be ${kind} between ${min} and ${max} (got ${value}).`);
  }
}
