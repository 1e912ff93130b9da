import { LocalrecBoughtTogetherElement } from './bought-together-element';
import { LocalrecRecommendationsElement } from './recommendations-element';
import { LocalrecSimilarElement } from './similar-element';
import type { RenderDetail, SelectDetail } from './types';

/**
 * The elements localrec defines, by tag name.
 * @example for (const tag of Object.keys(WIDGET_TAGS)) console.log(tag, customElements.get(tag) !== undefined);
 */
export const WIDGET_TAGS = {
  'localrec-recommendations': LocalrecRecommendationsElement,
  'localrec-similar': LocalrecSimilarElement,
  'localrec-bought-together': LocalrecBoughtTogetherElement,
} as const;

/**
 * Registers the widgets' custom elements (`<localrec-recommendations>`, `<localrec-similar>`,
 * `<localrec-bought-together>`).
 * Importing `localrec/widgets` does it already; calling it again, or loading the package twice,
 * is harmless: a tag already defined is left as it is. Does nothing outside a browser.
 * @example import { defineWidgets } from 'localrec/widgets'; defineWidgets();
 */
export function defineWidgets(): void {
  if (typeof customElements === 'undefined') return;
  for (const [tag, element] of Object.entries(WIDGET_TAGS)) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'localrec-recommendations': LocalrecRecommendationsElement;
    'localrec-similar': LocalrecSimilarElement;
    'localrec-bought-together': LocalrecBoughtTogetherElement;
  }
  interface HTMLElementEventMap {
    'localrec-select': CustomEvent<SelectDetail>;
    'localrec-render': CustomEvent<RenderDetail>;
  }
}
