/** Notifications show the first line of an error (extension/src/errorText.ts); the stack a worker appends stays in the log. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine } from '../../extension/src/errorText';

test('a worker failure (message, newline, stack) shows its message only', () => {
  const e = new RangeError('Array buffer allocation failed');
  assert.equal(firstLine(`${e.message}\n${e.stack}`), 'Array buffer allocation failed');
});

test('blank leading lines and CRLF are skipped; an empty message still says something', () => {
  assert.equal(
    firstLine('\n  \r\n  The solver worker stopped: exit code 1\r\n    at Worker.<anonymous>'),
    'The solver worker stopped: exit code 1',
  );
  assert.equal(firstLine('one line'), 'one line');
  assert.equal(firstLine(' \n\t'), 'no message');
});
