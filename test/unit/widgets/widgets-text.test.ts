import { describe, expect, it } from 'vitest';
import type { Explanation, Item } from '../../../src/shared/types';
import { itemHref } from '../../../src/widgets/href';
import { similarReason } from '../../../src/widgets/similar-reason';
import { whyLines } from '../../../src/widgets/why-lines';

// The words and links the widgets build from catalog data, before any DOM is involved.
const caliper: Item = { id: 'C 1/2', title: 'Digital Caliper 150 mm', brand: 'Mitutoyo', category: ['Measuring', 'Calipers'] };
const micrometer: Item = { id: 'M1', title: 'Outside Micrometer', brand: 'Mitutoyo', category: ['Measuring', 'Micrometers'] };
const gauge: Item = { id: 'G1', title: 'Depth Gauge', brand: 'iGaging', category: ['Measuring', 'Calipers'] };
const BASE = 'https://shop.example/catalog/';

describe('itemHref', () => {
  it('fills the store template with the encoded id', () => {
    expect(itemHref('/product/{id}', caliper, BASE)).toBe('/product/C%201%2F2');
    expect(itemHref('#/item/{id}', caliper, BASE)).toBe('#/item/C%201%2F2');
    expect(itemHref('https://shop.example/p?id={id}', caliper, BASE)).toBe('https://shop.example/p?id=C%201%2F2');
  });
  it('falls back to the item url, and never links to anything but http(s)', () => {
    expect(itemHref(null, { ...caliper, url: 'p/caliper' }, BASE)).toBe('p/caliper');
    expect(itemHref(null, caliper, BASE)).toBeNull();
    for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>1</script>', 'vbscript:x']) {
      expect(itemHref(null, { ...caliper, url }, BASE)).toBeNull();
    }
    // An id cannot break out of the template's path.
    expect(itemHref('{id}', { ...caliper, id: 'javascript:alert(1)' }, BASE)).toBe('javascript%3Aalert(1)');
    expect(itemHref('/product/{id}', { ...caliper, id: '../../admin' }, BASE)).toBe('/product/..%2F..%2Fadmin');
  });
});

describe('similarReason', () => {
  it('says only what the item really shares with the product', () => {
    expect(similarReason(micrometer, caliper)).toBe('Same brand (Mitutoyo)');
    expect(similarReason(gauge, caliper)).toBe('Same category');
    expect(similarReason({ ...gauge, brand: 'MITUTOYO' }, caliper)).toBe('Same brand (MITUTOYO) and category');
    expect(similarReason({ id: 'X', title: 'Beaker' }, caliper)).toBe('Similar in title and description');
    expect(similarReason(micrometer, null)).toBe('Similar in title and description');
  });
});

describe('whyLines', () => {
  const base: Explanation = { itemId: 'G1', score: 0.8, evidence: [], shared: [], reason: 'A pick from this store to start with — it will adapt as you browse.' };

  it('ranks the history in words — strongest, also, weaker — with no numbers', () => {
    const lines = whyLines({
      ...base,
      evidence: [
        { kind: 'item', itemId: 'C 1/2', title: caliper.title, event: 'cart', influence: 0.5 },
        { kind: 'search', query: 'depth gauge', influence: 0.3 },
        { kind: 'item', itemId: 'M1', title: micrometer.title, event: 'view', influence: 0.05 },
      ],
      shared: [{ attribute: 'category', value: 'Calipers', itemId: 'C 1/2' }],
    });
    expect(lines).toEqual([
      { strength: 'Strongest reason', text: 'you added “Digital Caliper 150 mm” to your cart.' },
      { strength: 'Also', text: 'you searched for “depth gauge”.' },
      { strength: 'Also', text: 'Same category (Calipers) as “Digital Caliper 150 mm”.' },
      { strength: 'Weaker', text: 'you viewed “Outside Micrometer”.' },
    ]);
  });

  it('keeps it short: four pieces of history and two shared attributes at most', () => {
    const evidence = Array.from({ length: 7 }, (_, i) => ({ kind: 'search' as const, query: `q${i}`, influence: 1 - i / 10 }));
    const shared = ['A', 'B', 'C'].map((value) => ({ attribute: 'brand' as const, value, itemId: 'x' }));
    const lines = whyLines({ ...base, evidence, shared });
    expect(lines.filter((l) => l.text.startsWith('you searched'))).toHaveLength(4);
    expect(lines.filter((l) => l.text.startsWith('Same brand'))).toHaveLength(2);
  });

  it('says each thing the shopper did once: a query searched five times, an item viewed then carted', () => {
    const lines = whyLines({
      ...base,
      evidence: [
        { kind: 'item', itemId: 'M1', title: micrometer.title, event: 'view', influence: 0.3 },
        { kind: 'search', query: 'digital caliper', influence: 0.1 },
        { kind: 'item', itemId: 'C 1/2', title: caliper.title, event: 'cart', influence: 0.2 },
        ...Array.from({ length: 4 }, () => ({ kind: 'search' as const, query: 'Digital caliper ', influence: 0.05 })),
        { kind: 'item', itemId: 'C 1/2', title: caliper.title, event: 'view', influence: 0.15 },
      ],
    });
    expect(lines).toEqual([
      { strength: 'Strongest reason', text: 'you added “Digital Caliper 150 mm” to your cart.' },
      { strength: 'Also', text: 'you viewed “Outside Micrometer”.' },
      { strength: 'Also', text: 'you searched for “digital caliper”.' },
    ]);
  });

  it('without history, says the reason itself', () => {
    expect(whyLines(base)).toEqual([{ strength: null, text: base.reason }]);
  });
});
