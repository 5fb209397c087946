import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_WAIT_ROWS, WaitBoard, fit } from '../../src/ui/wait-board.js';

test('one id: one line; its removal says since when it was watched', () => {
  const board = new WaitBoard();
  board.update({ type: 'wait-status', id: 'vid_a', status: 'queued', rawStatus: 'pending', progress: undefined }, 1000);
  board.update({ type: 'wait-status', id: 'vid_a', status: 'in_progress', rawStatus: 'in_progress', progress: 5 }, 3000);
  assert.deepEqual(board.lines(80), ['waiting for vid_a: in_progress 5%']);
  assert.equal(board.summary(80), 'waiting for vid_a: in_progress 5%');
  assert.equal(board.remove('vid_a'), 1000);
  assert.equal(board.size, 0);
  assert.equal(board.remove('vid_a'), undefined);
});

test('many ids: bounded rows, the rest counted, every line within the width', () => {
  const board = new WaitBoard();
  for (let index = 0; index < 200; index++) {
    board.update({ type: 'wait-status', id: `video_${'f'.repeat(40)}${index}`, status: 'in_progress', rawStatus: 'IN_PROGRESS', progress: 10 }, 0);
  }
  const lines = board.lines(60);
  assert.equal(lines.length, MAX_WAIT_ROWS + 2);
  assert.equal(lines.at(-1), `  … and ${200 - MAX_WAIT_ROWS} more: ${200 - MAX_WAIT_ROWS} in_progress`);
  for (const line of lines) assert.ok(line.length <= 60, line);
  assert.equal(board.summary(200), 'waiting for 200 videos: 200 in_progress');
});

test('fit cuts with an ellipsis', () => {
  assert.equal(fit('abcdef', 6), 'abcdef');
  assert.equal(fit('abcdefg', 6), 'abcde…');
});

test('a wait for three ids counts all three from the start, before their first statuses came', () => {
  const board = new WaitBoard();
  board.expect(['vid_a', 'vid_b', 'vid_c']);
  assert.deepEqual(board.lines(80), ['waiting for 3 videos: 3 not polled yet']);
  board.update({ type: 'wait-status', id: 'vid_a', status: 'queued', rawStatus: 'queued', progress: 0 }, 0);
  assert.deepEqual(board.lines(80), ['waiting for 3 videos: 1 queued, 2 not polled yet', '  vid_a  queued    0%']);
  board.remove('vid_b');
  board.remove('vid_c');
  assert.deepEqual(board.lines(80), ['waiting for vid_a: queued 0%']);
  board.remove('vid_a');
  board.expect(['vid_z']);
  assert.deepEqual(board.lines(80), ['waiting for vid_z']);
});
