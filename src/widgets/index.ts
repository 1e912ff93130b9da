// The widgets' public surface (entry.ts defines the elements and re-exports this).
export { connectWidgets } from './connect';
export { defineWidgets, WIDGET_TAGS } from './define';
export { LocalrecListElement, type WidgetState } from './list-element';
export { LocalrecRecommendationsElement, type RecommendationsWidgetOptions } from './recommendations-element';
export { LocalrecSimilarElement } from './similar-element';
export { LocalrecBoughtTogetherElement } from './bought-together-element';
export type { ExplainMode, WidgetRow } from './item-view';
export type { WhyLine, WhyStrength } from './why-lines';
export type { RecommenderChange, RenderDetail, SelectDetail, WidgetRecommender } from './types';
