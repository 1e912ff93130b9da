// Cross-browser run of the built package: the foundation, persistence, error, CSP and privacy
// probes in Chromium, Firefox and WebKit. Prints a browser × probe table and one JSON line per
// cell; exits 1 if any cell fails or a browser is missing (it never skips silently).
//   npm run test:browsers [-- --browsers chromium,firefox,webkit]
import { startStaticServer, type StaticServer } from '../../tools/browser/static-server';
import { missingBrowser, startBrowser, type BrowserDriver, type BrowserName } from './drivers';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; report-uri /csp-report";

type Json = Record<string, unknown>;
interface Cell {
  browser: BrowserName;
  probe: string;
  ok: boolean;
  ms: number;
  detail: string;
  result?: Json;
}

const READ_PROBE = `(() => {
  if (window.__probe) return JSON.stringify(window.__probe);
  const out = document.getElementById('result');
  return out && out.textContent ? JSON.stringify({ done: true, ok: true, result: JSON.parse(out.textContent) }) : null;
})()`;

async function load(driver: BrowserDriver, url: string, timeoutMs = 120_000): Promise<{ ok: boolean; result?: Json; error?: string }> {
  await driver.goto(url);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const text = await driver.evaluate<string | null>(READ_PROBE);
    if (text) return JSON.parse(text) as { ok: boolean; result?: Json; error?: string };
    await new Promise((r) => setTimeout(r, 250));
  }
  // Where it stopped, when the probe says (window.__step).
  const step = await driver.evaluate<string | null>('window.__step || null').catch(() => null);
  return { ok: false, error: `no answer within ${timeoutMs / 1000} s${step ? ` (at: ${step})` : ''}` };
}

