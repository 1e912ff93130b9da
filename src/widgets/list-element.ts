import { attachWidget, detachWidget, pageRecommender, type ConnectedWidget } from './connect';
import { itemHref } from './href';
import { renderItem, renderWhyLines, type ExplainMode, type ItemView, type WidgetRow } from './item-view';
import { applyWidgetStyles } from './styles';
import type { RenderDetail, SelectDetail, WidgetRecommender } from './types';
import type { WhyLine } from './why-lines';

// Outside a browser (server rendering, a Node test importing the package) there is no
// HTMLElement: the classes still load, and only defineWidgets() needs a DOM.
const ElementBase: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as unknown as typeof HTMLElement) : HTMLElement;

/** Changes that arrive together (a track() and the search it came with) refresh once. */
const DEBOUNCE_MS = 80;
const MAX_K = 100;

/** What a widget is doing, reflected in its `state` attribute (for styling: `[state="empty"]`). */
export type WidgetState = 'waiting' | 'loading' | 'ready' | 'empty' | 'error';

const sameRows = (a: readonly WidgetRow[], b: readonly WidgetRow[]): boolean =>
  a.length === b.length && a.every((row, i) => row.item.id === b[i]!.item.id && row.reason === b[i]!.reason && row.canExplain === b[i]!.canExplain);

/**
 * The shared body of every localrec list widget: shadow DOM, states (waiting, loading, ready,
 * empty, error), debounced refreshes of which only the latest renders, the why? disclosure,
 * arrow-key navigation with a roving tabindex, and polite announcements of updates. A widget
 * says only where its items come from (`fetchRows`) and how to explain one (`explainRow`):
 * `<localrec-recommendations>`, `<localrec-similar>` and `<localrec-bought-together>` are such
 * subclasses, and a store can write its own.
 * @example
 * class OnSale extends LocalrecListElement {
 *   protected readonly defaultHeading = 'On sale for you';
 *   protected readonly defaultK = 4;
 *   protected readonly defaultEmptyText = 'Nothing on sale for you today.';
 *   protected fetchRows(rec, k) { return rec.recommend({ k, explain: true, filter: { maxPrice: 20 } }).then(toRows); }
 *   protected async explainRow(rec, row) { return whyLines(await rec.explain(row.item.id)); }
 * }
 * customElements.define('my-on-sale', OnSale);
 */
export abstract class LocalrecListElement extends ElementBase implements ConnectedWidget {
  /** Attributes every list widget reads. */
  static readonly listAttributes = ['k', 'explain', 'heading', 'heading-level', 'href', 'layout', 'empty-text', 'currency', 'placeholders'];
  static get observedAttributes(): string[] {
    return LocalrecListElement.listAttributes;
  }

  /** Heading when the `heading` attribute is absent. */
  protected abstract readonly defaultHeading: string;
  /** Items when `k` is absent. */
  protected abstract readonly defaultK: number;
  /** Text of the empty state when `empty-text` is absent. */
  protected abstract readonly defaultEmptyText: string;
  /** The rows to show, or null when the widget lacks what it needs (e.g. no `item-id`): it then waits. */
  protected abstract fetchRows(recommender: WidgetRecommender, k: number, explain: ExplainMode): Promise<WidgetRow[]> | null;
  /** The why? view of one row. */
  protected abstract explainRow(recommender: WidgetRecommender, row: WidgetRow): Promise<WhyLine[]>;
  /** What the list is about (e.g. the item id of `<localrec-similar>`): when it changes, the old list is not shown while the new one loads. */
  protected contentKey(): string {
    return '';
  }

