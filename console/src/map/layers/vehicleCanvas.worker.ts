/**
 * Draws the vehicles' canvas off the page's main thread (VehicleCanvas hands it over with transferControlToOffscreen):
 * stamping a thousand sprites and handing the picture to the compositor took the main thread 4–30 ms per step.
 * The page keeps the vehicles (glides, hit testing, labels) and sends each step's stamps as a typed array.
 */
import { paintSprite, spriteShape, stampAll, type Sprite, type SpriteLook } from './vehicleSprites';

/** What the page sends, in order: the canvas once, then sizes, sprites (each appended, referred to by index) and stamps. */
export type ToVehicleWorker =
  | { kind: 'canvas'; canvas: OffscreenCanvas }
  | { kind: 'size'; width: number; height: number }
  | { kind: 'sprite'; look: SpriteLook; ratio: number }
  | { kind: 'stamps'; stamps: Int32Array };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ToVehicleWorker>) => void) | null;
  requestAnimationFrame?: (callback: () => void) => number;
};

let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;
const sprites: Sprite[] = [];
let stamps: Int32Array = new Int32Array(0);
let pending = false;

/** Draws the newest stamps once per frame: steps that arrive faster than frames only replace each other. */
function requestDraw() {
  if (pending) return;
  pending = true;
  const draw = () => {
    pending = false;
    if (canvas && ctx) stampAll(ctx, canvas.width, canvas.height, sprites, stamps);
  };
  if (scope.requestAnimationFrame) scope.requestAnimationFrame(draw);
  else setTimeout(draw, 0);
}

scope.onmessage = ({ data }) => {
  switch (data.kind) {
    case 'canvas':
      canvas = data.canvas;
      ctx = canvas.getContext('2d');
      break;
    case 'size':
      if (!canvas) break;
      canvas.width = data.width;
      canvas.height = data.height;
      requestDraw();
      break;
    case 'sprite': {
      const shape = spriteShape(data.look, data.ratio);
      const image = new OffscreenCanvas(shape.side, shape.side);
      paintSprite(image.getContext('2d')!, data.look, data.ratio);
      sprites.push({ image, half: shape.half });
      break;
    }
    case 'stamps':
      stamps = data.stamps;
      requestDraw();
      break;
  }
};
