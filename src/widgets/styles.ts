/**
 * The widgets' default look: small, inheriting the page's font and colours, themable with the
 * `--localrec-*` custom properties and `::part()`. Applied as a constructable stylesheet, which a
 * strict `style-src 'self'` policy allows (a `<style>` element would need `'unsafe-inline'`).
 */
export const WIDGET_CSS: string = `
:host { display: block; font: var(--localrec-font, inherit); color: var(--localrec-text, inherit); }
:host([hidden]), [hidden] { display: none !important; }
.heading { margin: 0 0 var(--localrec-gap, .75rem); font-size: var(--localrec-heading-size, 1.05em); font-weight: 650; }
.status { margin: 0; color: var(--localrec-muted, #5b6470); font-size: .9em; }
.list { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--localrec-gap, .75rem); }
:host([layout="grid"]) .list { grid-template-columns: repeat(auto-fill, minmax(var(--localrec-item-min-width, 10rem), 1fr)); }
:host([layout="row"]) .list { grid-auto-flow: column; grid-auto-columns: var(--localrec-item-min-width, 10rem); overflow-x: auto; padding-bottom: .25rem; }
.item { display: flex; flex-direction: column; gap: .3rem; min-width: 0; padding: var(--localrec-item-padding, .5rem);
  background: var(--localrec-item-background, transparent); border: 1px solid var(--localrec-border, #dde1e6);
  border-radius: var(--localrec-radius, 8px); }
.link { display: flex; gap: .6rem; align-items: flex-start; color: inherit; text-decoration: none; font: inherit;
  background: none; border: 0; padding: 0; margin: 0; text-align: start; cursor: pointer; border-radius: 4px; }
:host([layout="grid"]) .link, :host([layout="row"]) .link { flex-direction: column; }
.link:hover .title { color: var(--localrec-accent, #1a5fb4); text-decoration: underline; }
.image { flex: none; width: var(--localrec-image-size, 3rem); aspect-ratio: 1; object-fit: cover; border-radius: calc(var(--localrec-radius, 8px) - 2px); }
:host([layout="grid"]) .image, :host([layout="row"]) .image { width: 100%; aspect-ratio: var(--localrec-image-ratio, 4 / 3); }
.placeholder { display: grid; place-items: center; color: #fff; font-weight: 700; font-size: .8em; letter-spacing: .04em;
  background: hsl(var(--localrec-hue, 210) 45% 45%); }
:host([layout="grid"]) .placeholder, :host([layout="row"]) .placeholder { font-size: 1.4em; }
.text { display: flex; flex-direction: column; gap: .15rem; min-width: 0; }
.title { font-weight: 600; line-height: 1.3; overflow-wrap: anywhere; overflow: hidden; display: -webkit-box;
  -webkit-box-orient: vertical; -webkit-line-clamp: var(--localrec-title-lines, 3); }
.price { color: var(--localrec-text, inherit); font-weight: 600; }
.reason { margin: 0; color: var(--localrec-muted, #5b6470); font-size: .85em; line-height: 1.35; overflow-wrap: anywhere; }
.why { align-self: flex-start; font: inherit; font-size: .8em; color: var(--localrec-accent, #1a5fb4); background: none;
  border: 0; padding: .1rem .25rem; margin: 0 0 0 -.25rem; cursor: pointer; text-decoration: underline; border-radius: 4px; }
.why[aria-expanded="true"] { text-decoration: none; font-weight: 600; }
.why-panel { font-size: .8em; color: var(--localrec-muted, #5b6470); border-inline-start: 2px solid var(--localrec-accent, #1a5fb4);
  padding-inline-start: .5rem; }
.why-panel ul { margin: 0; padding: 0; list-style: none; display: grid; gap: .2rem; }
.why-strength { font-weight: 600; color: var(--localrec-text, inherit); }
:focus-visible { outline: 2px solid var(--localrec-focus, var(--localrec-accent, #1a5fb4)); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; border: 0; }
`;

let shared: CSSStyleSheet | null = null;

/** Gives a shadow root the default style: one constructed sheet shared by every widget. */
export function applyWidgetStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!shared) {
      shared = new CSSStyleSheet();
      shared.replaceSync(WIDGET_CSS);
    }
    root.adoptedStyleSheets = [shared];
    return;
  }
  // Browsers without constructable stylesheets (before Safari 16.4): a <style> element, which a
  // page with a strict style-src must allow itself.
  const style = document.createElement('style');
  style.textContent = WIDGET_CSS;
  root.append(style);
}
