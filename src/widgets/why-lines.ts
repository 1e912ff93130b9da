import { describeEvidence, shortTitle } from '../explain/template-reason';
import type { Explanation, SharedAttribute } from '../shared/types';

/** How much one line of the why? view counted, in words (never a number). */
export type WhyStrength = 'Strongest reason' | 'Also' | 'Weaker';

export interface WhyLine {
  /** Null for the plain reason shown when no history is behind the item. */
  strength: WhyStrength | null;
  text: string;
}

/** Evidence lines shown at most; the rest counted less than these. */
const MAX_EVIDENCE = 4;
/** Above this share of the strongest piece's influence, a piece counted "also"; else "weaker". */
const ALSO_SHARE = 0.5;

function sharedText(shared: SharedAttribute, title: string | undefined): string {
  const what = shared.attribute === 'price band' ? 'price range' : shared.attribute;
  return `Same ${what} (${shared.value}) as “${title ? shortTitle(title) : 'an item you looked at'}”`;
}

/**
 * The why? view of an explanation in plain words: the history piece that counted most, then the
 * others that counted nearly as much ("also") with what the item shares with that history, then
 * those that counted less ("weaker"). No raw scores. With no history behind the item, its
 * one-sentence reason.
 * @example whyLines(await rec.explain(id)).map((l) => `${l.strength ?? ''} ${l.text}`)
 */
export function whyLines(explanation: Explanation): WhyLine[] {
  const evidence = explanation.evidence.filter((e) => e.influence > 0).slice(0, MAX_EVIDENCE);
  const strongest = evidence[0]?.influence ?? 0;
  const lines: WhyLine[] = evidence.map((e, i) => ({
    strength: i === 0 ? 'Strongest reason' : e.influence / strongest > ALSO_SHARE ? 'Also' : 'Weaker',
    text: `${describeEvidence(e)}.`,
  }));
  const titles = new Map(explanation.evidence.flatMap((e) => (e.kind === 'item' ? [[e.itemId, e.title] as const] : [])));
  const seen = new Set<string>();
  for (const shared of explanation.shared) {
    const key = `${shared.attribute}:${shared.value}`;
    if (seen.has(key) || seen.size >= 2) continue;
    seen.add(key);
    lines.push({ strength: 'Also', text: `${sharedText(shared, titles.get(shared.itemId))}.` });
  }
  const order: Record<WhyStrength, number> = { 'Strongest reason': 0, Also: 1, Weaker: 2 };
  // A stable sort: within a strength, the order of influence stays.
  lines.sort((a, b) => order[a.strength!] - order[b.strength!]);
  return lines.length > 0 ? lines : [{ strength: null, text: explanation.reason }];
}
