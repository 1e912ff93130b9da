import type { Evidence, SharedAttribute } from '../shared/types';

const MAX_TITLE = 60;

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

/**
 * A one-sentence reason that states only facts from the evidence: the top history item (or
 * search) behind the score, and an attribute the item really shares with it. Plain text.
 */
export function templateReason(evidence: readonly Evidence[], shared: readonly SharedAttribute[], hasHistory = false): string {
  const [top, second] = citedEvidence(evidence, shared);
  // Nothing related to cite: say something general that is true, never cite what does not relate.
  if (!top) return hasHistory ? 'Picked for you from what you have browsed so far.' : 'A pick from this store to start with — it will adapt as you browse.';
  const link = top.kind === 'item' ? shared.find((s) => s.itemId === top.itemId) : undefined;
  let reason = `Because ${describeEvidence(top)}`;
  if (link) reason += ` — this is ${describeShared(link)}`;
  else if (second) reason += ` and ${describeEvidence(second)}`;
  return `${reason}.`;
}

/** The evidence the template reason names: the top piece, and the second unless an attribute links the first. */
export function citedEvidence(evidence: readonly Evidence[], shared: readonly SharedAttribute[]): Evidence[] {
  const top = evidence[0];
  if (!top) return [];
  const link = top.kind === 'item' ? shared.find((s) => s.itemId === top.itemId) : undefined;
  return link || !evidence[1] ? [top] : [top, evidence[1]];
}
