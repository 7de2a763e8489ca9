import type L from 'leaflet';

const PRESSES = ['mousedown', 'mouseup', 'click', 'dblclick', 'contextmenu'] as const;

/**
 * A canvas pane laid over the whole map (the vehicles, kept above station and hospital icons) takes every
 * pointer event, so the icons, incident markers and drive-time areas beneath it could never be hovered or
 * clicked. This hands each event that `hits` says touches nothing on the pane to whatever lies beneath.
 * Moves still reach the pane's canvas too, so it can end its own hover.
 */
export function passPointerThrough(map: L.Map, paneName: string, hits: (point: L.Point) => boolean): () => void {
  const pane = map.getPane(paneName)!;
  let beneath: Element | null = null;
  const below = (canvas: HTMLElement, e: MouseEvent) => {
    canvas.style.pointerEvents = 'none';
    const element = document.elementFromPoint(e.clientX, e.clientY);
    canvas.style.pointerEvents = '';
    canvas.style.cursor = element ? getComputedStyle(element).cursor : '';
    return element;
  };
  const onMove = (e: MouseEvent) => {
    const canvas = e.target as HTMLElement;
    if (canvas.tagName !== 'CANVAS') return;
    const onPane = hits(map.mouseEventToContainerPoint(e));
    // On the pane's own shapes its own cursor class applies; elsewhere the cursor of what is beneath.
    if (onPane) canvas.style.cursor = '';
    const element = onPane ? null : below(canvas, e);
    if (element !== beneath) {
      beneath?.dispatchEvent(new MouseEvent('mouseout', { ...init(e), bubbles: true, relatedTarget: element }));
      element?.dispatchEvent(new MouseEvent('mouseover', { ...init(e), bubbles: true, relatedTarget: beneath }));
      beneath = element;
    }
    // Not bubbling: the map already has this move through the pane's canvas.
    element?.dispatchEvent(new MouseEvent('mousemove', init(e)));
  };
  const onPress = (e: MouseEvent) => {
    const canvas = e.target as HTMLElement;
    if (canvas.tagName !== 'CANVAS' || hits(map.mouseEventToContainerPoint(e))) return;
    const element = below(canvas, e);
    if (!element) return;
    // Instead of, not as well as: the map (a click takes a call there, a press starts a drag) sees it once.
    e.stopPropagation();
    if (!element.dispatchEvent(new MouseEvent(e.type, { ...init(e), bubbles: true, cancelable: true }))) e.preventDefault();
  };
  const onLeave = () => {
    beneath?.dispatchEvent(new MouseEvent('mouseout', { bubbles: true }));
    beneath = null;
  };
  pane.addEventListener('mousemove', onMove, true);
  pane.addEventListener('mouseleave', onLeave);
  for (const type of PRESSES) pane.addEventListener(type, onPress, true);
  return () => {
    pane.removeEventListener('mousemove', onMove, true);
    pane.removeEventListener('mouseleave', onLeave);
    for (const type of PRESSES) pane.removeEventListener(type, onPress, true);
  };
}

/** What a copy of a mouse event keeps: where, which buttons, which keys. */
const init = (e: MouseEvent): MouseEventInit => ({
  clientX: e.clientX,
  clientY: e.clientY,
  screenX: e.screenX,
  screenY: e.screenY,
  button: e.button,
  buttons: e.buttons,
  detail: e.detail,
  ctrlKey: e.ctrlKey,
  shiftKey: e.shiftKey,
  altKey: e.altKey,
  metaKey: e.metaKey,
  view: window,
});
