/**
 * Text for Leaflet as a DOM node. Leaflet inserts a string given to a tooltip, popup or div icon as HTML, so a
 * station or call sign named `<img onerror=…>` would run; a node built with textContent is shown as it is.
 */
export function textNode(text: string, className?: string, background?: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  if (className) span.className = className;
  // Set on the node: the Content-Security-Policy refuses inline style attributes in HTML.
  if (background) span.style.background = background;
  return span;
}
