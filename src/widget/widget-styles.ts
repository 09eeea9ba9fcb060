/**
 * The widget's stylesheet. `:host { all: initial }` stops the page's inherited styles (font,
 * colour, line height, letter spacing) from leaking in, and the row sets its own typography again
 * for pages whose rules target the element itself (`* { … }`). Everything a merchant may change
 * is a `--hearth-*` custom property (custom properties do inherit) or a `::part()`.
 */
export const WIDGET_CSS = `
:host{all:initial;display:block;min-width:0}
:host([hidden]){display:none}
*{box-sizing:border-box}
.row{margin:0;padding:0;font-family:var(--hearth-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);font-size:var(--hearth-font-size,14px);font-style:normal;font-weight:400;line-height:1.4;letter-spacing:normal;word-spacing:normal;text-transform:none;text-align:start;text-indent:0;white-space:normal;color:var(--hearth-text,#1f1f24)}
.header{margin:0 0 .6em;font:inherit;font-size:var(--hearth-heading-size,1.2em);font-weight:650;color:inherit}
.list{display:flex;gap:var(--hearth-gap,16px);list-style:none;margin:0;padding:6px 6px 14px;overflow-x:auto;scroll-snap-type:x proximity;scrollbar-width:thin}
.item{flex:0 0 var(--hearth-card-width,180px);margin:0;padding:0;scroll-snap-align:start}
.card{display:flex;flex-direction:column;gap:6px;width:100%;height:100%;margin:0;padding:0 0 10px;overflow:hidden;font:inherit;color:inherit;text-align:left;text-decoration:none;cursor:pointer;background:var(--hearth-card-bg,#fff);border:1px solid var(--hearth-border,#dedee4);border-radius:var(--hearth-radius,12px);transition:border-color .15s,box-shadow .15s}
.card:hover{border-color:var(--hearth-accent,#b93a0a);box-shadow:0 2px 10px rgb(0 0 0/.08)}
.card:focus-visible{outline:3px solid var(--hearth-accent,#b93a0a);outline-offset:2px}
.image{display:block;width:100%;aspect-ratio:var(--hearth-image-ratio,1);object-fit:cover;background:var(--hearth-image-bg,#f3f3f6)}
.title,.price,.reason{padding:0 10px}
.title{font-weight:550;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.price{font-weight:650;color:var(--hearth-price,inherit)}
.reason{font-size:.85em;color:var(--hearth-muted,#55555f)}
.empty{margin:0;color:var(--hearth-muted,#55555f)}
.skeleton{height:calc(var(--hearth-card-width,180px) + 70px);border-radius:var(--hearth-radius,12px);background:var(--hearth-image-bg,#f3f3f6);animation:hearth-pulse 1.2s ease-in-out infinite}
@keyframes hearth-pulse{50%{opacity:.5}}
@media (prefers-reduced-motion:reduce){.skeleton{animation:none}.card{transition:none}}
`;

let shared: CSSStyleSheet | null = null;

/**
 * Adds the widget stylesheet to a shadow root: one constructable stylesheet shared by every
 * element on the page, or a `<style>` where constructable stylesheets are unsupported.
 */
export function adoptWidgetStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!shared) {
      shared = new CSSStyleSheet();
      shared.replaceSync(WIDGET_CSS);
    }
    root.adoptedStyleSheets = [shared];
    return;
  }
  const style = document.createElement('style');
  style.textContent = WIDGET_CSS;
  (root as ShadowRoot).append(style);
}
