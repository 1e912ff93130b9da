import type { Item } from '../shared/types';
import { Explainer } from '../explain/explainer';
import { catalogRelatedness } from '../explain/relatedness';
import type { ReasonWriter } from '../explain/generator/reason-writer';
import type { CollaborativeModel } from '../models/collaborative-model';
import { ContentModel } from '../models/content/content-model';
import type { ContentEmbeddings } from '../models/content-ae/content-embeddings';
import { HybridScorer } from '../rank/hybrid-scorer';
import { sameTitleLookup, variantLookup } from '../rank/related-items';
import { searchIndexEvidence } from '../rank/query-evidence';
import { DEFAULT_RANKING, type RankingSettings } from '../rank/ranking-settings';
import { unavailableRows } from '../rank/top-k';
import { SearchIndex } from '../search';
import { titleWords } from '../features/title-words';
import type { PersonalModelState } from './personal-model';

/** The shopper's fine-tuned model in use: the model it was tuned from (the next fineTune() starts there) and when it was saved. */
export interface PersonalModel {
  base: CollaborativeModel;
  saved: PersonalModelState;
}

interface Disposable {
  dispose(): void;
}

/**
 * Everything a call is served from, replaced in one step (never edited): the catalog, its
 * content vectors and unavailable rows, the models, the scorer, explainer and reason writer,
 * and the search index (built on first use).
 *
 * Ownership: a state owns its content model, and shares the VAE networks and the reason
 * generator with the states made from it (remapped catalogs, personal models). `disposeExcept`
 * frees what this state holds that none of the states still in use hold, so a shared network is
 * freed exactly once, when the last state holding it goes.
 */
export class ServingState {
  readonly rowById: ReadonlyMap<string, number>;
  readonly scorer: HybridScorer;
  readonly explainer: Explainer;
  /** How this store ranks: the model pack's tuned settings, else the library's defaults. */
  readonly ranking: RankingSettings;

  private constructor(
    readonly items: readonly Item[],
    readonly content: ContentModel,
    /** The model that scores (the personal one when there is one), or none: content only. */
    readonly collaborative: CollaborativeModel | null,
    readonly personal: PersonalModel | null,
    readonly reasonWriter: ReasonWriter | null,
    /** Rows the catalog marks unavailable (1), or null when all are available. */
    readonly unavailable: Uint8Array | null,
    rowById?: ReadonlyMap<string, number>,
    /** The catalog's search index, shared by every state over the same catalog (built on first use). */
    private readonly index: { built: SearchIndex | null } = { built: null },
    /** Dense content embeddings of this catalog (trainContent()), or none. */
    readonly embeddings: ContentEmbeddings | null = null,
  ) {
    this.rowById = rowById ?? new Map(items.map((item, row) => [item.id, row]));
    this.ranking = collaborative?.ranking ?? DEFAULT_RANKING;
    const evidence = { ...searchIndexEvidence(() => this.searchIndex, (row) => items[row]!.available !== false), settings: this.ranking.queryEvidence };
    this.scorer = new HybridScorer(content, collaborative, undefined, evidence);
    const relatedness = catalogRelatedness(items, (id) => this.rowById.get(id), collaborative, evidence);
    this.explainer = new Explainer(items, () => this.scorer, (id) => this.rowById.get(id), relatedness);
  }

  /** Content vectors and unavailable rows for `items` (the models come after). */
  static async forCatalog(items: readonly Item[], dims: number | undefined): Promise<ServingState> {
    const content = new ContentModel(items as Item[], dims);
    return new ServingState(items, content, null, null, null, unavailableRows(items));
  }

  rowOf(id: string): number | undefined {
    return this.rowById.get(id);
  }

  /** Title word sets built so far (undefined: not yet); a list looks at a few dozen rows, not the catalog. */
  private words: (ReadonlySet<string> | null | undefined)[] | null = null;

  /** A row's title word set, built when a row is first asked for (for spreading variants). */
  titleWordsOf(row: number): ReadonlySet<string> | null {
    // Built per row: building every title's set at the first recommendation took 0.23 s at 100k items.
    this.words ??= new Array<ReadonlySet<string> | null | undefined>(this.items.length);
    let words = this.words[row];
    if (words === undefined) {
      const title = this.items[row]?.title;
      words = title ? titleWords(title) : null;
      this.words[row] = words;
    }
    return words;
  }

