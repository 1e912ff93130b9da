// The demo storefront: a product grid, product pages, a cart, "Recommended for you", "Bought together"
// (on the product page and in the cart) and "Similar items" panels that follow the shopper
// (localrec's widgets), and a privacy panel. All text goes in with textContent.
import { createRecommender, LocalrecError, type Item, type StoredEvent } from 'localrec';
import { connectWidgets, type LocalrecRecommendationsElement } from 'localrec/widgets';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const content = $('content');

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; href?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.href !== undefined) (node as HTMLAnchorElement).href = props.href;
  node.append(...children);
  return node;
}

/** A coloured placeholder (the source data has no images), stable per brand. */
function thumb(item: Item): HTMLElement {
  const key = item.brand ?? item.title;
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  const node = el('div', { className: 'thumb', text: (item.brand ?? item.title).slice(0, 2).toUpperCase() });
  node.style.background = `hsl(${Math.abs(hash) % 360} 45% 45%)`;
  return node;
}

/**
 * The cart, read from the shopper's own history (nothing else is stored): every item added to the
 * cart and not bought since, in the order added. Erasing the history empties it.
 */
function cartIds(events: readonly StoredEvent[]): string[] {
  const cart = new Set<string>();
  for (const event of events) {
    if (!event.itemId) continue;
    if (event.type === 'cart') cart.add(event.itemId);
    else if (event.type === 'purchase') cart.delete(event.itemId);
  }
  return [...cart];
}

const leaf = (item: Item): string => item.category?.at(-1)?.replace(/^Industrial & Scientific /, '') ?? 'Uncategorised';
const itemHref = (item: Item): string => `#/item/${encodeURIComponent(item.id)}`;

function card(item: Item, note?: string): HTMLElement {
  return el('a', { className: 'card', href: itemHref(item) }, thumb(item), el('span', { className: 'title', text: item.title }),
    el('span', { className: 'meta', text: note ?? leaf(item) }));
}

/**
 * Offline support in the built store (not under the dev server): localrec's service worker caches
 * its runtime files, this page's scripts and styles and the catalog; the model pack and the
 * shopper's history already live in IndexedDB. After one visit the store works with no network.
 */
