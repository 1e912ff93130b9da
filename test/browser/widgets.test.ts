import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Item } from '../../src/shared/types';
import type * as Widgets from '../../src/widgets/index';
import { launchChromium } from '../../tools/browser/chromium';
import { startStaticServer, type StaticServer } from '../../tools/browser/static-server';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// The drop-in web components of the built package (dist/widgets.js, dist/localrec-widgets.iife.js)
// in Chromium, on the scientific fixture catalog, with the real worker behind them.
const CATALOG = '/test/fixtures/scientific-items.jsonl';
const items = readFileSync(`.${CATALOG}`, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Item);
const byId = new Map(items.map((item) => [item.id, item]));
const XSS_TITLE = '<img src=x onerror="window.__xss=1">Evil <script>window.__xss=2</script> Duct Tape';

type WidgetWindow = TestWindow & {
  localrecWidgets: typeof Widgets;
  rec: import('../../src/client/create-recommender').LocalRecommender;
  __xss?: number;
};

let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

/** Opens the widgets test page with `markup` in its slot and (unless `connect` is false) a recommender connected page-wide. */
async function openWidgets(markup: string, options: { connect?: boolean; hostile?: Item } = {}): Promise<Page> {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${env.server.url}/test/pages/widgets.html`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.evaluate(
    async ({ markup, catalog, hostile, connect }) => {
      const w = window as unknown as WidgetWindow;
      document.getElementById('slot')!.innerHTML = markup;
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Item);
      const rec = (await w.localrec.createRecommender({ catalog: hostile ? [hostile, ...rows] : rows, backend: 'wasm', storage: { persist: false } })) as WidgetWindow['rec'];
      w.rec = rec;
      if (connect) w.localrecWidgets.connectWidgets(rec);
    },
    { markup, catalog: CATALOG, hostile: options.hostile ?? null, connect: options.connect ?? true },
  );
  return page;
}

/** Waits until the widget at `selector` shows a list (state ready) and returns its rendered items. */
async function rendered(page: Page, selector: string, count?: number): Promise<{ id: string; title: string; reason: string | null; why: boolean }[]> {
  await page.waitForFunction(
    ({ selector, count }) => {
      const el = document.querySelector(selector);
      const n = el?.shadowRoot?.querySelectorAll('[part~="item"]').length ?? 0;
      return el?.getAttribute('state') === 'ready' && (count === undefined ? n > 0 : n === count);
    },
    { selector, count },
    { timeout: 60_000 },
  );
  return page.evaluate((selector) => [...document.querySelector(selector)!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')].map((li) => ({
    id: li.dataset.itemId!,
    title: li.querySelector('[part~="title"]')!.textContent!,
    reason: li.querySelector('[part~="reason"]')?.textContent ?? null,
    why: li.querySelector('[part~="why"]') !== null,
  })), selector);
}

describe('<localrec-recommendations> and <localrec-similar>', () => {
  it('wait quietly without a recommender, then render items with reasons in a labelled list once connected', async () => {
    const first = items[0]!;
    const page = await openWidgets(`<localrec-recommendations k="5" href="/product/{id}"></localrec-recommendations>
      <localrec-similar item-id="${first.id}" k="4" heading="Like this one" heading-level="3"></localrec-similar>`, { connect: false });
    // No recommender yet: nothing shown, no error.
    await page.waitForTimeout(200);
    const waiting = await page.evaluate(() => [...document.querySelectorAll('localrec-recommendations, localrec-similar')].map((el) => ({
      state: el.getAttribute('state'),
      visible: (el.shadowRoot!.querySelector('[part="container"]') as HTMLElement).hidden === false,
    })));
    expect(waiting).toEqual([{ state: 'waiting', visible: false }, { state: 'waiting', visible: false }]);

    await page.evaluate((item) => {
      const w = window as unknown as WidgetWindow;
      // Tell the similar widget what the product is, so reasons can name what they share.
      document.querySelector('localrec-similar')!.item = item;
      w.localrecWidgets.connectWidgets(w.rec);
    }, first);
    const recs = await rendered(page, 'localrec-recommendations', 5);
    const similar = await rendered(page, 'localrec-similar', 4);
    expect(recs.every((r) => byId.get(r.id)?.title === r.title)).toBe(true);
    // A new shopper: starter picks with their reason, and no why? (no history to explain).
    expect(recs.every((r) => typeof r.reason === 'string' && r.reason.length > 0 && !r.why)).toBe(true);
    expect(similar.map((r) => r.id)).not.toContain(first.id);
    expect(similar.every((r) => /^(Same brand \(.+\)( and category)?|Same category|Similar in title and description)$/.test(r.reason ?? ''))).toBe(true);
    expect(similar.some((r) => /^Same /.test(r.reason ?? ''))).toBe(true); // the item property reached the reasons
    expect(similar.every((r) => r.why)).toBe(true);

    const structure = await page.evaluate(() => {
      const root = document.querySelector('localrec-similar')!.shadowRoot!;
      const list = root.querySelector('[part="list"]')!;
      const heading = root.getElementById(list.getAttribute('aria-labelledby') ?? '');
      const recRoot = document.querySelector('localrec-recommendations')!.shadowRoot!;
      return {
        role: list.getAttribute('role'),
        heading: heading?.localName,
        headingText: heading?.textContent,
        recHeading: recRoot.querySelector('[part="heading"]')?.textContent,
        links: [...recRoot.querySelectorAll<HTMLAnchorElement>('a[part~="link"]')].map((a) => new URL(a.href).pathname),
        // The similar widget has no href and the items no url: buttons that fire localrec-select.
        similarLinks: [...root.querySelectorAll('[part~="link"]')].map((el) => el.localName),
        live: root.querySelector('[aria-live="polite"]')?.getAttribute('role'),
      };
    });
    expect(structure).toMatchObject({ role: 'list', heading: 'h3', headingText: 'Like this one', recHeading: 'Recommended for you', live: 'status' });
    expect(structure.links).toEqual(recs.map((r) => `/product/${encodeURIComponent(r.id)}`));
    expect(new Set(structure.similarLinks)).toEqual(new Set(['button']));

    // Opening an item fires localrec-select; cancelling it keeps the page where it is.
    const selected = await page.evaluate(() => new Promise<{ detail: Widgets.SelectDetail; url: string }>((done) => {
      document.addEventListener('localrec-select', (raw) => {
        const event = raw as CustomEvent<Widgets.SelectDetail>;
        event.preventDefault();
        setTimeout(() => done({ detail: event.detail, url: location.pathname }), 50);
      }, { once: true });
      (document.querySelector('localrec-recommendations')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="link"]')[1]!).click();
    }));
    expect(selected.detail).toMatchObject({ itemId: recs[1]!.id, position: 1, list: 'localrec-recommendations' });
    expect(selected.url).toBe('/test/pages/widgets.html');

    // Disconnected: the widgets empty and wait again.
    await page.evaluate(() => (window as unknown as WidgetWindow).localrecWidgets.connectWidgets(null));
    await page.waitForFunction(() => [...document.querySelectorAll('localrec-recommendations, localrec-similar')].every((el) => el.getAttribute('state') === 'waiting'));
    // A widget's own recommender (el.recommender) serves it alone.
    await page.evaluate(() => (document.querySelector('localrec-similar')!.recommender = (window as unknown as WidgetWindow).rec));
    expect(await rendered(page, 'localrec-similar', 4)).toEqual(similar);
    expect(await page.getAttribute('localrec-recommendations', 'state')).toBe('waiting');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('update by themselves after track(), with the newest answer winning and a short polite announcement', async () => {
    const page = await openWidgets('<localrec-recommendations k="6"></localrec-recommendations><localrec-similar k="4"></localrec-similar>');
    const before = await rendered(page, 'localrec-recommendations', 6);
    const tape = items.find((item) => /tape/i.test(item.title))!;
    const renders = await page.evaluate(async (itemId) => {
      const w = window as unknown as WidgetWindow;
      const seen: string[][] = [];
      document.querySelector('localrec-recommendations')!.addEventListener('localrec-render', (event) => seen.push(event.detail.itemIds));
      // Two changes in a row: one refresh after both (debounced).
      await w.rec.track({ type: 'view', itemId });
      await w.rec.track({ type: 'cart', itemId });
      await new Promise((done) => setTimeout(done, 1500));
      return seen;
    }, tape.id);
    expect(renders).toHaveLength(1);
    const after = await rendered(page, 'localrec-recommendations', 6);
    expect(after.map((r) => r.id)).not.toEqual(before.map((r) => r.id));
    expect(after.map((r) => r.id)).not.toContain(tape.id);
    expect(after.filter((r) => r.why).length).toBeGreaterThan(0);
    expect(after.some((r) => /^Because you (added|viewed) /.test(r.reason ?? ''))).toBe(true);
    await page.waitForFunction(() => document.querySelector('localrec-recommendations')!.shadowRoot!.querySelector('[aria-live]')!.textContent === 'Recommended for you updated');

    // Only the latest refresh renders: the list is for the last item-id, though the first was asked first.
    const [a, b] = [items[3]!, items[200]!];
    const expected = await page.evaluate(async ({ a, b }) => {
      const w = window as unknown as WidgetWindow;
      const el = document.querySelector('localrec-similar') as Widgets.LocalrecSimilarElement;
      el.itemId = a;
      const first = el.refresh();
      el.itemId = b;
      await Promise.all([first, el.refresh()]);
      return (await w.rec.similar(b, { k: 4 })).map((r) => r.itemId);
    }, { a: a.id, b: b.id });
    expect((await rendered(page, 'localrec-similar', 4)).map((r) => r.id)).toEqual(expected);

    // forget(): nothing drawn from the erased history stays on screen, not even for a moment.
    const erased = await page.evaluate(async () => {
      const w = window as unknown as WidgetWindow;
      const el = document.querySelector('localrec-recommendations')!;
      await w.rec.forget();
      return { items: el.shadowRoot!.querySelectorAll('[part~="item"]').length, state: el.getAttribute('state') };
    });
    expect(erased).toEqual({ items: 0, state: 'loading' });
    const starters = await rendered(page, 'localrec-recommendations', 6);
    expect(starters.every((r) => !r.why && !/\byou (viewed|added|bought|searched)/i.test(r.reason ?? ''))).toBe(true);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('are keyboard friendly: one tab stop, arrows move between items, Enter and Space work the why? view', async () => {
    const page = await openWidgets('<localrec-recommendations k="5"></localrec-recommendations>');
    await page.evaluate(async () => {
      const w = window as unknown as WidgetWindow;
      const ids = (await w.rec.search('duct tape', { k: 3 })).map((r) => r.itemId);
      for (const itemId of ids) await w.rec.track({ type: 'view', itemId });
    });
    await page.waitForFunction(() => {
      const root = document.querySelector('localrec-recommendations')!.shadowRoot!;
      return root.querySelectorAll('[part~="item"]').length === 5 && root.querySelector('[part~="why"]') !== null;
    }, undefined, { timeout: 60_000 });
    const focused = () => page.evaluate(() => {
      const root = document.querySelector('localrec-recommendations')!.shadowRoot!;
      const active = root.activeElement as HTMLElement | null;
      const items = [...root.querySelectorAll('[part~="item"]')];
      return { index: items.findIndex((li) => li.contains(active)), part: active?.getAttribute('part') ?? null, outline: active ? getComputedStyle(active).outlineStyle : null };
    });
    const tabStops = await page.evaluate(() => [...document.querySelector('localrec-recommendations')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="link"]')].filter((el) => el.tabIndex === 0).length);
    expect(tabStops).toBe(1);

    await page.focus('#before');
    await page.keyboard.press('Tab');
    expect(await focused()).toEqual({ index: 0, part: 'link', outline: 'solid' });
    await page.keyboard.press('ArrowDown');
    expect((await focused()).index).toBe(1);
    await page.keyboard.press('ArrowRight');
    expect((await focused()).index).toBe(2);
    await page.keyboard.press('ArrowUp');
    expect((await focused()).index).toBe(1);
    await page.keyboard.press('End');
    expect((await focused()).index).toBe(4);
    await page.keyboard.press('Home');
    expect((await focused()).index).toBe(0);
    await page.keyboard.press('ArrowUp'); // stays at the first
    expect((await focused()).index).toBe(0);

    // To the first item with a why?, then Tab reaches its why? button.
    const withWhy = await page.evaluate(() => [...document.querySelector('localrec-recommendations')!.shadowRoot!.querySelectorAll('[part~="item"]')].findIndex((li) => li.querySelector('[part~="why"]')));
    for (let i = 0; i < withWhy; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ index: withWhy, part: 'why' });
    const why = () => page.evaluate((index) => {
      const li = document.querySelector('localrec-recommendations')!.shadowRoot!.querySelectorAll('[part~="item"]')[index]!;
      const button = li.querySelector('[part~="why"]')!;
      const panel = li.querySelector(`#${button.getAttribute('aria-controls')}`) as HTMLElement;
      return { expanded: button.getAttribute('aria-expanded'), hidden: panel.hidden, lines: [...panel.querySelectorAll('li')].map((l) => l.textContent!) };
    }, withWhy);
    expect((await why()).expanded).toBe('false');
    await page.keyboard.press('Enter');
    await page.waitForFunction((index) => {
      const li = document.querySelector('localrec-recommendations')!.shadowRoot!.querySelectorAll('[part~="item"]')[index]!;
      return li.querySelectorAll('[part~="why-panel"] li').length > 0;
    }, withWhy);
    const open = await why();
    expect(open.expanded).toBe('true');
    expect(open.hidden).toBe(false);
    expect(open.lines[0]).toMatch(/^Strongest reason: you (viewed|searched for) /);
    for (const line of open.lines) {
      expect(line).toMatch(/^(Strongest reason|Also|Weaker): /);
      // Plain words: no number outside the quoted titles and queries.
      expect(line.replace(/“[^”]*”/g, '')).not.toMatch(/\d|%|influence|score/i);
    }
    await page.keyboard.press('Space');
    expect(await why()).toMatchObject({ expanded: 'false', hidden: true });
    // Tab from the why? button leaves the list (the other items are not tab stops).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('after');

    // A refresh while the shopper is in the list keeps their place: the same item if it is still
    // there, else the same position.
    await page.focus('#before');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const place = await page.evaluate(async () => {
      const w = window as unknown as WidgetWindow;
      const el = document.querySelector('localrec-recommendations')!;
      const focusedId = () => (el.shadowRoot!.activeElement?.closest('[part~="item"]') as HTMLElement | null)?.dataset.itemId ?? null;
      const before = focusedId();
      const rendered = new Promise<string[]>((done) => el.addEventListener('localrec-render', (e) => done(e.detail.itemIds), { once: true }));
      const other = (await w.rec.search('filament', { k: 1 }))[0]!.itemId;
      await w.rec.track({ type: 'cart', itemId: other });
      const ids = await rendered;
      return { before, after: focusedId(), ids };
    });
    expect(place.after).toBe(place.ids.includes(place.before!) ? place.before : place.ids[2]);

    // A re-render (here: new drawing options, same items) keeps open why? views open, explained afresh.
    const kept = await page.evaluate(async () => {
      const el = document.querySelector('localrec-recommendations')!;
      const items = () => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')];
      const id = items().find((item) => item.querySelector('[part~="why"]'))!.dataset.itemId!;
      const find = () => items().find((item) => item.dataset.itemId === id)!;
      const before = find();
      (before.querySelector('[part~="why"]') as HTMLElement).click();
      const rendered = new Promise<void>((done) => el.addEventListener('localrec-render', () => done(), { once: true }));
      el.setAttribute('currency', 'EUR');
      await rendered;
      await new Promise((done) => setTimeout(done, 500));
      const after = find();
      return {
        redrawn: after !== before,
        expanded: after.querySelector('[part~="why"]')!.getAttribute('aria-expanded'),
        lines: after.querySelectorAll('[part~="why-line"]').length,
      };
    });
    expect(kept.redrawn).toBe(true);
    expect(kept.expanded).toBe('true');
    expect(kept.lines).toBeGreaterThan(0);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('show a hostile catalog title as text and run nothing; a javascript: url never becomes a link', async () => {
    const tape = items.find((item) => /tape/i.test(item.title)) ?? items[0]!;
    const title = `${XSS_TITLE} ${tape.title}`;
    const hostile: Item = { ...tape, id: 'XSS00000001', title, brand: '<svg onload=alert(1)>', url: 'javascript:window.__xss=3' };
    const page = await openWidgets(`<localrec-similar item-id="${tape.id}" k="6" placeholders></localrec-similar><localrec-recommendations k="6" placeholders></localrec-recommendations>`, { hostile });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.evaluate((id) => (window as unknown as WidgetWindow).rec.track({ type: 'view', itemId: id }), tape.id);
    const similar = await rendered(page, 'localrec-similar', 6);
    const shown = similar.find((r) => r.id === hostile.id);
    expect(shown?.title).toBe(title);
    await page.waitForFunction((id) => [...document.querySelector('localrec-recommendations')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')].some((li) => li.dataset.itemId === id), hostile.id, { timeout: 60_000 });
    // Open its why? view too (evidence titles go in as text as well), and click it.
    const result = await page.evaluate(async (id) => {
      const root = document.querySelector('localrec-similar')!.shadowRoot!;
      const li = [...root.querySelectorAll<HTMLElement>('[part~="item"]')].find((el) => el.dataset.itemId === id)!;
      (li.querySelector('[part~="why"]') as HTMLElement).click();
      await new Promise((done) => setTimeout(done, 1500));
      (li.querySelector('[part~="link"]') as HTMLElement).click();
      const roots = [...document.querySelectorAll('localrec-similar, localrec-recommendations')].map((el) => el.shadowRoot!);
      return {
        link: li.querySelector('[part~="link"]')!.localName,
        placeholder: li.querySelector('[part~="placeholder"]')?.textContent,
        whyText: li.querySelector('[part~="why-panel"]')!.textContent,
        injected: roots.reduce((n, root) => n + root.querySelectorAll('img, script, svg').length, 0),
        xss: (window as unknown as WidgetWindow).__xss ?? null,
      };
    }, hostile.id);
    expect(result.link).toBe('button');
    expect(result.placeholder).toBe('<S');
    expect(result.whyText).toContain('It is close to');
    expect(result.injected).toBe(0);
    expect(result.xss).toBeNull();
    expect(dialogs).toEqual([]);
    await page.context().close();
  }, 120_000);
});

