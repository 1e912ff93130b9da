import type { Evidence, SharedAttribute } from '../shared/types';

const MAX_TITLE = 60;
/** A second piece of evidence is named only when it counted at least this share of the first. */
const SECOND_SHARE = 0.75;

/** A title short enough for a one-line reason, cut at a word boundary. */
export function shortTitle(title: string): string {
  if (title.length <= MAX_TITLE) return title;
  const cut = title.slice(0, MAX_TITLE);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const DID: Record<'view' | 'cart' | 'purchase', string> = {
  view: 'you viewed',
  cart: 'you added',
  purchase: 'you bought',
};

/** "you viewed “X”" / "you searched for “q”": the fact behind one piece of evidence. */
export function describeEvidence(evidence: Evidence): string {
  if (evidence.kind === 'search') return `you searched for “${shortTitle(evidence.query)}”`;
  return `${DID[evidence.event]} “${shortTitle(evidence.title)}”${evidence.event === 'cart' ? ' to your cart' : ''}`;
}

function describeShared(shared: SharedAttribute): string {
  switch (shared.attribute) {
    case 'brand':
      return `also by ${shared.value}`;
    case 'category':
      return `also in ${shared.value}`;
    case 'price band':
      return `in the same price range (${shared.value})`;
  }
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const WHICH: Record<'view' | 'cart' | 'purchase', string> = { view: 'which you viewed', cart: 'which you added to your cart', purchase: 'which you bought' };

/**
 * The ways of saying one reason, all stating the same facts (every quoted search keeps the
 * "you searched for “…”" form the checker reads). Rows pick different ones, so a list does not
 * repeat one sentence pattern.
 */
function phrasings(top: Evidence, second: Evidence | undefined, link: SharedAttribute | undefined): string[] {
  const did = describeEvidence(top);
  if (top.kind === 'item' && link) {
    const attr = describeShared(link);
    return [`Because ${did} — this is ${attr}.`, `${capitalise(attr)}, like “${shortTitle(top.title)}”, ${WHICH[top.event]}.`, `${capitalise(did)}; this is ${attr}.`];
  }
  if (second) {
    // Two items under one verb: "you viewed “X” and “Y”".
    const both = top.kind === 'item' && second.kind === 'item' && top.event === second.event && top.event !== 'cart'
      ? `${did} and “${shortTitle(second.title)}”`
      : `${did} and ${describeEvidence(second)}`;
    return [`Because ${both}.`, `Related to what ${both}.`, `${capitalise(both)}; this relates to both.`];
  }
  return top.kind === 'search'
    ? [`Because ${did}.`, `${capitalise(did)}; this matches it.`, `Since ${did}.`]
    : [`Because ${did}.`, `Related to “${shortTitle(top.title)}”, ${WHICH[top.event]}.`, `${capitalise(did)}; this is related.`];
}

/**
 * A one-sentence reason that states only facts from the evidence: the top history item (or
 * search) behind the score, and an attribute the item really shares with it; a second piece only
 * when it counted nearly as much (one cited item when one suffices). `variant` picks the wording
 * (any integer; the explainer passes a hash of the item id, so one item always reads the same).
 * Plain text.
 */
export function templateReason(evidence: readonly Evidence[], shared: readonly SharedAttribute[], hasHistory = false, variant = 0): string {
  const [top, second] = citedEvidence(evidence, shared);
  // Nothing related to cite: say something general that is true, never cite what does not relate.
  if (!top) return hasHistory ? 'Picked for you from what you have browsed so far.' : 'A pick from this store to start with — it will adapt as you browse.';
  const link = top.kind === 'item' ? shared.find((s) => s.itemId === top.itemId) : undefined;
  const options = phrasings(top, second, link);
  return options[Math.abs(Math.trunc(variant)) % options.length]!;
}

/**
 * The evidence the template reason names: the top piece, and the second only when no attribute
 * links the first and the second counted at least 3/4 as much.
 */
export function citedEvidence(evidence: readonly Evidence[], shared: readonly SharedAttribute[]): Evidence[] {
  const [top, second] = evidence;
  if (!top) return [];
  const link = top.kind === 'item' ? shared.find((s) => s.itemId === top.itemId) : undefined;
  return link || !second || second.influence < SECOND_SHARE * top.influence ? [top] : [top, second];
}
