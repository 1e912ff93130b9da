import { LocalrecError } from '../../shared/errors';
import type { ReasonsReport } from '../../shared/status';
import type { Explanation, Item } from '../../shared/types';

export type { ReasonsReport };
import { dropCachedPack, loadPack } from '../../models/packs/pack-source';
import type { BehaviourStore } from '../../store/behaviour-store';
import { FactWords, type ReasonEvidence } from './checker';
import { ReasonGenerator } from './generator';
import { decodeReasonPack } from './reason-pack';


/**
 * Writes the reasons of explanations in the worker: with a reasons pack, the neural generator's
 * sentence where it passes the evidence check, else the template reason the explainer already
 * wrote from the same evidence.
 */
export class ReasonWriter {
  private readonly facts: FactWords;

  constructor(
    readonly generator: ReasonGenerator,
    private readonly items: readonly Item[],
    private readonly rowOf: (id: string) => number | undefined,
  ) {
    this.facts = new FactWords(generator.model.lexicon, items);
  }

  /** The same generator over a changed catalog (after updateCatalog); this writer is left as it was. */
  withCatalog(items: readonly Item[], rowOf: (id: string) => number | undefined): ReasonWriter {
    return new ReasonWriter(this.generator, items, rowOf);
  }

  /** The same writer (catalog, lookup) with another generator. */
  withGenerator(generator: ReasonGenerator): ReasonWriter {
    return new ReasonWriter(generator, this.items, this.rowOf);
  }

  /** Replaces each explanation's reason (in place) and says who wrote it. */
  async write(explanations: Explanation[]): Promise<void> {
    const todo: { explanation: Explanation; evidence: ReasonEvidence }[] = [];
    for (const explanation of explanations) {
      const row = this.rowOf(explanation.itemId);
      const item = row === undefined ? undefined : this.items[row];
      explanation.writtenBy = 'template';
      if (!item) continue;
      explanation.aspects = this.generator.aspectsFor(item);
      // Without history there is nothing to give a reason from: the template says so.
      if (explanation.evidence.length === 0) continue;
      const historyItems = explanation.evidence.flatMap((e) => {
        const r = e.kind === 'item' ? this.rowOf(e.itemId) : undefined;
        return r === undefined ? [] : [this.items[r]!];
      });
      todo.push({ explanation, evidence: { item, aspects: explanation.aspects, evidence: explanation.evidence, shared: explanation.shared, historyItems } });
    }
    if (todo.length === 0) return;
    const written = await this.generator.reasons(todo.map((t) => t.evidence), this.facts);
    written.forEach((w, i) => {
      const { explanation } = todo[i]!;
      explanation.reason = w.reason;
      explanation.writtenBy = w.source;
    });
  }

  dispose(): void {
    this.generator.dispose();
  }
}

/**
 * Loads a reasons pack (fetched once, then served from IndexedDB like a model pack; a damaged
 * cached copy is downloaded again). A pack that cannot be fetched or decoded never breaks the
 * store: reasons come from the template and `status().reasons.error` says why
 * (MODEL_FETCH_FAILED / MODEL_INVALID).
 */
export async function loadReasonWriter(
  url: string | undefined,
  store: BehaviourStore,
  items: readonly Item[],
  rowOf: (id: string) => number | undefined,
  integrity?: string,
): Promise<{ writer: ReasonWriter | null; report: ReasonsReport }> {
  const report: ReasonsReport = { writer: 'template', pack: url ?? null, source: null, error: null, cacheError: null, integrity: null };
  if (url === undefined) return { writer: null, report };
  try {
    const loaded = await loadPack(url, store, 'reasons pack', (files) => new ReasonGenerator(decodeReasonPack(files)), integrity);
    report.source = loaded.source;
    report.cacheError = loaded.cacheError;
    report.integrity = loaded.integrity;
    report.writer = 'generator';
    return { writer: new ReasonWriter(loaded.value, items, rowOf), report };
  } catch (error) {
    const typed = error instanceof LocalrecError ? error : new LocalrecError('MODEL_INVALID', String(error));
    if (typed.code === 'MODEL_INVALID') await dropCachedPack(url, store);
    report.error = { code: typed.code, message: typed.message };
    return { writer: null, report };
  }
}
