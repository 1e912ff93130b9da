import type { Item } from '../shared/types';
import type { WhyLine } from './why-lines';

/** One item as a widget shows it. */
export interface WidgetRow {
  item: Item;
  /** The one-line reason (plain text), or null to show none. */
  reason: string | null;
  /** Whether the why? view has something to show for this item. */
  canExplain: boolean;
}

/** What the `explain` attribute asks for. */
export type ExplainMode = 'why' | 'reason' | 'none';

export interface ItemViewOptions {
  index: number;
  href: string | null;
  explain: ExplainMode;
  /** ISO 4217 code for prices (`currency="EUR"`), or null for a plain number. */
  currency: string | null;
  /** Show a coloured tile with initials when the item has no image. */
  placeholders: boolean;
}

/** The nodes of one rendered item the element wires up (focus, why? view). */
export interface ItemView {
  element: HTMLLIElement;
  /** The item's link (or button when it has no URL): the roving focus stop. */
  link: HTMLElement;
  why: HTMLButtonElement | null;
  panel: HTMLElement | null;
}

function node<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, part: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  el.setAttribute('part', part);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Images from the catalog are shown only from http(s) or data: URLs. */
function safeImage(src: string): string | null {
  try {
    const url = new URL(src, document.baseURI);
    return ['http:', 'https:', 'data:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function formatPrice(price: number, currency: string | null): string {
  try {
    return new Intl.NumberFormat(undefined, currency ? { style: 'currency', currency } : { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(price);
  } catch {
    return price.toFixed(2);
  }
}

/** A coloured tile with the brand's (or title's) first letters, one hue per brand. */
function placeholder(item: Item): HTMLElement {
  const key = item.brand ?? item.title;
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  const tile = node('span', 'image placeholder', 'image placeholder', key.slice(0, 2).toUpperCase());
  tile.setAttribute('aria-hidden', 'true');
  // A CSSOM custom property, not a style attribute: allowed under a strict style-src.
  tile.style.setProperty('--localrec-hue', String(Math.abs(hash) % 360));
  return tile;
}

/**
 * Builds one item: its link (image, title, price), its reason and its why? disclosure. All text
 * goes in with textContent.
 */
export function renderItem(row: WidgetRow, options: ItemViewOptions): ItemView {
  const { item, reason } = row;
  const li = node('li', 'item', 'item');
  li.dataset.itemId = item.id;
  const link = options.href ? node('a', 'link', 'link') : node('button', 'link', 'link');
  if (link instanceof HTMLAnchorElement) link.href = options.href!;
  else link.type = 'button';
  const image = item.image ? safeImage(item.image) : null;
  if (image) {
    const img = node('img', 'image', 'image');
    img.alt = '';
    img.loading = 'lazy';
    img.decoding = 'async';
    img.src = image;
    link.append(img);
  } else if (options.placeholders) {
    link.append(placeholder(item));
  }
  const text = node('span', 'text', 'text');
  const title = node('span', 'title', 'title', item.title);
  title.id = `title-${options.index}`;
  text.append(title);
  if (typeof item.price === 'number' && Number.isFinite(item.price)) text.append(node('span', 'price', 'price', formatPrice(item.price, options.currency)));
  link.append(text);
  li.append(link);
  if (options.explain !== 'none' && reason) li.append(node('p', 'reason', 'reason', reason));
  let why: HTMLButtonElement | null = null;
  let panel: HTMLElement | null = null;
  if (options.explain === 'why' && row.canExplain) {
    why = node('button', 'why', 'why', 'why?');
    why.type = 'button';
    why.setAttribute('aria-expanded', 'false');
    why.setAttribute('aria-controls', `why-${options.index}`);
    why.setAttribute('aria-describedby', title.id);
    panel = node('div', 'why-panel', 'why-panel');
    panel.id = `why-${options.index}`;
    panel.hidden = true;
    li.append(why, panel);
  }
  return { element: li, link, why, panel };
}

/** Fills a why? panel with its lines ("Strongest reason: You viewed “X”."). */
export function renderWhyLines(panel: HTMLElement, lines: readonly WhyLine[]): void {
  const list = document.createElement('ul');
  for (const line of lines) {
    const li = node('li', 'why-line', 'why-line');
    if (line.strength) li.append(node('span', 'why-strength', 'why-strength', `${line.strength}: `));
    li.append(document.createTextNode(line.text));
    list.append(li);
  }
  panel.replaceChildren(list);
}
