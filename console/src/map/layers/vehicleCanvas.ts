import L from 'leaflet';
import { textNode } from '../text';
import type { ToVehicleWorker } from './vehicleCanvas.worker';
import { paintSprite, spriteShape, stampAll, type Sprite, type SpriteLook } from './vehicleSprites';

/** How one vehicle shows: its fill (state and task step), a stale fix faded and dashed, a picked one bigger and on top. */
export interface VehicleLook {
  fill: string;
  stale: boolean;
  picked: boolean;
  /** Its call sign and step, for its label (shown as text, never as markup). */
  text: string;
  /** Whether the label shows without hovering. */
  labelled: boolean;
}

/** Glide between fixes for about the time between them, within these bounds. */
const MIN_GLIDE_MS = 400;
const MAX_GLIDE_MS = 5000;
/** A move shorter than this on screen is a jump: gliding a fraction of a pixel would redraw for nothing. */
const MIN_GLIDE_PX = 2;
/**
 * A glide steps when its fastest vehicle has moved a whole pixel (vehicles are drawn at whole pixels: a step in
 * between would draw the same picture), and above this many vehicles at most this often: each step redraws and
 * hands over the whole canvas, and a thousand glides of a few pixels a second look the same at 10 steps a second.
 */
const BIG_FLEET = 200;
const BIG_FLEET_STEP_MS = 100;
const LABEL: L.TooltipOptions = { direction: 'right', offset: [9, 0] };

interface Dot {
  look: VehicleLook | null;
  /** Its look's key: a new look with the same key changes nothing. */
  lookKey: string;
  from: L.LatLng;
  to: L.LatLng;
  /** from and to in world pixels at the canvas's zoom: the glide runs in pixels, with no projection per step. */
  fx: number;
  fy: number;
  tx: number;
  ty: number;
  start: number;
  duration: number;
  lastFixAt: number;
  /** Where it was drawn last, in world pixels (hit testing). */
  x: number;
  y: number;
  /** Its own label while labelled. */
  label: L.Tooltip | null;
  /** Its look's sprite, once needed (forgotten when the look or the pixel ratio changes). */
  sprite: SpriteRef | null;
}

/** The map's drag handler as Leaflet has it (its typings know only a Handler). */
type MapDrag = L.Handler & { moving(): boolean; moved(): boolean };

/** A look's sprite as the page knows it: its index in the painter's sprites, and how far from the point it touches. */
interface SpriteRef {
  index: number;
  /** In CSS pixels. */
  reach: number;
}

/** Where the stamps are drawn: a worker holding the canvas, or the canvas on the page where it cannot be handed over. */
interface Painter {
  resize(width: number, height: number): void;
  /** Appends a sprite (its index is the number added before it). */
  addSprite(look: SpriteLook, ratio: number): void;
  /** x, y (device pixels on the canvas) and sprite index per vehicle, the topmost last; the array is handed over. */
  draw(stamps: Int32Array): void;
  close(): void;
}

/**
 * The canvas drawn by a worker (vehicleCanvas.worker.ts), its pictures handed to the compositor from there: the
 * page's main thread only sends the stamps. Null where a canvas cannot be handed over; `failed` is called if the
 * worker cannot run (the canvas is then lost to the page and must be replaced).
 */