  private variants: ((row: number) => number[]) | null = null;

  /** `row`'s near-duplicate variants, for boughtTogether(); the word index is built on first use. */
  variantsOf(row: number): number[] {
    // Titles tokenised afresh, not through titleWordsOf: its cache would keep a set for every row.
    this.variants ??= variantLookup(this.items.length, (r) => {
      const title = this.items[r]?.title;
      return title ? titleWords(title) : null;
    });
    return this.variants(row);
  }

  private sameTitle: ((row: number) => readonly number[]) | null = null;

  /** The rows listing the same title as `row` (itself included), for similar(); the lookup is built on first use. */
  sameTitleRows(row: number): readonly number[] {
    this.sameTitle ??= sameTitleLookup(this.items);
    return this.sameTitle(row);
  }

  /** Built on first use: ~0.2 s at 4k items, ~1.6 s at 100k. */
  get searchIndex(): SearchIndex {
    this.index.built ??= SearchIndex.build(this.items);
    return this.index.built;
  }

  /** Builds the search index ahead of its first use, in slices (SearchIndex.buildInSlices). */
  async prepareSearchIndex(yieldNow: () => Promise<void>): Promise<void> {
    if (this.index.built) return;
    const built = await SearchIndex.buildInSlices(this.items, yieldNow);
    this.index.built ??= built;
  }

  /** Builds the lookups similar() and boughtTogether() use (same title, variants) ahead of their first use, one task each. */
  async prepareLookups(yieldNow: () => Promise<void>): Promise<void> {
    this.sameTitleRows(0);
    await yieldNow();
    this.variantsOf(0);
  }

  /** The same catalog with another model (a trained, loaded or personal one). */
  withModel(collaborative: CollaborativeModel | null, personal: PersonalModel | null): ServingState {
    return new ServingState(this.items, this.content, collaborative, personal, this.reasonWriter, this.unavailable, this.rowById, this.index, this.embeddings);
  }

  withReasonWriter(writer: ReasonWriter | null): ServingState {
    return new ServingState(this.items, this.content, this.collaborative, this.personal, writer, this.unavailable, this.rowById, this.index, this.embeddings);
  }

  /** The same catalog and models with these content embeddings (of this catalog). */
  withEmbeddings(embeddings: ContentEmbeddings | null): ServingState {
    return new ServingState(this.items, this.content, this.collaborative, this.personal, this.reasonWriter, this.unavailable, this.rowById, this.index, embeddings);
  }

  /**
   * The same models over a changed catalog: new content vectors and unavailable rows; the VAE (and the
   * personal model's base) mapped onto the new rows, sharing their weights; the reason writer
   * looking items up in the new catalog.
   */
  async withCatalog(items: readonly Item[], dims: number | undefined): Promise<ServingState> {
    const next = await ServingState.forCatalog(items, dims);
    const remap = (model: CollaborativeModel | null) => model?.remapped(this.items, next.rowById, items.length) ?? null;
    const collaborative = remap(this.collaborative);
    const base = this.personal ? remap(this.personal.base) : null;
    const personal = this.personal && base ? { base, saved: this.personal.saved } : null;
    const writer = this.reasonWriter?.withCatalog(items, (id) => next.rowById.get(id)) ?? null;
    // The autoencoder embeds the changed catalog as it is: an added item has a code at once.
    const embeddings = (await this.embeddings?.forCatalog(items)) ?? null;
    return new ServingState(items, next.content, collaborative, personal, writer, next.unavailable, next.rowById, undefined, embeddings);
  }

  /** What this state holds on the backend (or in the generator), shared or not. */
  private resources(): Set<Disposable> {
    const held = new Set<Disposable>([this.content]);
    if (this.collaborative) held.add(this.collaborative.network);
    if (this.personal) held.add(this.personal.base.network);
    if (this.reasonWriter) held.add(this.reasonWriter.generator);
    if (this.embeddings) held.add(this.embeddings.autoencoder);
    return held;
  }

  /** Frees what this state holds and none of `keep` holds. */
  disposeExcept(keep: readonly (ServingState | null)[]): void {
    const kept = new Set<Disposable>();
    for (const state of keep) if (state) for (const r of state.resources()) kept.add(r);
    for (const r of this.resources()) if (!kept.has(r)) r.dispose();
  }
}