/** Each probe: what to load and what must hold; returns the failed expectations. */
const PROBES: { name: string; run(driver: BrowserDriver, server: StaticServer, tracked: Set<string>): Promise<{ failures: string[]; result?: Json }> }[] = [
  {
    name: 'foundation',
    async run(driver, server, tracked) {
      const got = await load(driver, `${server.url}/test/pages/cross-browser.html?probe=basics&db=xb-basics`);
      if (!got.ok || !got.result) return { failures: [got.error ?? 'failed'] };
      const r = got.result;
      for (const value of [...(r.trackedIds as string[]), ...(r.trackedQueries as string[])]) tracked.add(value);
      const failures = [
        r.recs === 12 ? '' : `recommend gave ${String(r.recs)} items`,
        r.viewedLeftOut ? '' : 'a viewed item was recommended',
        r.similar === 4 ? '' : `similar gave ${String(r.similar)}`,
        (r.search as number) >= 1 ? '' : 'typo search found nothing',
        typeof r.reason === 'string' && r.reason.length > 0 ? '' : 'no reason',
        r.tensorsStable ? '' : 'tensor count grew over 20 recommend() calls',
        r.exportedEvents === 2 ? '' : `export held ${String(r.exportedEvents)} events`,
        typeof r.backendReason === 'string' && r.backendReason.length > 0 ? '' : 'no backend reason',
      ].filter(Boolean);
      return { failures, result: { backend: r.backend, backendReason: r.backendReason, backendFailures: r.backendFailures } };
    },
  },
  {
    name: 'widgets',
    async run(driver, server, tracked) {
      const got = await load(driver, `${server.url}/test/pages/cross-browser.html?probe=widgets&db=xb-widgets`);
      if (!got.ok || !got.result) return { failures: [got.error ?? 'failed'] };
      const r = got.result as { recommendations: number; similar: number; similarHasSelf: boolean; boughtTogether: number; updatedAfterView: boolean; trackedIds: string[] };
      for (const value of r.trackedIds) tracked.add(value);
      const failures = [
        r.recommendations === 5 ? '' : `<localrec-recommendations> showed ${String(r.recommendations)}`,
        r.similar === 4 && !r.similarHasSelf ? '' : `<localrec-similar> showed ${String(r.similar)}${r.similarHasSelf ? ', itself among them' : ''}`,
        r.boughtTogether === 3 ? '' : `<localrec-bought-together> showed ${String(r.boughtTogether)}`,
        r.updatedAfterView ? '' : 'the recommendations widget still shows the viewed item after a view',
      ].filter(Boolean);
      return { failures, result: r as unknown as Json };
    },
  },
  {
    name: 'session',
    async run(driver, server, tracked) {
      const got = await load(driver, `${server.url}/test/pages/cross-browser.html?probe=session&db=xb-session`, 240_000);
      if (!got.ok || !got.result) return { failures: [got.error ?? 'failed'] };
      const r = got.result as { trainWhere: string; tunedSteps: number; contentEpochs: number; embedded: number; alikeNew: number; model: string; events: number; reasons: number; evidence: number; afterForget: number; trackedIds: string[]; trackedQueries: string[] };
      for (const value of [...r.trackedIds, ...r.trackedQueries]) tracked.add(value);
      const failures = [
        r.trainWhere === 'training-worker' ? '' : `trained ${r.trainWhere}`,
        r.tunedSteps === 2 ? '' : `fine-tuned ${String(r.tunedSteps)} steps`,
        r.contentEpochs === 1 ? '' : `trainContent() ran ${String(r.contentEpochs)} epochs`,
        r.embedded === 401 ? '' : `${String(r.embedded)} items embedded, 401 expected`,
        r.alikeNew === 4 ? '' : `similar() of an item added after trainContent() gave ${String(r.alikeNew)}`,
        /vae/.test(r.model) ? '' : `the trained model does not serve (${r.model})`,
        r.events === 5 ? '' : `${String(r.events)} events stored, 5 tracked`,
        r.reasons === 6 ? '' : `${String(r.reasons)} of 6 recommendations have a reason`,
        r.evidence > 0 ? '' : 'explain() gave no evidence',
        r.afterForget === 0 ? '' : 'forget() left events',
      ].filter(Boolean);
      return { failures, result: r };
    },
  },
  {
    name: 'persistence',
    async run(driver, server, tracked) {
      const first = await load(driver, `${server.url}/test/pages/cross-browser.html?probe=persist&db=xb-persist&step=1`);
      if (!first.ok || !first.result) return { failures: [first.error ?? 'step 1 failed'] };
      for (const id of first.result.trackedIds as string[]) tracked.add(id);
      const second = await load(driver, `${server.url}/test/pages/cross-browser.html?probe=persist&db=xb-persist&step=2`);
      if (!second.ok || !second.result) return { failures: [second.error ?? 'step 2 failed'] };
      const r = second.result;
      const failures = [
        first.result.events === 3 ? '' : `stored ${String(first.result.events)} of 3 events`,
        r.afterReload === 3 ? '' : `after reload ${String(r.afterReload)} events`,
        r.afterForget === 0 ? '' : `after forget ${String(r.afterForget)} events`,
        r.databaseLeft === true ? 'forget() left the database' : '',
      ].filter(Boolean);
      return { failures, result: r };
    },
  },
  {
    name: 'storage',
    async run(driver, server, tracked) {
      const got = await load(driver, `${server.url}/test/pages/cross-browser.html?probe=storage&db=xb-storage`);
      if (!got.ok || !got.result) return { failures: [got.error ?? 'failed'] };
      const r = got.result as { persisted: unknown; hasPersistApi: boolean; lost: { historyLost: boolean; events: number }; lostAgain: boolean; lostAfterForget: boolean; trackedIds: string[] };
      for (const id of r.trackedIds) tracked.add(id);
      const failures = [
        (r.hasPersistApi ? typeof r.persisted === 'boolean' || r.persisted === null : r.persisted === null) ? '' : `storagePersisted is ${String(r.persisted)} (persist API ${r.hasPersistApi ? 'present' : 'absent'})`,
        r.lost.historyLost && r.lost.events === 0 ? '' : `an evicted history was not reported: ${JSON.stringify(r.lost)}`,
        r.lostAgain ? 'historyLost reported twice for one eviction' : '',
        r.lostAfterForget ? 'forget() was taken for an eviction' : '',
      ].filter(Boolean);
      return { failures, result: r };
    },
  },
  {
    name: 'errors',
    async run(driver, server) {
      const got = await load(driver, `${server.url}/test/pages/cross-browser.html?probe=errors`);
      if (!got.ok || !got.result) return { failures: [got.error ?? 'failed'] };
      const r = got.result;
      const expected: Json = { unknownItem: 'UNKNOWN_ITEM', badEvent: 'INVALID_EVENT', badK: 'INVALID_ARGUMENT', events: 0, disposed: 'DISPOSED', badCatalog: 'CATALOG_INVALID', badWorker: 'WORKER_FAILED' };
      const failures = Object.entries(expected).filter(([k, v]) => r[k] !== v).map(([k, v]) => `${k}: ${String(r[k])} (expected ${String(v)})`);
      const gpu = r.webgpu as { hasGpu: boolean; backend: string; failures: { backend: string; error: string }[] };
      if (!gpu.hasGpu && gpu.failures[0]?.error !== 'WebGPU is not available in this browser') failures.push(`webgpu fallback reason: ${JSON.stringify(gpu.failures)}`);
      return { failures, result: r };
    },
  },
  {
    name: 'csp',
    async run(driver, server) {
      server.headers['content-security-policy'] = CSP;
      try {
        const got = await load(driver, `${server.url}/test/pages/csp-script-tag.html`);
        const r = got.result ?? {};
        const failures = [got.ok && r.ok === true ? '' : `script tag under CSP: ${JSON.stringify(r.error ?? got.error)}`, r.recs === 12 ? '' : `recommend gave ${String(r.recs)}`].filter(Boolean);
        const reports = server.requests.filter((q) => q.url.startsWith('/csp-report'));
        if (reports.length) failures.push(`CSP violation reported: ${reports[0]!.body.slice(0, 200)}`);
        return { failures, result: r };
      } finally {
        delete server.headers['content-security-policy'];
      }
    },
  },
  {
    name: 'privacy',
    async run(_driver, server, tracked) {
      // Every request the browser made during this browser's probes, as the server saw it.
      const failures: string[] = [];
      for (const request of server.requests) {
        if (request.method !== 'GET') failures.push(`${request.method} ${request.url}`);
        const text = decodeURIComponent(request.url + request.body).toLowerCase();
        for (const value of tracked) if (text.includes(value.toLowerCase())) failures.push(`${request.url} carries "${value}"`);
      }
      return { failures, result: { requests: server.requests.length } };
    },
  },
];

