import { describe, expect, it } from 'vitest';
import { deserializeError, serializeError } from '../../../src/shared/error-transfer';
import { ERROR_CODES, LocalrecError, toLocalrecError } from '../../../src/shared/errors';

describe('errors across the worker boundary', () => {
  it('a LocalrecError survives serialisation with its code and details', () => {
    const original = new LocalrecError('UNKNOWN_ITEM', 'No item "x".', { itemId: 'x' });
    const wire = structuredClone(serializeError(original));
    const back = deserializeError(wire);
    expect(back).toBeInstanceOf(LocalrecError);
    expect(back.code).toBe('UNKNOWN_ITEM');
    expect(back.message).toBe('No item "x".');
    expect(back.details).toEqual({ itemId: 'x' });
  });

  it('foreign errors become typed: quota errors keep their meaning, others are INTERNAL', () => {
    const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    expect(toLocalrecError(quota).code).toBe('QUOTA_EXCEEDED');
    expect(toLocalrecError(new TypeError('boom')).code).toBe('INTERNAL');
    expect(toLocalrecError('a string').message).toBe('a string');
  });

  it('an unknown code from the wire maps to INTERNAL', () => {
    expect(deserializeError({ code: 'NOPE' as never, message: 'm' }).code).toBe('INTERNAL');
    expect(Object.keys(ERROR_CODES)).toContain('WORKER_TERMINATED');
  });
});
