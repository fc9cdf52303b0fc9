import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../shared/effects.js';
import { ListDeque } from './list.js';

test('push and pop at both ends keep order', () => {
  const list = new ListDeque();
  list.pushBack('b');
  list.pushFront('a');
  list.pushBack('c');
  assert.deepEqual(list.toArray(), ['a', 'b', 'c']);
  assert.equal(list.popFront(), 'a');
  assert.equal(list.popBack(), 'c');
  assert.equal(list.popBack(), 'b');
  assert.equal(list.popBack(), undefined);
  assert.equal(list.popFront(), undefined);
  assert.equal(list.length, 0);
});

test('random operations agree with an array model across growth, wrap-around and shrink', () => {
  const rng = new SeededRng(7);
  const list = new ListDeque();
  const model: string[] = [];
  for (let step = 0; step < 20_000; step++) {
    const op = rng.int(5);
    // Bias towards growth in the first half and towards shrinking in the second.
    const grow = step < 10_000 ? op < 3 : op < 1;
    if (grow) {
      const element = `e${step}`;
      if (rng.int(2) === 0) {
        list.pushFront(element);
        model.unshift(element);
      } else {
        list.pushBack(element);
        model.push(element);
      }
    } else if (rng.int(2) === 0) {
      assert.equal(list.popFront(), model.shift());
    } else {
      assert.equal(list.popBack(), model.pop());
    }
    assert.equal(list.length, model.length);
    if (step % 997 === 0) assert.deepEqual(list.toArray(), model);
  }
  assert.deepEqual(list.toArray(), model);
  const probe = Math.floor(model.length / 2);
  assert.equal(list.at(probe), model[probe]);
  assert.equal(list.at(-1), undefined);
  assert.equal(list.at(model.length), undefined);
});

test('range, set, replaceAll and clone', () => {
  const list = ListDeque.from(['a', 'b', 'c', 'd']);
  list.pushFront('z');
  assert.deepEqual(list.range(1, 3), ['a', 'b', 'c']);
  list.set(0, 'y');
  assert.equal(list.at(0), 'y');
  const copy = list.clone();
  list.replaceAll(['q']);
  assert.deepEqual(list.toArray(), ['q']);
  assert.deepEqual(copy.toArray(), ['y', 'a', 'b', 'c', 'd']);
  assert.deepEqual([...copy], copy.toArray());
});
