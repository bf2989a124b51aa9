// Bench probe: loaded as the first module of a bench page, so it runs just before creditkit.js.
// Records when the creditkit script can start, when every meter first shows data, layout shifts and
// long frames. The bench reads the results from `window.__bench`.
const bench = {
  probeAt: performance.now(),
  dataAt: null,
  meters: 0,
  cls: 0,
  shifts: [],
  loafs: [],
  longtasks: [],
  frames: { count: 0, max: 0, over50: 0, sampling: false, last: 0 },
  updates: 0,
};
window.__bench = bench;
// When creditkit.js has run its top level (the tags are registered).
customElements.whenDefined('ck-provider').then(() => {
  bench.definedAt = performance.now();
});
performance.mark('ck:probe');

const observe = (type, onEntry) => {
  if (!PerformanceObserver.supportedEntryTypes?.includes(type)) return false;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) onEntry(entry);
  }).observe({ type, buffered: true });
  return true;
};
bench.supports = {
  layoutShift: observe('layout-shift', (e) => {
    if (e.hadRecentInput) return;
    bench.cls += e.value;
    bench.shifts.push({
      at: e.startTime,
      value: e.value,
      sources: (e.sources ?? []).map((s) => s.node?.nodeName?.toLowerCase() ?? '?'),
    });
  }),
  loaf: observe('long-animation-frame', (e) =>
    bench.loafs.push({
      at: e.startTime,
      duration: e.duration,
      blocking: e.blockingDuration ?? 0,
      render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
      scripts: (e.scripts ?? [])
        .map((s) => ({ invoker: s.invoker, fn: s.sourceFunctionName, duration: Math.round(s.duration) }))
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 3),
    }),
  ),
  longtask: observe('longtask', (e) => bench.longtasks.push({ at: e.startTime, duration: e.duration })),
};

/** True when every meter on the page renders its data state (the meter bar only exists with data). */
function allMetersHaveData() {
  const meters = document.querySelectorAll('ck-balance-meter');
  bench.meters = meters.length;
  if (!meters.length) return false;
  for (const m of meters) if (!m.shadowRoot?.querySelector('[role="meter"]')) return false;
  return true;
}

function check() {
  if (bench.dataAt !== null || !allMetersHaveData()) return;
  bench.dataAt = performance.now();
  performance.mark('ck:data');
  mo.disconnect();
}
// A render commits inside one task; the host's reflected `status` attribute changes with it, and the
// observer's callback runs at the end of that task: the time is the commit, not the next frame.
const mo = new MutationObserver(check);
mo.observe(document.documentElement, { subtree: true, attributes: true, childList: true });
// Fallback if a widget stops reflecting `status`: look once per frame.
const poll = () => {
  check();
  if (bench.dataAt === null) requestAnimationFrame(poll);
};
requestAnimationFrame(poll);

/** rAF deltas over a window: the bench starts and stops sampling around a load test. */
bench.sampleFrames = (on) => {
  const f = bench.frames;
  f.sampling = on;
  if (!on) return;
  f.count = 0;
  f.max = 0;
  f.over50 = 0;
  f.last = performance.now();
  const tick = (now) => {
    if (!f.sampling) return;
    const delta = now - f.last;
    f.last = now;
    f.count++;
    f.max = Math.max(f.max, delta);
    if (delta > 50) f.over50++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

/** When creditkit.js could start running: after this probe and after its bytes arrived. */
bench.scriptStart = () => {
  const entry = performance
    .getEntriesByType('resource')
    .find((e) => new URL(e.name).pathname.endsWith('/creditkit.js'));
  return Math.max(bench.probeAt, entry?.responseEnd ?? 0);
};

/** When each file under /cdn/ (the script and its static chunks) finished loading. */
bench.cdn = () =>
  performance
    .getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith('/cdn/'))
    .map((e) => e.responseEnd);

/** API requests (resource timing): path, start and end, relative to the page's time origin. */
bench.requests = () =>
  performance
    .getEntriesByType('resource')
    .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd }))
    .filter((r) => r.path.startsWith('/v1/') || r.path === '/creditkit/session');

/** Counts renders of the meters (mutations in their shadow roots) from now on. */
bench.countUpdates = () => {
  bench.updates = 0;
  for (const m of document.querySelectorAll('ck-balance-meter')) {
    if (!m.shadowRoot) continue;
    new MutationObserver(() => bench.updates++).observe(m.shadowRoot, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  }
};

/** The first meter's displayed amount (to check that the events arrived). */
bench.amount = () =>
  document.querySelector('ck-balance-meter')?.shadowRoot?.querySelector('[part="amount"]')?.textContent?.trim() ?? null;

/** Each widget's rendered height next to the box the page reserved for it (CLS diagnostics). */
bench.boxes = () =>
  [...document.querySelectorAll('ck-balance-meter, ck-buy-credits, ck-plan-picker')].map((el) => ({
    tag: el.localName,
    height: Math.round(el.getBoundingClientRect().height),
    reserved: Number.parseFloat(getComputedStyle(el).minBlockSize) || 0,
    defined: Boolean(customElements.get(el.localName)),
  }));