function workerPainter(canvas: HTMLCanvasElement, failed: () => void): Painter | null {
  if (typeof canvas.transferControlToOffscreen !== 'function' || typeof Worker === 'undefined') return null;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./vehicleCanvas.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
  worker.addEventListener('error', failed);
  const post = (message: ToVehicleWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
  const offscreen = canvas.transferControlToOffscreen();
  post({ kind: 'canvas', canvas: offscreen }, [offscreen]);
  canvas.dataset.drawnBy = 'worker';
  return {
    resize: (width, height) => post({ kind: 'size', width, height }),
    addSprite: ({ fill, stale, picked }, ratio) => post({ kind: 'sprite', look: { fill, stale, picked }, ratio }),
    draw: (stamps) => post({ kind: 'stamps', stamps }, [stamps.buffer]),
    close: () => worker.terminate(),
  };
}

/** The canvas drawn on the page's main thread. */
function pagePainter(canvas: HTMLCanvasElement): Painter {
  const ctx = canvas.getContext('2d');
  const sprites: Sprite[] = [];
  canvas.dataset.drawnBy = 'page';
  return {
    resize: (width, height) => {
      canvas.width = width;
      canvas.height = height;
    },
    addSprite: (look, ratio) => {
      const image = document.createElement('canvas');
      image.width = image.height = spriteShape(look, ratio).side;
      paintSprite(image.getContext('2d')!, look, ratio);
      sprites.push({ image, half: spriteShape(look, ratio).half });
    },
    draw: (stamps) => ctx && stampAll(ctx, canvas.width, canvas.height, sprites, stamps),
    close: () => {},
  };
}

/**
 * Every vehicle on one canvas, drawn in one pass: each look is a small sprite drawn once, and a step stamps the
 * sprites (a thousand anti-aliased circles with strokes rasterised on every step took the main thread 10–20 ms in
 * Chromium's commit). The stamping and the canvas's hand-over to the compositor run in a worker where the browser can
 * hand a canvas over (both took the page's main thread 4–30 ms per step with a thousand vehicles); the page keeps the
 * glides, finds the vehicle under the pointer itself from the same positions (hover label, click) and shows the labels.
 * Vehicles glide from fix to fix. A Leaflet renderer subclass: Leaflet sizes, places and zoom-animates the canvas as for its own.
 */
export class VehicleCanvas extends L.Renderer {
  // Leaflet's renderer keeps these (not in its typings).
  declare _container: HTMLCanvasElement;
  declare _bounds: L.Bounds;

  private readonly dots = new Map<string, Dot>();
  /** Drawn last (on top): the picked vehicles. */
  private readonly onTop = new Set<string>();
  private readonly sprites = new Map<string, SpriteRef>();
  /** Every sprite handed to the painter, in order (a painter that replaces a failed one gets them again). */
  private readonly spriteLooks: [SpriteLook, number][] = [];
  private painter: Painter | null = null;
  /** The canvas's size in device pixels, as last given to the painter. */
  private width = 0;
  private height = 0;
  private zoom: number | null = null;
  private origin = L.point(0, 0);
  private ratio = 1;
  private frame: number | null = null;
  /** Waiting for the next glide step (longer than a frame away): no animation frame is asked for meanwhile. */
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastStep = 0;
  /** The fastest glide's speed on screen, in device pixels per ms; 0 when none glides. */
  private fastest = 0;
  /** Something changed that the next frame must draw (a look, a jump, a new vehicle), whatever the glides. */
  private dirty = false;
  private hovered: string | null = null;
  private readonly hoverLabel = L.tooltip({ ...LABEL, className: 'vehicle-label' });

  /** Its options as a renderer's (padding, pane); a click on a vehicle fires `vehiclepick` with its `vehicleId`. */
  constructor(options: L.RendererOptions) {
    super(options);
  }

  /** A vehicle's newest fix (in the tiles' coordinates): placed at once the first time, then gliding from where it is. */
  setFix(id: string, to: L.LatLng, inView: L.LatLngBounds | null, now = performance.now()): void {
    const known = this.dots.get(id);
    if (!known) {
      const dot: Dot = { look: null, lookKey: '', from: to, to, fx: 0, fy: 0, tx: 0, ty: 0, start: now, duration: 0, lastFixAt: now, x: 0, y: 0, label: null, sprite: null };
      this.project(dot);
      dot.x = dot.tx;
      dot.y = dot.ty;
      this.dots.set(id, dot);
      this.requestStep(true);
      return;
    }
    const glide = Math.min(MAX_GLIDE_MS, Math.max(MIN_GLIDE_MS, now - known.lastFixAt));
    const k = this.progress(known, now);
    known.from = L.latLng(known.from.lat + (known.to.lat - known.from.lat) * k, known.from.lng + (known.to.lng - known.from.lng) * k);
    known.to = to;
    known.start = now;
    known.lastFixAt = now;
    this.project(known);
    // A move too short to see, or out of view, is a jump (the next step places it).
    const short = Math.hypot(known.tx - known.fx, known.ty - known.fy) < MIN_GLIDE_PX;
    known.duration = short || (inView && !inView.contains(to)) ? 0 : glide;
    if (known.duration > 0) this.fastest = Math.max(this.fastest, this.speed(known));
    this.requestStep(known.duration === 0);
  }

  /** A vehicle's look; drawn again only when it changed. */
  setLook(id: string, look: VehicleLook): void {
    const dot = this.dots.get(id);
    if (!dot) return;
    const key = `${look.fill}|${look.stale}|${look.picked}|${look.labelled}|${look.text}`;
    if (key === dot.lookKey) return;
    dot.lookKey = key;
    dot.look = look;
    dot.sprite = null;
    if (look.picked) this.onTop.add(id);
    else this.onTop.delete(id);
    if (look.labelled && !dot.label) {
      if (this.hovered === id) this.hoverLabel.remove();
      dot.label = L.tooltip({ ...LABEL, className: 'vehicle-label on-task', permanent: true }).setLatLng(this.latLngOf(dot));
      if (this._map) dot.label.addTo(this._map);
    } else if (!look.labelled && dot.label) {
      dot.label.remove();
      dot.label = null;
    }
    dot.label?.setContent(textNode(look.text));
    if (this.hovered === id) this.hoverLabel.setContent(textNode(look.text));
    this.requestStep(true);
  }

  /** Takes a vehicle off the map (deleted, or another centre's whose help ended). */
  drop(id: string): void {
    const dot = this.dots.get(id);
    if (!dot) return;
    dot.label?.remove();
    if (this.hovered === id) this.hover(null);
    this.dots.delete(id);
    this.onTop.delete(id);
    this.requestStep(true);
  }

  /** The ids of the vehicles placed so far. */
  ids(): IterableIterator<string> {
    return this.dots.keys();
  }

  get size(): number {
    return this.dots.size;
  }

  /** The vehicle drawn under a point of the map's container (the topmost), if any. */
  hitTest(point: L.Point): string | null {
    if (!this._map || this.zoom !== this._map.getZoom()) return null;
    const at = this._map.containerPointToLayerPoint(point).add(this.origin);
    let hit: string | null = null;
    const touches = (dot: Dot) => {
      const reach = this.spriteOf(dot).reach;
      const dx = dot.x - at.x;
      const dy = dot.y - at.y;
      return dx * dx + dy * dy <= reach * reach;
    };
    for (const [id, dot] of this.dots) if (!this.onTop.has(id) && touches(dot)) hit = id;
    for (const id of this.onTop) if (touches(this.dots.get(id)!)) hit = id;
    return hit;
  }

  override onAdd(map: L.Map): this {
    super.onAdd(map);
    for (const dot of this.dots.values()) dot.label?.addTo(map);
    return this;
  }

  override onRemove(map: L.Map): this {
    for (const dot of this.dots.values()) dot.label?.remove();
    this.hover(null);
    // Fixes that arrive while hidden are projected when it shows again.
    this.zoom = null;
    super.onRemove(map);
    return this;
  }

  /** Ends the drawing worker; a later addTo starts a new canvas and worker. */
  dispose(): void {
    this.remove();
    this.painter?.close();
    this.painter = null;
    this.forgetSprites();
    this.sprites.clear();
    this.spriteLooks.length = 0;
    this.width = this.height = 0;
    (this as { _container?: HTMLCanvasElement })._container = undefined;
  }

  // Leaflet's renderer calls these three.
  _initContainer(): void {
    this._container = this.newCanvas();
    this.painter = workerPainter(this._container, this.workerFailed) ?? pagePainter(this._container);
  }

  _destroyContainer(): void {
    this.stopSteps();
    this._container?.remove();
  }

  private newCanvas(): HTMLCanvasElement {
    const canvas = document.createElement('canvas');
    canvas.addEventListener('mousemove', this.onMove);
    canvas.addEventListener('mouseout', this.onOut);
    canvas.addEventListener('click', this.onPress);
    canvas.addEventListener('dblclick', this.onPress);
    return canvas;
  }

  /** A worker that cannot run leaves its canvas blank for good: a new canvas in its place is drawn on the page. */
  private readonly workerFailed = (): void => {
    const old = this._container;
    if (!old) return;
    this.painter?.close();
    const canvas = this.newCanvas();
    canvas.className = old.className;
    canvas.style.cssText = old.style.cssText;
    old.replaceWith(canvas);
    this._container = canvas;
    this.painter = pagePainter(canvas);
    this.painter.resize(this.width, this.height);
    for (const [look, ratio] of this.spriteLooks) this.painter.addSprite(look, ratio);
    this.draw();
  };

  /** The map moved or zoomed (or was added): the canvas is placed over the view again and drawn. */
  _update(): void {
    const map = this._map;
    if ((map as L.Map & { _animatingZoom?: boolean })._animatingZoom && this._bounds) return;
    (L.Renderer.prototype as unknown as { _update(this: L.Renderer): void })._update.call(this);
    const size = this._bounds.getSize();
    const ratio = window.devicePixelRatio || 1;
    if (ratio !== this.ratio) this.forgetSprites();
    this.ratio = ratio;
    L.DomUtil.setPosition(this._container, this._bounds.min!);
    const width = Math.round(size.x * this.ratio);
    const height = Math.round(size.y * this.ratio);
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.painter?.resize(width, height);
    }
    this._container.style.width = `${size.x}px`;
    this._container.style.height = `${size.y}px`;
    const zoom = map.getZoom();
    const origin = map.getPixelOrigin();
    if (zoom !== this.zoom || !origin.equals(this.origin)) {
      this.zoom = zoom;
      this.origin = origin;
      for (const dot of this.dots.values()) {
        this.project(dot);
        this.place(dot, performance.now());
      }
    }
    this.draw();
  }

  private project(dot: Dot): void {
    if (!this._map || this.zoom === null) return;
    const from = this._map.project(dot.from, this.zoom);
    const to = this._map.project(dot.to, this.zoom);
    dot.fx = from.x;
    dot.fy = from.y;
    dot.tx = to.x;
    dot.ty = to.y;
  }

  private progress(dot: Dot, now: number): number {
    return dot.duration > 0 ? Math.min(1, Math.max(0, (now - dot.start) / dot.duration)) : 1;
  }

  /** Moves a dot to where its glide is now; whether it is still gliding. */
  private place(dot: Dot, now: number): boolean {
    const k = this.progress(dot, now);
    dot.x = dot.fx + (dot.tx - dot.fx) * k;
    dot.y = dot.fy + (dot.ty - dot.fy) * k;
    return k < 1;
  }

  private latLngOf(dot: Dot): L.LatLng {
    return this._map && this.zoom !== null ? this._map.unproject([dot.x, dot.y], this.zoom) : dot.to;
  }

  /** A glide's speed on screen, in device pixels per ms. */
  private speed(dot: Dot): number {
    return (Math.hypot(dot.tx - dot.fx, dot.ty - dot.fy) * this.ratio) / dot.duration;
  }

  private requestStep(dirty = false): void {
    this.dirty ||= dirty;
    if (this.dirty && this.timer !== null) this.stopSteps();
    if (this.frame === null && this.timer === null && this._map) this.frame = requestAnimationFrame(this.step);
  }

  /** The next step in `ms`: a frame away or less, at the next frame; further, a timer first (no frame asked for meanwhile). */
  private stepIn(ms: number): void {
    if (ms <= 20) this.frame = requestAnimationFrame(this.step);
    else
      this.timer = setTimeout(() => {
        this.timer = null;
        this.frame = requestAnimationFrame(this.step);
      }, ms - 10);
  }

  private stopSteps(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.timer !== null) clearTimeout(this.timer);
    this.frame = this.timer = null;
  }

  /** One glide step for every vehicle, then one drawing of them all; glides too slow to show a pixel yet wait. */
  private readonly step = (now: number): void => {
    this.frame = null;
    if (!this._map) return;
    const interval = Math.max(this.dots.size > BIG_FLEET ? BIG_FLEET_STEP_MS : 0, this.fastest > 0 ? 1 / this.fastest : 0);
    if (!this.dirty && now - this.lastStep < interval) {
      this.stepIn(interval - (now - this.lastStep));
      return;
    }
    this.lastStep = now;
    this.dirty = false;
    let fastest = 0;
    for (const dot of this.dots.values()) if (this.place(dot, performance.now())) fastest = Math.max(fastest, this.speed(dot));
    this.fastest = fastest;
    this.draw();
    if (fastest > 0) this.stepIn(Math.max(this.dots.size > BIG_FLEET ? BIG_FLEET_STEP_MS : 0, 1 / fastest));
  };

  private draw(): void {
    const painter = this.painter;
    if (!painter || !this._map || this.zoom === null) return;
    // World pixels to the canvas's device pixels.
    const left = this.origin.x + this._bounds.min!.x;
    const top = this.origin.y + this._bounds.min!.y;
    const r = this.ratio;
    const stamps = new Int32Array(this.dots.size * 3);
    let n = 0;
    const stamp = (dot: Dot) => {
      // Whole device pixels: a sprite stamped there is copied, not resampled.
      stamps[n++] = Math.round((dot.x - left) * r);
      stamps[n++] = Math.round((dot.y - top) * r);
      stamps[n++] = this.spriteOf(dot).index;
    };
    for (const [id, dot] of this.dots) if (!this.onTop.has(id)) stamp(dot);
    for (const id of this.onTop) stamp(this.dots.get(id)!);
    painter.draw(stamps);
    for (const [id, dot] of this.dots) {
      if (dot.label) dot.label.setLatLng(this.latLngOf(dot));
      if (id === this.hovered) this.hoverLabel.setLatLng(this.latLngOf(dot));
    }
  }

  private spriteOf(dot: Dot): SpriteRef {
    return (dot.sprite ??= this.spriteFor(dot.look));
  }

  private forgetSprites(): void {
    for (const dot of this.dots.values()) dot.sprite = null;
  }

  /** One sprite per look (vehicleSprites.ts), handed to the painter the first time it is needed. */
  private spriteFor(look: VehicleLook | null): SpriteRef {
    const sprite: SpriteLook = { fill: look?.fill ?? '#94a3b8', stale: look?.stale ?? false, picked: look?.picked ?? false };
    const key = `${sprite.fill}|${sprite.stale}|${sprite.picked}|${this.ratio}`;
    const known = this.sprites.get(key);
    if (known) return known;
    const ref = { index: this.spriteLooks.length, reach: spriteShape(sprite, this.ratio).reach };
    this.spriteLooks.push([sprite, this.ratio]);
    this.painter?.addSprite(sprite, this.ratio);
    this.sprites.set(key, ref);
    return ref;
  }

  private hover(id: string | null): void {
    if (id === this.hovered) return;
    this.hovered = id;
    this._container?.classList.toggle('leaflet-interactive', id !== null);
    const dot = id === null ? undefined : this.dots.get(id);
    // A labelled vehicle shows its label already.
    if (!dot || !dot.look || dot.label || !this._map) {
      this.hoverLabel.remove();
      return;
    }
    this.hoverLabel.setContent(textNode(dot.look.text)).setLatLng(this.latLngOf(dot));
    if (!this._map.hasLayer(this.hoverLabel)) this.hoverLabel.addTo(this._map);
  }

  private readonly onMove = (e: MouseEvent): void => {
    const map = this._map;
    if (!map || (map.dragging as MapDrag | undefined)?.moving()) return;
    this.hover(this.hitTest(map.mouseEventToContainerPoint(e)));
  };

  private readonly onOut = (): void => this.hover(null);

  /** A click on a vehicle picks it; the map (where a click locates a call, a double click zooms) does not see it. */
  private readonly onPress = (e: MouseEvent): void => {
    const map = this._map;
    if (!map) return;
    const id = this.hitTest(map.mouseEventToContainerPoint(e));
    if (id === null) return;
    L.DomEvent.stopPropagation(e);
    if (e.type === 'click' && !(map.dragging as MapDrag | undefined)?.moved()) this.fire('vehiclepick', { vehicleId: id });
  };
}
