// Re-renders caused by new data share a time budget per animation frame: a burst of data (1000 balance
// events/s into ten meters) is spread over a few frames instead of one long one (DESIGN.md §6: no frame
// over 50 ms). Work within the budget runs at once, so a quiet page renders data without delay; the rest
// waits for the next frame, in order. A hidden tab gets no frames: a timer drains the queue there.

/** Milliseconds of data re-renders per frame before the rest waits for the next one. */
const BUDGET_MS = 8;
const FRAME_MS = 16;

let sliceStart = Number.NEGATIVE_INFINITY;
let spent = 0;
const waiting: (() => void)[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

function run(task: () => void): void {
  const start = performance.now();
  try {
    task();
  } finally {
    spent += performance.now() - start;
  }
}

function drain(): void {
  clearTimeout(timer);
  timer = undefined;
  sliceStart = performance.now();
  spent = 0;
  while (waiting.length && spent < BUDGET_MS) run(waiting.shift() as () => void);
  if (waiting.length) schedule();
}

/** The next frame drains the queue, or the timer if no frame comes (a hidden tab); whichever is first. */
function schedule(): void {
  requestAnimationFrame(() => waiting.length && drain());
  timer = setTimeout(drain, 100);
}

/** Runs `task` now if this frame's budget allows, else in a coming frame (after the tasks already waiting). */
export function paced(task: () => void): void {
  const now = performance.now();
  if (now - sliceStart > FRAME_MS && !waiting.length) {
    sliceStart = now;
    spent = 0;
  }
  if (!waiting.length && (spent < BUDGET_MS || document.hidden)) run(task);
  else if (waiting.push(task) === 1) schedule();
}