describe('<localrec-bought-together>', () => {
  it('shows what goes with one product or several, follows item-ids, and explains each pick', async () => {
    const [filament, other] = [items[0]!, items.find((item) => /tape/i.test(item.title))!];
    const page = await openWidgets(`<localrec-bought-together k="4" href="/product/{id}"></localrec-bought-together>`);
    // No item-ids yet: it waits, showing nothing.
    await page.waitForTimeout(200);
    expect(await page.getAttribute('localrec-bought-together', 'state')).toBe('waiting');
    await page.evaluate((item) => (document.querySelector('localrec-bought-together')!.items = [item]), filament);
    const one = await rendered(page, 'localrec-bought-together', 4);
    const expected = await page.evaluate((id) => (window as unknown as WidgetWindow).rec.boughtTogether([id], { k: 4 }).then((recs) => recs.map((r) => r.itemId)), filament.id);
    expect(one.map((r) => r.id)).toEqual(expected);
    expect(one.map((r) => r.id)).not.toContain(filament.id);
    for (const r of one) expect(r.reason).toBe('Goes with this item');
    expect(await page.textContent('localrec-bought-together [part="heading"]')).toBe('Bought together');

    // Two products (a cart): a list for both, told apart from the one before.
    await page.evaluate((ids) => (document.querySelector('localrec-bought-together')!.itemIds = ids), [filament.id, other.id]);
    await page.waitForFunction((ids) => {
      const el = document.querySelector('localrec-bought-together')!;
      return el.getAttribute('state') === 'ready' && !el.shadowRoot!.querySelector('[part="list"]')!.hasAttribute('aria-busy')
        && [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')].every((li) => !ids.includes(li.dataset.itemId!));
    }, [filament.id, other.id]);
    const two = await rendered(page, 'localrec-bought-together', 4);
    // The first product is still known from `items`: the reason names it and counts the rest.
    for (const r of two) expect(r.reason).toMatch(/^Goes with “.+” and 1 more$/);

    await page.click('localrec-bought-together [part~="why"] >> nth=0');
    await page.waitForSelector('localrec-bought-together [part~="why-panel"] li');
    const lines = await page.locator('localrec-bought-together [part~="why-panel"] li').allTextContents();
    expect(lines[0]).toMatch(/^Strongest reason: It is bought with “.+” and 1 more in this store, or matches them by its description\.$/);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('pass their options (merchant rules) to every call: a similar panel leaves out what bought-together shows', async () => {
    const filament = items[0]!;
    const page = await openWidgets(`<localrec-bought-together k="4"></localrec-bought-together><localrec-similar k="6"></localrec-similar>`);
    await page.evaluate((item) => {
      const together = document.querySelector('localrec-bought-together')!;
      const similar = document.querySelector('localrec-similar')!;
      together.addEventListener('localrec-render', (e) => {
        similar.options = { filter: { excludeIds: (e as CustomEvent<{ itemIds: string[] }>).detail.itemIds } };
        similar.item = item;
      });
      together.items = [item];
    }, filament);
    const together = await rendered(page, 'localrec-bought-together', 4);
    const similar = await rendered(page, 'localrec-similar', 6);
    for (const r of similar) expect(together.map((t) => t.id)).not.toContain(r.id);
    const expected = await page.evaluate(
      ([id, shown]) => (window as unknown as WidgetWindow).rec.similar(id, { k: 6, filter: { excludeIds: shown } }).then((recs) => recs.map((r) => r.itemId)),
      [filament.id, together.map((t) => t.id)] as const,
    );
    expect(similar.map((r) => r.id)).toEqual(expected);
    // Without the rule the two lists would have shared items: the rule did something.
    const plain = await page.evaluate((id) => (window as unknown as WidgetWindow).rec.similar(id, { k: 6 }).then((recs) => recs.map((r) => r.itemId)), filament.id);
    expect(plain.some((id) => together.some((t) => t.id === id))).toBe(true);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});

describe('the README example', () => {
  it('runs as written from two script tags', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${env.server.url}/test/pages/widgets-script-tag.html`);
    const recs = await rendered(page, 'localrec-recommendations', 6);
    const similar = await rendered(page, 'localrec-similar', 8);
    const together = await rendered(page, 'localrec-bought-together', 4);
    expect(together.map((r) => r.id)).not.toContain('B007X0OICG');
    expect(recs.every((r) => r.reason)).toBe(true);
    expect(similar.map((r) => r.id)).not.toContain('B007X0OICG');
    expect(await page.getAttribute('localrec-similar [part~="link"] >> nth=0', 'href')).toBe(`/product/${similar[0]!.id}`);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('widgets from script tags under a strict CSP', () => {
  // No 'unsafe-inline' anywhere: the widgets' style is a constructed stylesheet.
  const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data:; report-uri /csp-report";
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    server = await startStaticServer();
    server.headers['content-security-policy'] = CSP;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('render, explain and style themselves with no violation and no script from the catalog', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      (window as unknown as { __violations: string[] }).__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${server.url}/test/pages/csp-widgets.html`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', undefined, { timeout: 60_000 });
    const result = JSON.parse((await page.textContent('#result'))!) as { ok: boolean; hostile: string };
    expect(result.ok).toBe(true);
    // Connected before start-up ended: the list showed its loading state, then the items.
    const states = await page.evaluate(() => (window as unknown as { states: string[] }).states.filter((s) => s.startsWith('localrec-recommendations:')));
    expect(states.slice(0, 2)).toEqual(['localrec-recommendations:loading', 'localrec-recommendations:ready']);
    const recs = await rendered(page, 'localrec-recommendations', 4);
    const similar = await rendered(page, 'localrec-similar', 4);
    expect([...recs, ...similar].some((r) => r.title === result.hostile)).toBe(true);
    // Open every why? view.
    await page.evaluate(() => {
      for (const button of document.querySelectorAll('localrec-recommendations, localrec-similar')) {
        for (const why of button.shadowRoot!.querySelectorAll<HTMLElement>('[part~="why"]')) why.click();
      }
    });
    await page.waitForFunction(() => [...document.querySelectorAll('localrec-similar')].every((el) => [...el.shadowRoot!.querySelectorAll('[part~="why-panel"]')].every((p) => p.querySelector('li'))));
    const look = await page.evaluate(() => {
      const root = document.querySelector('localrec-similar')!.shadowRoot!;
      const tile = root.querySelector('[part~="placeholder"]') as HTMLElement;
      return {
        sheets: root.adoptedStyleSheets.length,
        styleElements: root.querySelectorAll('style').length,
        // The default style applies (a grid of items) and the per-brand hue reached the tile.
        display: getComputedStyle(root.querySelector('[part="list"]')!).display,
        columns: getComputedStyle(root.querySelector('[part="list"]')!).gridTemplateColumns.split(' ').length,
        tile: getComputedStyle(tile).backgroundColor,
        hue: tile.style.getPropertyValue('--localrec-hue'),
      };
    });
    expect(look).toMatchObject({ sheets: 1, styleElements: 0, display: 'grid' });
    expect(look.columns).toBeGreaterThan(1);
    expect(look.hue).toMatch(/^\d+$/);
    expect(look.tile).not.toBe('rgba(0, 0, 0, 0)');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    await page.waitForTimeout(300);
    expect(server.requests.filter((r) => r.url.startsWith('/csp-report'))).toEqual([]);
    await page.close();
  }, 120_000);
});
