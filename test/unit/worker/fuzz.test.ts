import { describe, expect, it } from 'vitest';
import { mulberry32 as rng } from '../../../src/util/random';
import { LocalrecError } from '../../../src/shared/errors';
import type { StoredEvent } from '../../../src/shared/types';
import { normalizeCatalog } from '../../../src/catalog/normalize-catalog';
import { Engine } from '../../../src/worker/engine';


function hostileValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 16);
  switch (pick) {
    case 0: return Number.NaN;
    case 1: return r() < 0.5 ? Infinity : -Infinity;
    case 2: return 'x'.repeat(Math.floor(r() * 200_000));
    case 3: return '\uD800\uDC00\uDFFF\uD83D'.repeat(Math.floor(r() * 5) + 1); // lone surrogates
    case 4: return depth < 30 ? [hostileValue(r, depth + 1)] : [];              // deep nesting
    case 5: return depth < 30 ? { nested: hostileValue(r, depth + 1) } : {};
    case 6: return Array.from({ length: Math.floor(r() * 5000) }, (_, i) => `level ${i}`); // huge arrays
    case 7: return JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}');
    case 8: return null;
    case 9: return undefined;
    case 10: return Math.floor(r() * 1e6) - 5e5;
    case 11: return r() < 0.5;
    case 12: return '';
    case 13: return '__proto__';
    case 14: return `item-${Math.floor(r() * 20)}`;
    default: return `Title ${Math.floor(r() * 1000)} duct tape`;
  }
}

function hostileRow(r: () => number): unknown {
  if (r() < 0.1) return hostileValue(r);
  const row: Record<string, unknown> = {};
  for (const key of ['id', 'title', 'category', 'brand', 'price', 'description', 'available', 'url', 'image', '__proto__', 'constructor']) {
    if (r() < 0.8) Object.defineProperty(row, key, { value: key === 'id' && r() < 0.6 ? `item-${Math.floor(r() * 30)}` : key === 'title' && r() < 0.6 ? `Tape ${Math.floor(r() * 9)}` : hostileValue(r), enumerable: true, configurable: true, writable: true });
  }
  return row;
}

function assertCleanEvent(event: StoredEvent, known: Set<string>): void {
  expect(['view', 'cart', 'purchase', 'search']).toContain(event.type);
  expect(Number.isFinite(event.timestamp)).toBe(true);
  if (event.type === 'search') {
    expect(typeof event.query).toBe('string');
    expect(event.query!.length).toBeLessThanOrEqual(500);
    expect(event.query!.isWellFormed()).toBe(true);
  } else {
    expect(known.has(event.itemId!)).toBe(true);
  }
}

describe('bad input fuzzing (seeded)', () => {
  it('normalizeCatalog never throws and never emits a malformed item (5,000 rows × 4 seeds)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const { items, report } = normalizeCatalog(Array.from({ length: 5000 }, () => hostileRow(r)));
      expect(report.size + Object.values(report.skipped).reduce((a, b) => a + b, 0)).toBe(report.rows);
      for (const item of items) {
        expect(typeof item.id).toBe('string');
        expect(typeof item.title).toBe('string');
        expect(item.title.length).toBeLessThanOrEqual(500);
        expect(item.title.isWellFormed()).toBe(true);
        if (item.price !== undefined) expect(Number.isFinite(item.price)).toBe(true);
        if (item.category !== undefined) expect(item.category.every((c) => typeof c === 'string')).toBe(true);
        expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('hostile catalogs and events: only typed errors, and only clean events are stored (300 engines, 6,000 events)', async () => {
    let created = 0;
    let stored = 0;
    for (let seed = 100; seed < 400; seed++) {
      const r = rng(seed);
      const rows = r() < 0.05 ? hostileValue(r) : Array.from({ length: Math.floor(r() * 25) }, () => hostileRow(r));
      let engine: Engine;
      try {
        engine = await Engine.create({ catalog: rows as never, backend: 'cpu', dbName: `fuzz-${seed}`, maxEvents: 50, persist: false, dims: 64 });
      } catch (error) {
        expect(error, `seed ${seed}`).toBeInstanceOf(LocalrecError);
        continue;
      }
      created++;
      const known = new Set(normalizeCatalog(rows as unknown[]).items.map((item) => item.id));
      expect(engine.status().catalogSize).toBe(known.size);
      for (let i = 0; i < 20; i++) {
        const event = r() < 0.2 ? hostileValue(r) : { type: ['view', 'cart', 'purchase', 'search', 'bogus', 7][Math.floor(r() * 6)], itemId: r() < 0.5 ? `item-${Math.floor(r() * 30)}` : hostileValue(r), query: hostileValue(r), timestamp: r() < 0.7 ? undefined : hostileValue(r) };
        await engine.track(event as never).catch((error: unknown) => expect(error, `seed ${seed}`).toBeInstanceOf(LocalrecError));
        await engine.recommend({ k: 5 }).catch((error: unknown) => expect(error, `seed ${seed}`).toBeInstanceOf(LocalrecError));
      }
      const events = (await engine.exportData()).events;
      stored += events.length;
      for (const event of events) assertCleanEvent(event, known);
      engine.dispose();
    }
    // The generator must exercise the happy path too, not only rejections.
    expect(created).toBeGreaterThan(100);
    expect(stored).toBeGreaterThan(200);
  }, 300_000);
});
