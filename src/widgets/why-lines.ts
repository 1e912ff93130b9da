import { describeEvidence, shortTitle } from '../explain/template-reason';
import type { Evidence, Explanation, SharedAttribute } from '../shared/types';

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
 * One line per thing the shopper did: the same query searched again (a shopper who searched
 * "digital caliper" five times to open five results) or the same item viewed and then carted
 * counts once, with the influence of all its events and the words of its strongest one.
 */
function mergeRepeats(evidence: readonly Evidence[]): Evidence[] {
  const merged = new Map<string, Evidence>();
  for (const e of evidence) {
    const key = e.kind === 'search' ? `search:${e.query.trim().toLowerCase()}` : `item:${e.itemId}`;
    const first = merged.get(key);
    merged.set(key, first ? { ...first, influence: first.influence + e.influence } : e);
  }
  return [...merged.values()].sort((a, b) => b.influence - a.influence);
}

/**
 * The why? view of an explanation in plain words: the history piece that counted most, then the
 * others that counted nearly as much ("also") with what the item shares with that history, then
 * those that counted less ("weaker"). No raw scores. With no history behind the item, its
 * one-sentence reason.
 * @example whyLines(await rec.explain(id)).map((l) => `${l.strength ?? ''} ${l.text}`)
 */
export function whyLines(explanation: Explanation): WhyLine[] {
  const evidence = mergeRepeats(explanation.evidence.filter((e) => e.influence > 0)).slice(0, MAX_EVIDENCE);
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