function registerOfflineSupport(): void {
  // MODE, not DEV: a build run from a test runner (NODE_ENV=test) is still a production build.
  if (import.meta.env.MODE === 'development' || !('serviceWorker' in navigator)) return;
  const assets = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].map((s) => s.src)
    .concat([...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"], link[rel="modulepreload"]')].map((l) => l.href));
  const precache = ['./', './items.jsonl', ...assets].map((url) => new URL(url, document.baseURI).pathname).join(',');
  navigator.serviceWorker.register(`./localrec.sw.js?base=./assets/&precache=${encodeURIComponent(precache)}`).catch((error: unknown) => {
    console.warn('localrec: offline support is not available here:', error);
  });
}

async function main(): Promise<void> {
  registerOfflineSupport();
  const bar = $('progress').firstElementChild as HTMLElement;
  const rec = await createRecommender({
    catalog: new URL('items.jsonl', document.baseURI),
    // The VAE trained on this store's (anonymised) purchase history: `npm run train`.
    models: new URL('models/scientific/', document.baseURI),
    // ?reasons=neural: reasons written by the neural generator (`npm run train-reasons`). It was
    // trained on musical-instrument reviews, so on this catalog it writes review-style sentences
    // whose only product words are aspects taken from the item's title; each is checked against
    // the evidence (a failing one becomes the template reason). Off by default: here the template
    // says more.
    ...(new URLSearchParams(location.search).get('reasons') === 'neural' ? { reasons: new URL('models/reasons/', document.baseURI) } : {}),
    onProgress: (p) => (bar.style.width = `${Math.round(p.overall * 100)}%`),
  });
  bar.parentElement!.hidden = true;
  // Every localrec widget on the page (the "Recommended for you" panel, each product's "Similar
  // items") uses this recommender and refreshes itself after every change.
  connectWidgets(rec);
  // The merchant's choice: one of each product in "Recommended for you" (another colour of a
  // filament waits until the distinct picks are placed), whatever the pack chose for its
  // next-purchase accuracy (models/scientific: variants side by side).
  $<LocalrecRecommendationsElement>('recommended').options = { variants: 'spread' };
  const catalog = await (await fetch('items.jsonl')).text().then((t) => t.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item));
  const byId = new Map(catalog.map((item) => [item.id, item]));

  const status = rec.status();
  $('backend').textContent = `${status.backend} · ${status.model.coveredItems > 0 ? 'VAE + content' : 'content'}`;
  $('backend').title = `${status.backendReason}\nModels: ${status.modelVersion}${status.model.error ? `\nPack not used: ${status.model.error.code}` : ''}\nReasons: ${status.reasons.writer}${status.reasons.error ? ` (pack not used: ${status.reasons.error.code})` : ''}\nNew products: ${status.ranking.newItems.parts.join(' + ')} (${status.ranking.newItems.source})${status.ranking.newItems.termWeights ? `, words weighted by co-purchase (${status.ranking.newItems.termWeights.features} terms)` : ''}; GAN generator: ${status.ranking.newItems.generator.note}\nCatalog: ${status.catalog.size} items; ${status.catalog.suspectTitles.junk} junk and ${status.catalog.suspectTitles.duplicate} duplicate titles kept`;

  // Refreshes can overlap (a fine-tune finishing while the shopper erases): only the latest renders.
  let refreshes = 0;
  async function refreshSidePanels(): Promise<void> {
    const mine = ++refreshes;
    const data = await rec.exportData();
    if (mine !== refreshes) return;
    $('privacy-summary').textContent = `${data.events.length} ${data.events.length === 1 ? 'event' : 'events'} stored in this browser (IndexedDB “${data.dbName}”).`;
    showCartCount(cartIds(data.events).length);
    $('event-log').replaceChildren(...data.events.slice(-50).reverse().map((e) =>
      el('li', { text: `${new Date(e.timestamp).toLocaleTimeString()} ${e.type} ${e.itemId ? byId.get(e.itemId)?.title.slice(0, 60) ?? e.itemId : `“${e.query}”`}` })));
  }

  function showCartCount(n: number): void {
    $('cart-count').textContent = String(n);
    $('cart-link').setAttribute('aria-label', `Cart, ${n} item${n === 1 ? '' : 's'}`);
  }

  /** A "Bought together" panel (localrec's widget) for these products: one on a product page, the cart's lines in the cart. */
  function boughtTogether(items: Item[]): HTMLElement {
    const together = el('localrec-bought-together');
    together.setAttribute('layout', 'grid');
    together.setAttribute('k', '4');
    together.setAttribute('href', '#/item/{id}');
    together.setAttribute('placeholders', '');
    // Complements, not a row of alternatives: at most one item of each leaf category (a merchant rule).
    together.options = { maxPerCategory: 1 };
    together.items = items;
    return together;
  }

  async function showHome(query = ''): Promise<void> {
    const results = query
      ? (await rec.search(query, { k: 48 })).map((r) => r.item)
      : // A browsing grid: what the shopper viewed may come back (not what is in the cart or bought), and no leaf category fills more than a row.
        (await rec.recommend({ k: 24, exclude: ['carted', 'purchased'], maxPerCategory: 4 })).map((r) => r.item);
    content.replaceChildren(
      el('h2', { className: 'section', text: query ? `${results.length} results for “${query}”` : rec.status().events ? 'Picked for you' : rec.status().model.coveredItems > 0 ? 'Popular now' : 'Our catalog' }),
      el('div', { className: 'grid' }, ...results.map((item) => card(item))),
    );
  }

  async function showItem(id: string): Promise<void> {
    const item = byId.get(id);
    if (!item) return showHome();
    await rec.track({ type: 'view', itemId: id });
    const addToCart = el('button', { text: 'Add to cart' });
    const buy = el('button', { text: 'Buy now', className: 'secondary' });
    addToCart.onclick = () => void rec.track({ type: 'cart', itemId: id }).then(() => { addToCart.textContent = 'In your cart ✓'; return refreshSidePanels(); });
    if (cartIds((await rec.exportData()).events).includes(id)) addToCart.textContent = 'In your cart ✓';
    buy.onclick = () => void rec.track({ type: 'purchase', itemId: id }).then(() => { buy.textContent = 'Purchased ✓'; return refreshSidePanels(); });
    const similar = el('localrec-similar', { className: 'similar' });
    similar.setAttribute('layout', 'grid');
    similar.setAttribute('k', '8');
    similar.setAttribute('href', '#/item/{id}');
    similar.setAttribute('placeholders', '');
    const together = boughtTogether([item]);
    // The two panels do not repeat each other: "Similar items" waits for "Bought together" and
    // leaves out what it shows (a merchant rule through the widget's options).
    const showSimilar = (shown: string[]) => {
      similar.options = { filter: { excludeIds: shown }, variants: 'spread' };
      // The product itself: the reasons then say what each similar item shares with it.
      if (similar.itemId !== item.id) similar.item = item;
    };
    together.addEventListener('localrec-render', (e) => showSimilar((e as CustomEvent<{ itemIds: string[] }>).detail.itemIds));
    together.addEventListener('localrec-error', () => showSimilar([]));
    content.replaceChildren(
      el('article', { className: 'product' }, thumb(item), el('div', {},
        el('h1', { text: item.title }),
        el('p', { className: 'meta', text: `${item.brand ? `${item.brand} · ` : ''}${leaf(item)}` }),
        el('div', { className: 'buttons' }, addToCart, buy))),
      together,
      similar,
    );
  }

  /** The cart: its lines, a checkout, and what is bought with them (no panel while the cart is empty). */
  async function showCart(): Promise<void> {
    const lines = cartIds((await rec.exportData()).events).map((id) => byId.get(id)).filter((item): item is Item => item !== undefined);
    if (lines.length === 0) {
      // No "Bought together" here: with nothing to go with, the panel would be an empty box.
      content.replaceChildren(el('h2', { className: 'section', text: 'Your cart is empty' }),
        el('p', { className: 'fine', text: 'Add a product from its page; it will wait here.' }), el('a', { className: 'button-link', href: '#/', text: 'Continue shopping' }));
      return;
    }
    const checkout = el('button', { text: `Buy ${lines.length === 1 ? 'it' : `all ${lines.length}`}` });
    checkout.onclick = async () => {
      checkout.disabled = true;
      for (const item of lines) await rec.track({ type: 'purchase', itemId: item.id });
      await refreshSidePanels();
      content.replaceChildren(el('h2', { className: 'section', text: 'Thank you for your order' }),
        el('p', { className: 'fine', text: `${lines.length} item${lines.length === 1 ? '' : 's'} bought.` }), el('a', { className: 'button-link', href: '#/', text: 'Continue shopping' }));
    };
    // One panel for the whole cart: what goes with all of its lines. Its heading says so once,
    // rather than each card repeating "Goes with … and 1 more" (why? still explains each).
    const together = boughtTogether(lines);
    together.classList.add('cart-together');
    together.setAttribute('heading', lines.length === 1 ? 'Bought together with your cart' : `Bought together with the ${lines.length} items in your cart`);
    content.replaceChildren(
      el('h2', { className: 'section', text: `Your cart (${lines.length} item${lines.length === 1 ? '' : 's'})` }),
      el('ul', { className: 'grid cart' }, ...lines.map((item) => el('li', {}, card(item)))),
      el('div', { className: 'buttons cart-buttons' }, checkout),
      together,
    );
  }

  async function route(): Promise<void> {
    const match = /^#\/item\/(.+)$/.exec(location.hash);
    const search = /^#\/search\/(.+)$/.exec(location.hash);
    if (match) await showItem(decodeURIComponent(match[1]!));
    else if (location.hash === '#/cart') {
      ($('search') as HTMLInputElement).value = '';
      await showCart();
    }
    else if (search) {
      const query = decodeURIComponent(search[1]!);
      ($('search') as HTMLInputElement).value = query;
      await showHome(query);
    } else await showHome();
    await refreshSidePanels();
    window.scrollTo({ top: 0 });
  }

  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = ($('search') as HTMLInputElement).value.trim();
    if (!query) return;
    // Stored on submit (not on every keystroke), ranked for this shopper, and kept in the URL so
    // Back returns to the results (route() renders them; going back does not store the search again).
    void rec.track({ type: 'search', query }).then(() => {
      const hash = `#/search/${encodeURIComponent(query)}`;
      if (location.hash === hash) void route();
      else location.hash = hash;
    });
  });
  // On-device fine-tuning: the model learns from this shopper's own history, which never leaves.
  const personalStatus = (): void => {
    const personal = rec.status().personalModel;
    $('personal-status').textContent = personal
      ? `Personal model: tuned on ${personal.historyItems} of your items, kept in this browser.`
      : '';
  };
  personalStatus();
  $('personalise').addEventListener('click', async () => {
    const button = $<HTMLButtonElement>('personalise');
    button.disabled = true;
    try {
      const report = await rec.fineTune({ onProgress: (p) => (button.textContent = `Personalising… ${Math.round(p.overall * 100)}%`) });
      button.textContent = `Personalised ✓ (${report.seconds.toFixed(1)} s, ${report.backend})`;
      personalStatus();
      await refreshSidePanels();
    } catch (error) {
      button.textContent = error instanceof LocalrecError && error.code === 'INVALID_ARGUMENT' ? 'Browse a little first' : 'Personalise on this device';
    } finally {
      button.disabled = false;
    }
  });
  $('export').addEventListener('click', async () => {
    const blob = new Blob([JSON.stringify(await rec.exportData(), null, 2)], { type: 'application/json' });
    const link = el('a', { href: URL.createObjectURL(blob) });
    link.download = 'localrec-my-data.json';
    link.click();
    URL.revokeObjectURL(link.href);
  });
  // Erase asks first (an in-page dialog), then says what went and empties every panel at once.
  const eraseDialog = $<HTMLDialogElement>('erase-dialog');
  $('erase').addEventListener('click', () => {
    eraseDialog.returnValue = '';
    eraseDialog.showModal();
  });
  eraseDialog.addEventListener('close', () => {
    if (eraseDialog.returnValue === 'erase') void erase();
  });
  async function erase(): Promise<void> {
    const before = await rec.exportData();
    const hadPersonal = rec.status().personalModel !== null;
    refreshes++; // a refresh still in flight must not render the erased history
    await rec.forget();
    const packs = before.checkpoints.filter((c) => c.name.startsWith('pack:')).length;
    const erased = [
      `${before.events.length} event${before.events.length === 1 ? '' : 's'}`,
      ...(hadPersonal ? ['your personal model'] : []),
      ...(before.catalogCache ? ['the cached catalog'] : []),
      ...(packs > 0 ? [`${packs} cached model pack${packs === 1 ? '' : 's'}`] : []),
    ];
    $('erase-note').textContent = `Erased ${erased.length > 1 ? `${erased.slice(0, -1).join(', ')} and ${erased.at(-1)}` : erased[0]}: the IndexedDB database “${before.dbName}” was deleted. The next visit downloads the catalog and models again.`;
    // Every panel empty at once, before the store re-renders its starter picks.
    $('privacy-summary').textContent = `0 events stored in this browser (IndexedDB “${before.dbName}”).`;
    $('event-log').replaceChildren();
    // (The recommendations widget hears forget() through onChange and refreshes to starter picks.)
    personalStatus();
    const personalise = $<HTMLButtonElement>('personalise');
    personalise.textContent = 'Personalise on this device';
    personalise.disabled = false;
    // Back to the home page: re-rendering a product page would record a fresh view at once.
    history.replaceState(null, '', '#/');
    await route();
  }
  window.addEventListener('hashchange', () => void route());
  // The cart link shows the cart afresh even from the cart itself (after an order, say).
  $('cart-link').addEventListener('click', (event) => {
    if (location.hash !== '#/cart') return;
    event.preventDefault();
    void route();
  });
  await route();
}

main().catch((error: unknown) => {
  const message = error instanceof LocalrecError ? `${error.code}: ${error.message}` : String(error);
  content.replaceChildren(el('p', { text: `localrec could not start — ${message}` }));
});
