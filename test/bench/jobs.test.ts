import { describe, expect, it } from 'vitest';
import { inParallel, oneAtATime } from '../../bench/jobs';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('inParallel', () => {
  it('runs at most `parallel` jobs at once and answers in the order of the jobs', async () => {
    let running = 0;
    let most = 0;
    const job = (value: number, ticks: number) => async () => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < ticks; i += 1) await tick();
      running -= 1;
      return value;
    };

    expect(await inParallel(2, [job(1, 3), job(2, 1), job(3, 2), job(4, 1)])).toEqual([1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('starts no job after a failure and waits for the running ones before it throws', async () => {
    const started: number[] = [];
    let finished = 0;
    const job =
      (value: number, fails = false) =>
      async () => {
        started.push(value);
        await tick();
        if (fails) throw new Error(`job ${value} failed`);
        await tick();
        finished += 1;
        return value;
      };

    await expect(inParallel(2, [job(1, true), job(2), job(3), job(4)])).rejects.toThrow('job 1 failed');
    expect(started).toEqual([1, 2]);
    expect(finished).toBe(1);
  });

  it('runs one at a time when asked for none', async () => {
    expect(await inParallel(0, [async () => 'a', async () => 'b'])).toEqual(['a', 'b']);
  });
});

describe('oneAtATime', () => {
  it('makes one value at a time however many callers wait, and goes on after a failure', async () => {
    let making = 0;
    let calls = 0;
    const next = oneAtATime(async () => {
      making += 1;
      expect(making).toBe(1);
      calls += 1;
      await tick();
      making -= 1;
      if (calls === 2) throw new Error('second failed');
      return calls;
    });

    const answers = await Promise.allSettled([next(), next(), next()]);
    expect(answers.map((answer) => (answer.status === 'fulfilled' ? answer.value : 'failed'))).toEqual([
      1,
      'failed',
      3,
    ]);
  });
});
