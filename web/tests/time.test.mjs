// The viewer's date arithmetic and activity rule (the same rule the generated style applies).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activity, describeDates, fromDays, longDate, periodsAt, toDays } from '../src/time.js';

test('days round-trip, including leap days and the 1930s', () => {
  assert.equal(toDays('1970-01-01'), 0);
  assert.equal(toDays('1936-02-29') + 1, toDays('1936-03-01'));
  assert.equal(toDays('1938-04-15') - toDays('1936-06-01'), 683);
  for (const iso of ['1936-06-01', '1937-12-31', '1938-04-15', '0099-05-06', '2004-02-29']) {
    assert.equal(fromDays(toDays(iso)), iso);
  }
  assert.ok(Number.isNaN(toDays('1937-02-30')));
  assert.ok(Number.isNaN(toDays('1937-2-3')));
});

test('activity: certain inside the certain span, possible inside start..end only', () => {
  const strike = { start: '1936-10-27', end: '1937-03-14', certain_start: '1936-10-27', certain_end: '1937-03-01' };
  assert.equal(activity(strike, '1936-12-01'), 'certain');
  assert.equal(activity(strike, '1936-10-27'), 'certain');
  assert.equal(activity(strike, '1937-03-10'), 'possible');
  assert.equal(activity(strike, '1937-03-15'), null);
  assert.equal(activity(strike, '1936-10-26'), null);
  const fuzzy = { start: '1938-04-01', end: '1938-05-31', certain_start: null, certain_end: null };
  assert.equal(activity(fuzzy, '1938-04-15'), 'possible');
  assert.equal(activity({}, '1938-04-15'), null);
});

test('periods and descriptions', () => {
  const periods = [{ id: 'a', start: '1936-10-27', end: '1937-03-07' }, { id: 'b', start: '1937-03-01', end: '1937-08-31' }];
  assert.deepEqual(periodsAt(periods, '1937-03-05').map((p) => p.id), ['a', 'b']);
  assert.deepEqual(periodsAt(periods, '1938-01-01'), []);
  assert.equal(longDate('1938-04-15'), '15 April 1938');
  assert.equal(describeDates({ when: '1938-04/1938-05', start: '1938-04-01', end: '1938-05-31', certain_start: '1938-04-30', certain_end: '1938-05-01' }),
    'Dated “1938-04/1938-05”; possibly 1 April 1938 – 31 May 1938; certainly 30 April 1938 – 1 May 1938.');
  assert.equal(describeDates({ when: '1936-10-27', start: '1936-10-27', end: '1936-10-27', certain_start: '1936-10-27', certain_end: '1936-10-27' }),
    'Dated “1936-10-27”; certainly 27 October 1936.');
});

test('months and month ends of ancient dates: years 0-99 and before AD 1', async () => {
  const { monthEnd, monthsBetween } = await import('../src/time.js');
  // Year 0 (1 BC) is a leap year in the proleptic Gregorian calendar; 1900 is not.
  assert.equal(monthEnd('0000-02'), '0000-02-29');
  assert.equal(monthEnd('0059-02'), '0059-02-28');
  assert.equal(monthEnd('0060-02'), '0060-02-29');
  assert.equal(monthEnd('0059-12'), '0059-12-31');
  assert.equal(monthEnd('-0059-04'), '-0059-04-30');
  assert.deepEqual(monthsBetween('0059-11-15', '0060-02-01'), ['0059-11', '0059-12', '0060-01', '0060-02']);
  assert.deepEqual(monthsBetween('-0001-11-03', '0000-02-01'), ['-0001-11', '-0001-12', '0000-01', '0000-02']);
  assert.deepEqual(monthsBetween('1937-03-01', '1937-03-31'), ['1937-03']);
});

test('long dates say AD below the year 1000 and BC up to year 0', () => {
  assert.equal(longDate('0059-11-15'), '15 November AD 59');
  assert.equal(longDate('0999-01-02'), '2 January AD 999');
  assert.equal(longDate('1000-01-02'), '2 January 1000');
  assert.equal(longDate('-0043-03-15'), '15 March 44 BC');
  assert.equal(longDate('0000-12-31'), '31 December 1 BC');
});
