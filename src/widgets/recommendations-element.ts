import type { RecommendOptions } from '../shared/types';
import type { ExplainMode, WidgetRow } from './item-view';
import { LocalrecListElement } from './list-element';
import type { WidgetRecommender } from './types';
import { whyLines, type WhyLine } from './why-lines';

/** The merchant's options a recommendations widget passes on (`k` and `explain` come from attributes). */
export type RecommendationsWidgetOptions = Omit<RecommendOptions, 'k' | 'explain'>;

/**
 * `<localrec-recommendations>`: "Recommended for you", each item with its reason and a why? view.
 * Attributes: `k` (default 6), `explain` (`why` | `reason` | `none`), `heading`, `heading-level`,
 * `href` (template, `{id}` is replaced), `layout` (`list` | `grid` | `row`), `empty-text`,
 * `currency`, `placeholders`. The `options` property passes recommend() options (exclude,
 * filter, boost, context…).
 * @example
 * <localrec-recommendations k="6" href="/product/{id}"></localrec-recommendations>
 */
export class LocalrecRecommendationsElement extends LocalrecListElement {
  protected readonly defaultHeading = 'Recommended for you';
  protected readonly defaultK = 6;
  protected readonly defaultEmptyText = 'Nothing to recommend yet.';
  #options: RecommendationsWidgetOptions = {};

  /**
   * Options of every recommend() call this widget makes.
   * @example el.options = { exclude: ['purchased'], filter: { maxPrice: 50 } };
   */
  get options(): RecommendationsWidgetOptions {
    return this.#options;
  }
  set options(value: RecommendationsWidgetOptions | null) {
    this.#options = value ?? {};
    if (this.isConnected) this.scheduleRefresh();
  }

  protected fetchRows(recommender: WidgetRecommender, k: number, explain: ExplainMode): Promise<WidgetRow[]> {
    return recommender.recommend({ ...this.#options, k, explain: explain !== 'none' }).then((recs) =>
      recs.map((rec) => ({ item: rec.item, reason: rec.reason ?? null, canExplain: (rec.evidence?.length ?? 0) > 0 })),
    );
  }

  protected async explainRow(recommender: WidgetRecommender, row: WidgetRow): Promise<WhyLine[]> {
    return whyLines(await recommender.explain(row.item.id));
  }
}
