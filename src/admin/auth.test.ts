import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuthorization, checkAuthorization } from './auth.js';

const basic = (userAndPassword: string): string =>
  `Basic ${Buffer.from(userAndPassword, 'utf8').toString('base64')}`;

test('Bearer and Basic as default are accepted; anything else is missing or wrong', () => {
  const cases: [header: string | undefined, verdict: string][] = [
    ['Bearer s3cret', 'ok'],
    ['bearer s3cret', 'ok'],
    [basic('default:s3cret'), 'ok'],
    [basicAuthorization('s3cret'), 'ok'],
    [undefined, 'missing'],
    ['', 'missing'],
    ['s3cret', 'missing'],
    ['Digest s3cret', 'missing'],
    ['Basic !!!', 'missing'],
    [basic('default'), 'missing'],
    ['Bearer s3cre', 'wrong'],
    ['Bearer s3cret2', 'wrong'],
    ['Bearer  s3cret', 'wrong'],
    [basic('default:S3cret'), 'wrong'],
    [basic('admin:s3cret'), 'wrong'],
    [basic(':s3cret'), 'wrong'],
  ];
  for (const [header, verdict] of cases)
    assert.equal(checkAuthorization(header, 's3cret'), verdict, String(header));
});

test('passwords are UTF-8 bytes; Basic splits at the first colon', () => {
  assert.equal(checkAuthorization(basicAuthorization('pä:ss wörd'), 'pä:ss wörd'), 'ok');
  assert.equal(checkAuthorization(basic('default:pä:ss wörd'), 'pä:ss wörd'), 'ok');
  // Node gives header values as latin1: these are the UTF-8 bytes of 'pä' on the wire.
  assert.equal(checkAuthorization('Bearer p\u00c3\u00a4', 'pä'), 'ok');
  assert.equal(checkAuthorization('Bearer pä', 'pä'), 'wrong');
});
