import type { Item } from '../shared/types';

/** Schemes a widget may link to: a catalog `url` such as `javascript:…` never becomes a link. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:']);

/**
 * Where an item links to: the store's `href` template with `{id}` replaced by the URL-encoded
 * item id (e.g. `/product/{id}`, `#/item/{id}`), else the item's own `url`. Returns null when there
 * is neither or it does not resolve (against `base`) to an http(s) URL: the item is then a button
 * that only fires `localrec-select`.
 * @example itemHref('/p/{id}', { id: 'A B', title: 't' }, 'https://shop.example/') // '/p/A%20B'
 */
export function itemHref(template: string | null, item: Item, base: string): string | null {
  const raw = template ? template.replaceAll('{id}', encodeURIComponent(item.id)) : item.url;
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  // As written (a relative link stays relative in the page), once it is known to resolve to http(s).
  return SAFE_PROTOCOLS.has(url.protocol) ? raw : null;
}