  #own: WidgetRecommender | null = null;
  #followed: WidgetRecommender | null = null;
  #unsubscribe: (() => void) | null = null;
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A debounced refresh is waiting to run. */
  #scheduled = false;
  #rows: WidgetRow[] = [];
  #views: ItemView[] = [];
  /** What the list on screen is about (contentKey), which recommender answered it, and how it was drawn. */
  #shownKey: string | null = null;
  #shownBy: WidgetRecommender | null = null;
  #shownOptions = '';
  #current = 0;
  readonly #root: ShadowRoot;
  readonly #container: HTMLElement;
  #heading: HTMLElement;
  readonly #status: HTMLElement;
  readonly #list: HTMLUListElement;
  readonly #live: HTMLElement;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    applyWidgetStyles(this.#root);
    this.#container = document.createElement('section');
    this.#container.setAttribute('part', 'container');
    this.#container.hidden = true;
    this.#heading = document.createElement('h2');
    this.#status = document.createElement('p');
    this.#status.className = 'status';
    this.#status.setAttribute('part', 'status');
    this.#list = document.createElement('ul');
    this.#list.className = 'list';
    this.#list.setAttribute('part', 'list');
    // Explicit: Safari drops list semantics from a list styled with list-style: none.
    this.#list.setAttribute('role', 'list');
    this.#list.setAttribute('aria-labelledby', 'heading');
    this.#live = document.createElement('p');
    this.#live.className = 'visually-hidden';
    this.#live.setAttribute('role', 'status');
    this.#live.setAttribute('aria-live', 'polite');
    this.#container.append(this.#heading, this.#status, this.#list, this.#live);
    this.#root.append(this.#container);
    this.#list.addEventListener('keydown', (event) => this.#onKeydown(event));
    this.#list.addEventListener('focusin', (event) => {
      const index = this.#views.findIndex((view) => view.element.contains(event.target as Node));
      if (index >= 0) this.#setRoving(index);
    });
  }

  /**
   * This widget's own recommender; without one it follows the page's (`connectWidgets()`).
   * @example document.querySelector('localrec-recommendations').recommender = await createRecommender({ catalog });
   */
  get recommender(): WidgetRecommender | null {
    return this.#own ?? pageRecommender();
  }
  set recommender(value: WidgetRecommender | null) {
    this.#own = value ?? null;
    this.#follow();
  }

  /** What the widget is doing now. */
  get state(): WidgetState {
    return (this.getAttribute('state') as WidgetState | null) ?? 'waiting';
  }

  /**
   * Fetches and renders the list now (without the debounce). Resolves when this refresh has
   * rendered or was overtaken by a newer one. Widgets refresh by themselves after changes when
   * the recommender has `onChange`; call this otherwise.
   * @example await rec.track({ type: 'cart', itemId }); await widget.refresh();
   */
  refresh(): Promise<void> {
    clearTimeout(this.#timer);
    this.#scheduled = false;
    return this.#load();
  }

  /** @internal ConnectedWidget: the page-wide recommender changed. */
  pageRecommenderChanged(): void {
    if (!this.#own) this.#follow();
  }

  connectedCallback(): void {
    // A property set before the element was defined sits on the instance and hides the accessor.
    for (const name of ['recommender', 'options', 'item', 'itemId', 'items', 'itemIds'] as const) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = (this as unknown as Record<string, unknown>)[name];
        delete (this as unknown as Record<string, unknown>)[name];
        (this as unknown as Record<string, unknown>)[name] = value;
      }
    }
    attachWidget(this);
    this.#renderHeading();
    this.#follow();
  }

  disconnectedCallback(): void {
    detachWidget(this);
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#followed = null;
    clearTimeout(this.#timer);
    this.#generation++;
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (previous === value || !this.isConnected) return;
    if (name === 'heading' || name === 'heading-level') this.#renderHeading();
    else this.scheduleRefresh();
  }

  /** Refreshes after DEBOUNCE_MS unless another request comes first (then once, later). */
  protected scheduleRefresh(delay = DEBOUNCE_MS): void {
    clearTimeout(this.#timer);
    // The list shown is about to change: busy until the refresh has rendered.
    this.#list.setAttribute('aria-busy', 'true');
    this.#scheduled = true;
    this.#timer = setTimeout(() => void this.refresh(), delay);
  }

  /** The `k` attribute: a whole number from 1 to 100, else the widget's default. */
  protected get k(): number {
    const k = Number(this.getAttribute('k'));
    return Number.isInteger(k) && k >= 1 ? Math.min(k, MAX_K) : this.defaultK;
  }

  /** The `explain` attribute: `why` (reason and why? view, the default), `reason` or `none`. */
  protected get explainMode(): ExplainMode {
    const value = this.getAttribute('explain');
    if (value === 'none' || value === 'false') return 'none';
    return value === 'reason' ? 'reason' : 'why';
  }

  #headingText(): string {
    return this.getAttribute('heading') ?? this.defaultHeading;
  }

  #renderHeading(): void {
    const level = Number(this.getAttribute('heading-level'));
    const tag = `h${Number.isInteger(level) && level >= 1 && level <= 6 ? level : 2}`;
    if (this.#heading.localName !== tag) {
      const heading = document.createElement(tag);
      this.#heading.replaceWith(heading);
      this.#heading = heading;
    }
    this.#heading.className = 'heading';
    this.#heading.id = 'heading';
    this.#heading.setAttribute('part', 'heading');
    const text = this.#headingText();
    this.#heading.textContent = text;
    this.#heading.hidden = text === '';
    // A heading set to "" is not shown; the list keeps its name.
    if (text === '') {
      this.#list.removeAttribute('aria-labelledby');
      this.#list.setAttribute('aria-label', this.defaultHeading);
    } else {
      this.#list.removeAttribute('aria-label');
      this.#list.setAttribute('aria-labelledby', 'heading');
    }
  }

  /** Subscribes to the recommender in use (its own, else the page's) and refreshes when it changes. */
  #follow(): void {
    if (!this.isConnected) return;
    const recommender = this.recommender;
    if (recommender === this.#followed) return;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#followed = recommender;
    if (recommender && typeof recommender.onChange === 'function') {
      this.#unsubscribe = recommender.onChange((change) => {
        // The shopper erased their history: nothing drawn from it stays on screen a moment longer.
        if (change.method === 'forget') this.#clear();
        this.scheduleRefresh();
      });
    }
    this.scheduleRefresh(0);
  }

  #setState(state: WidgetState): void {
    if (this.getAttribute('state') !== state) this.setAttribute('state', state);
  }

  async #load(): Promise<void> {
    const recommender = this.isConnected ? this.recommender : null;
    const key = this.contentKey();
    const request = recommender ? this.fetchRows(recommender, this.k, this.explainMode) : null;
    if (!recommender || !request) {
      // Nothing to show yet (no recommender, no item): show nothing, quietly.
      this.#generation++;
      this.#container.hidden = true;
      this.#list.removeAttribute('aria-busy');
      this.#shownKey = null;
      this.#setState('waiting');
      return;
    }
    this.#container.hidden = false;
    // Another product or another recommender: the old list is not shown while the new one loads.
    if (this.#shownKey !== key || this.#shownBy !== recommender) this.#clear();
    // This refresh is the latest from here on; any older one still on its way will not render.
    const mine = ++this.#generation;
    this.#list.setAttribute('aria-busy', 'true');
    let rows: WidgetRow[];
    try {
      rows = await request;
    } catch (error) {
      if (mine !== this.#generation) return;
      this.#settled();
      this.#render([], key, recommender);
      this.#setState('error');
      this.dispatchEvent(new CustomEvent('localrec-error', { detail: { error }, bubbles: true, composed: true }));
      return;
    }
    // Only the latest refresh renders: an older answer arriving late is dropped.
    if (mine !== this.#generation) return;
    this.#settled();
    this.#render(rows, key, recommender);
  }

  /** Empties the list into its loading state; answers already on their way are dropped. */
  #clear(): void {
    this.#generation++;
    this.#shownKey = null;
    this.#showStatus('Loading…');
    this.#list.replaceChildren();
    this.#views = [];
    this.#rows = [];
    this.#setState('loading');
  }

  /** Not busy any more, unless another refresh is already waiting. */
  #settled(): void {
    if (!this.#scheduled) this.#list.removeAttribute('aria-busy');
  }

  #showStatus(text: string | null): void {
    this.#status.hidden = text === null;
    this.#status.textContent = text ?? '';
  }

  #render(rows: WidgetRow[], key: string, recommender: WidgetRecommender): void {
    const update = this.#shownKey === key && this.#shownBy === recommender;
    const href = this.getAttribute('href');
    const options = { explain: this.explainMode, currency: this.getAttribute('currency'), placeholders: this.hasAttribute('placeholders') };
    const optionsKey = JSON.stringify([href, options]);
    this.#shownKey = key;
    this.#shownBy = recommender;
    this.#setState(rows.length > 0 ? 'ready' : 'empty');
    if (update && optionsKey === this.#shownOptions && sameRows(rows, this.#rows)) return;
    this.#shownOptions = optionsKey;
    // Keep the shopper's place: focus returns to the same item (or the same place) after a re-render.
    const active = this.#root.activeElement;
    const focusedIndex = active ? this.#views.findIndex((view) => view.element.contains(active)) : -1;
    const focusedId = focusedIndex >= 0 ? this.#rows[focusedIndex]!.item.id : null;
    const focusedWhy = focusedIndex >= 0 && active === this.#views[focusedIndex]!.why;
    const currentId = this.#rows[this.#current]?.item.id;
    // why? views the shopper has open stay open (explained afresh: the history has changed).
    const open = new Set(this.#views.flatMap((view, i) => (view.why?.getAttribute('aria-expanded') === 'true' ? [this.#rows[i]!.item.id] : [])));

    this.#rows = rows;
    this.#views = rows.map((row, index) => {
      const view = renderItem(row, { ...options, index, href: itemHref(href, row.item, document.baseURI) });
      view.link.addEventListener('click', (event) => this.#select(event, row, index));
      view.why?.addEventListener('click', () => void this.#toggleWhy(view, row));
      return view;
    });
    this.#list.replaceChildren(...this.#views.map((view) => view.element));
    this.#views.forEach((view, i) => {
      if (open.has(rows[i]!.item.id)) void this.#toggleWhy(view, rows[i]!);
    });
    this.#list.hidden = rows.length === 0;
    this.#showStatus(rows.length === 0 ? (this.getAttribute('empty-text') ?? this.defaultEmptyText) : null);

    const keep = (id: string | null | undefined): number => (id ? rows.findIndex((row) => row.item.id === id) : -1);
    const restored = keep(focusedId);
    const current = restored >= 0 ? restored : focusedIndex >= 0 ? Math.min(focusedIndex, rows.length - 1) : Math.max(keep(currentId), 0);
    this.#setRoving(Math.max(current, 0));
    if (focusedIndex >= 0 && rows.length > 0) this.#focusItem(current, focusedWhy);
    if (update) this.#announce(rows.length === 0 ? `${this.#headingText() || this.defaultHeading}: ${this.#status.textContent}` : `${this.#headingText() || this.defaultHeading} updated`);
    const detail: RenderDetail = { count: rows.length, itemIds: rows.map((row) => row.item.id) };
    this.dispatchEvent(new CustomEvent('localrec-render', { detail, bubbles: true, composed: true }));
  }

  /** Polite and short; cleared first so the same words are announced again. */
  #announce(text: string): void {
    this.#live.textContent = '';
    setTimeout(() => (this.#live.textContent = text), 100);
  }

  #select(event: MouseEvent, row: WidgetRow, position: number): void {
    const detail: SelectDetail = { itemId: row.item.id, item: row.item, position, list: this.localName };
    const proceed = this.dispatchEvent(new CustomEvent('localrec-select', { detail, bubbles: true, composed: true, cancelable: true }));
    // A store that routes itself (a single-page app) cancels the event; the link then does not navigate.
    if (!proceed) event.preventDefault();
  }

  async #toggleWhy(view: ItemView, row: WidgetRow): Promise<void> {
    const { why, panel } = view;
    if (!why || !panel) return;
    const open = why.getAttribute('aria-expanded') !== 'true';
    why.setAttribute('aria-expanded', String(open));
    panel.hidden = !open;
    if (!open || panel.dataset.loaded) return;
    const recommender = this.recommender;
    if (!recommender) return;
    panel.dataset.loaded = 'loading';
    panel.textContent = 'Loading…';
    try {
      renderWhyLines(panel, await this.explainRow(recommender, row));
      panel.dataset.loaded = 'true';
    } catch {
      panel.textContent = 'No explanation is available right now.';
      delete panel.dataset.loaded;
    }
  }

  /** Roving tabindex: one item (its link and why?) is in the tab order; arrows move between items. */
  #setRoving(index: number): void {
    this.#current = index;
    this.#views.forEach((view, i) => {
      const tabIndex = i === index ? 0 : -1;
      view.link.tabIndex = tabIndex;
      if (view.why) view.why.tabIndex = tabIndex;
    });
  }

  #focusItem(index: number, why: boolean): void {
    const view = this.#views[index];
    if (!view) return;
    this.#setRoving(index);
    (why && view.why ? view.why : view.link).focus();
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const index = this.#views.findIndex((view) => view.element.contains(event.target as Node));
    if (index < 0) return;
    const last = this.#views.length - 1;
    const next = { ArrowDown: index + 1, ArrowRight: index + 1, ArrowUp: index - 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.#focusItem(Math.min(Math.max(next, 0), last), event.target === this.#views[index]!.why);
  }
}
