import type { WidgetRecommender } from './types';

/** A widget as the page-wide connection sees it. */
export interface ConnectedWidget {
  /** Called when the page-wide recommender changes (null: none). */
  pageRecommenderChanged(): void;
}

interface PageConnection {
  recommender: WidgetRecommender | null;
  widgets: Set<ConnectedWidget>;
}

// One connection per page, kept under a registered symbol: the npm entry and the script-tag
// bundle (or two copies of the package) on one page then share it.
const KEY = Symbol.for('localrec.widgets.connection');

function connection(): PageConnection {
  const holder = globalThis as unknown as Record<symbol, PageConnection | undefined>;
  return (holder[KEY] ??= { recommender: null, widgets: new Set() });
}

/** The recommender `connectWidgets()` gave the page, or null. */
export function pageRecommender(): WidgetRecommender | null {
  return connection().recommender;
}

/** A widget entering the page (it follows the page-wide recommender from now on). */
export function attachWidget(widget: ConnectedWidget): void {
  connection().widgets.add(widget);
}

/** A widget leaving the page. */
export function detachWidget(widget: ConnectedWidget): void {
  connection().widgets.delete(widget);
}

/**
 * Gives every localrec widget on the page, present and future, the same recommender (a widget's
 * own `recommender` property still wins). Widgets without one show nothing and wait. Returns a
 * function that disconnects it again (widgets then empty and wait for the next one).
 * @example
 * import { createRecommender } from 'localrec';
 * import { connectWidgets } from 'localrec/widgets';
 * connectWidgets(await createRecommender({ catalog: '/items.jsonl' }));
 */
export function connectWidgets(recommender: WidgetRecommender | null): () => void {
  const page = connection();
  page.recommender = recommender;
  for (const widget of page.widgets) widget.pageRecommenderChanged();
  return () => {
    if (page.recommender === recommender) connectWidgets(null);
  };
}
