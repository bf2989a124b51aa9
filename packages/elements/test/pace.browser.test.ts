import { aTimeout, expect, waitUntil } from '@open-wc/testing';
import { paced } from '../src/shared/pace.js';

/** Keeps the main thread busy, as a slow re-render would. */
const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
};

describe('paced data re-renders (no frame over 50 ms under a burst of data)', () => {
  beforeEach(() => aTimeout(40)); // a fresh frame budget, nothing waiting

  it('run at once while the frame budget lasts', () => {
    const ran: number[] = [];
    paced(() => ran.push(1));
    paced(() => ran.push(2));
    expect(ran).to.deep.equal([1, 2]);
  });

  it('wait for a coming frame once the budget is spent, and keep their order', async () => {
    const ran: number[] = [];
    paced(() => {
      ran.push(1);
      busy(12); // more than the 8 ms a frame gives data re-renders
    });
    paced(() => ran.push(2));
    paced(() => ran.push(3));
    expect(ran, 'only the first ran in this task').to.deep.equal([1]);
    await waitUntil(() => ran.length === 3, 'the others run on the next frames');
    expect(ran).to.deep.equal([1, 2, 3]);
  });

  it('spread a long queue over several frames', async () => {
    const frames: number[] = [];
    let frame = 0;
    let counting = true;
    const tick = (): void => {
      frame++;
      if (counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    paced(() => busy(9));
    for (let i = 0; i < 6; i++) {
      paced(() => {
        frames.push(frame);
        busy(5);
      });
    }
    await waitUntil(() => frames.length === 6, 'every task ran');
    counting = false;
    expect(new Set(frames).size, `frames of the six tasks: ${frames}`).to.be.greaterThan(1);
  });
});