async function runBrowser(name: BrowserName): Promise<Cell[]> {
  const missing = missingBrowser(name);
  if (missing) return PROBES.map((p) => ({ browser: name, probe: p.name, ok: false, ms: 0, detail: missing }));
  const server = await startStaticServer();
  const tracked = new Set<string>();
  let driver: BrowserDriver;
  try {
    driver = await startBrowser(name);
  } catch (error) {
    await server.close();
    return PROBES.map((p) => ({ browser: name, probe: p.name, ok: false, ms: 0, detail: `could not start: ${(error as Error).message}` }));
  }
  const cells: Cell[] = [];
  try {
    for (const probe of PROBES) {
      const started = Date.now();
      try {
        const { failures, result } = await probe.run(driver, server, tracked);
        cells.push({ browser: name, probe: probe.name, ok: failures.length === 0, ms: Date.now() - started, detail: failures.join('; '), ...(result ? { result } : {}) });
      } catch (error) {
        cells.push({ browser: name, probe: probe.name, ok: false, ms: Date.now() - started, detail: String((error as Error).message ?? error) });
      }
    }
  } finally {
    await driver.close().catch(() => undefined);
    await server.close();
  }
  return cells;
}

async function main(): Promise<number> {
  const at = process.argv.indexOf('--browsers');
  const browsers = (at > 0 ? process.argv[at + 1]!.split(',') : ['chromium', 'firefox', 'webkit']) as BrowserName[];
  const cells: Cell[] = [];
  for (const browser of browsers) {
    const started = Date.now();
    const done = await runBrowser(browser);
    cells.push(...done);
    for (const cell of done) process.stdout.write(`${JSON.stringify({ crossBrowser: cell.probe, ...cell })}\n`);
    process.stdout.write(`${browser}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const width = Math.max(...PROBES.map((p) => p.name.length), 5);
  const lines = [`| ${'probe'.padEnd(width)} | ${browsers.map((b) => b.padEnd(14)).join(' | ')} |`, `|${'-'.repeat(width + 2)}|${browsers.map(() => '-'.repeat(16)).join('|')}|`];
  for (const probe of PROBES) {
    const row = browsers.map((b) => {
      const cell = cells.find((c) => c.browser === b && c.probe === probe.name)!;
      return (cell.ok ? `pass ${(cell.ms / 1000).toFixed(1)} s` : 'FAIL').padEnd(14);
    });
    lines.push(`| ${probe.name.padEnd(width)} | ${row.join(' | ')} |`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
  const failed = cells.filter((c) => !c.ok);
  for (const cell of failed) process.stdout.write(`FAIL ${cell.browser} ${cell.probe}: ${cell.detail}\n`);
  const passed = cells.length - failed.length;
  process.stdout.write(`cross-browser: ${passed} passed, ${failed.length} failed\n`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cross-browser: ${String((error as Error).stack ?? error)}\n`);
    process.exit(1);
  },
);
