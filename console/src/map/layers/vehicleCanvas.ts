import L from 'leaflet';
import { textNode } from '../text';

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
}

/** The map's drag handler as Leaflet has it (its typings know only a Handler). */
type MapDrag = L.Handler & { moving(): boolean; moved(): boolean };

interface Sprite {
  image: HTMLCanvasElement;
  /** From its top left corner to the vehicle's point, in device pixels. */
  half: number;
  /** How far from the point a pointer touches it, in CSS pixels. */
  reach: number;
}

/**
 * Every vehicle on one canvas, drawn in one pass: each look is a small sprite drawn once, and a step stamps the
 * sprites (a thousand anti-aliased circles with strokes rasterised on every step took the main thread 10–20 ms in
 * Chromium's commit). Vehicles glide from fix to fix; the canvas finds the vehicle under the pointer itself (hover
 * label, click). A Leaflet renderer subclass: Leaflet sizes, places and zoom-animates the canvas as for its own.
 */
export class VehicleCanvas extends L.Renderer {
  // Leaflet's renderer keeps these (not in its typings).
  declare _container: HTMLCanvasElement;
  declare _bounds: L.Bounds;

  private readonly dots = new Map<string, Dot>();
  /** Drawn last (on top): the picked vehicles. */
  private readonly onTop = new Set<string>();
  private readonly sprites = new Map<string, Sprite>();
  private ctx: CanvasRenderingContext2D | null = null;
  private zoom: number | null = null;
  private origin = L.point(0, 0);
  private ratio = 1;
  private frame: number | null = null;
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
      const dot: Dot = { look: null, lookKey: '', from: to, to, fx: 0, fy: 0, tx: 0, ty: 0, start: now, duration: 0, lastFixAt: now, x: 0, y: 0, label: null };
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
      const reach = this.spriteOf(dot.look).reach;
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

  // Leaflet's renderer calls these three.
  _initContainer(): void {
    const canvas = document.createElement('canvas');
    canvas.addEventListener('mousemove', this.onMove);
    canvas.addEventListener('mouseout', this.onOut);
    canvas.addEventListener('click', this.onPress);
    canvas.addEventListener('dblclick', this.onPress);
    this._container = canvas;
    this.ctx = canvas.getContext('2d');
  }

  _destroyContainer(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this._container.remove();
  }

  /** The map moved or zoomed (or was added): the canvas is placed over the view again and drawn. */
  _update(): void {
    const map = this._map;
    if ((map as L.Map & { _animatingZoom?: boolean })._animatingZoom && this._bounds) return;
    (L.Renderer.prototype as unknown as { _update(this: L.Renderer): void })._update.call(this);
    const size = this._bounds.getSize();
    this.ratio = window.devicePixelRatio || 1;
    L.DomUtil.setPosition(this._container, this._bounds.min!);
    this._container.width = Math.round(size.x * this.ratio);
    this._container.height = Math.round(size.y * this.ratio);
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
    if (this.frame === null && this._map) this.frame = requestAnimationFrame(this.step);
  }

  /** One glide step for every vehicle, then one drawing of them all; glides too slow to show a pixel yet wait. */
  private readonly step = (now: number): void => {
    this.frame = null;
    if (!this._map) return;
    const interval = Math.max(this.dots.size > BIG_FLEET ? BIG_FLEET_STEP_MS : 0, this.fastest > 0 ? 1 / this.fastest : 0);
    if (!this.dirty && now - this.lastStep < interval) {
      this.frame = requestAnimationFrame(this.step);
      return;
    }
    this.lastStep = now;
    this.dirty = false;
    let fastest = 0;
    for (const dot of this.dots.values()) if (this.place(dot, performance.now())) fastest = Math.max(fastest, this.speed(dot));
    this.fastest = fastest;
    this.draw();
    if (fastest > 0) this.frame = requestAnimationFrame(this.step);
  };

  private draw(): void {
    const ctx = this.ctx;
    if (!ctx || !this._map || this.zoom === null) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this._container.width, this._container.height);
    // World pixels to the canvas's device pixels.
    const left = this.origin.x + this._bounds.min!.x;
    const top = this.origin.y + this._bounds.min!.y;
    const r = this.ratio;
    const stamp = (dot: Dot) => {
      const sprite = this.spriteOf(dot.look);
      // Whole device pixels: a sprite stamped there is copied, not resampled.
      ctx.drawImage(sprite.image, Math.round((dot.x - left) * r) - sprite.half, Math.round((dot.y - top) * r) - sprite.half);
    };
    for (const [id, dot] of this.dots) if (!this.onTop.has(id)) stamp(dot);
    for (const id of this.onTop) stamp(this.dots.get(id)!);
    for (const [id, dot] of this.dots) {
      if (dot.label) dot.label.setLatLng(this.latLngOf(dot));
      if (id === this.hovered) this.hoverLabel.setLatLng(this.latLngOf(dot));
    }
  }

  /** One sprite per look, drawn as Leaflet draws a circle marker (fill, then a round-capped stroke). */
  private spriteOf(look: VehicleLook | null): Sprite {
    const fill = look?.fill ?? '#94a3b8';
    const stale = look?.stale ?? false;
    const picked = look?.picked ?? false;
    const key = `${fill}|${stale}|${picked}|${this.ratio}`;
    const known = this.sprites.get(key);
    if (known) return known;
    const radius = picked ? 10 : 7;
    const weight = picked ? 3 : 2;
    const extent = Math.ceil(radius + weight / 2 + 1);
    const image = document.createElement('canvas');
    image.width = image.height = Math.ceil(2 * extent * this.ratio);
    const ctx = image.getContext('2d')!;
    ctx.scale(this.ratio, this.ratio);
    ctx.beginPath();
    ctx.arc(extent, extent, radius, 0, Math.PI * 2);
    ctx.globalAlpha = stale ? 0.55 : 0.95;
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.lineWidth = weight;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = stale ? '#9ca3af' : picked ? '#ffffff' : '#0b1220';
    if (stale) ctx.setLineDash([3, 3]);
    ctx.stroke();
    const sprite = { image, half: Math.round(extent * this.ratio), reach: radius + weight / 2 + 1 };
    this.sprites.set(key, sprite);
    return sprite;
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
