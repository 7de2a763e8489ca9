/**
 * The vehicles' sprites and their stamping, shared by the page (hit testing, and drawing where a canvas cannot be
 * handed to a worker) and the drawing worker (vehicleCanvas.worker.ts): one look, one sprite, drawn once.
 */

/** What a sprite shows: its fill (state and task step), a stale fix faded and dashed, a picked one bigger. */
export interface SpriteLook {
  fill: string;
  stale: boolean;
  picked: boolean;
}

export interface SpriteShape {
  /** Its square image's side, in device pixels. */
  side: number;
  /** From its top left corner to the vehicle's point, in device pixels. */
  half: number;
  /** How far from the point a pointer touches it, in CSS pixels. */
  reach: number;
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

function geometry(picked: boolean) {
  const radius = picked ? 10 : 7;
  const weight = picked ? 3 : 2;
  return { radius, weight, extent: Math.ceil(radius + weight / 2 + 1) };
}

export function spriteShape(look: SpriteLook, ratio: number): SpriteShape {
  const { radius, weight, extent } = geometry(look.picked);
  return { side: Math.ceil(2 * extent * ratio), half: Math.round(extent * ratio), reach: radius + weight / 2 + 1 };
}

/** Draws a look on its sprite's context (sized spriteShape().side), as Leaflet draws a circle marker: fill, then a round-capped stroke. */
export function paintSprite(ctx: Context2D, look: SpriteLook, ratio: number): void {
  const { radius, weight, extent } = geometry(look.picked);
  ctx.scale(ratio, ratio);
  ctx.beginPath();
  ctx.arc(extent, extent, radius, 0, Math.PI * 2);
  ctx.globalAlpha = look.stale ? 0.55 : 0.95;
  ctx.fillStyle = look.fill;
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.lineWidth = weight;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = look.stale ? '#9ca3af' : look.picked ? '#ffffff' : '#0b1220';
  if (look.stale) ctx.setLineDash([3, 3]);
  ctx.stroke();
}

/** A sprite as drawn: its image and its shape. */
export interface Sprite {
  image: CanvasImageSource;
  half: number;
}

/**
 * One picture of the fleet: the canvas cleared, then each vehicle's sprite stamped at whole device pixels (copied,
 * not resampled). `stamps` holds x, y and the sprite's index for each vehicle, in drawing order (the topmost last).
 */
export function stampAll(ctx: Context2D, width: number, height: number, sprites: readonly Sprite[], stamps: Int32Array): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  for (let i = 0; i + 2 < stamps.length; i += 3) {
    const sprite = sprites[stamps[i + 2]!];
    if (sprite) ctx.drawImage(sprite.image, stamps[i]! - sprite.half, stamps[i + 1]! - sprite.half);
  }
}
