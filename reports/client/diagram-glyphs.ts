// The diagram's drawing primitives and event glyphs (one per trace row kind), and the
// reusable pixel buffer that zoomed-out lane densities are written into.
import { K } from '../shared/data.js';
import type { FrameState, Scene } from './diagram-draw.js';

export const FADE = 0.13;
export const INK = '#1d2430';
export const MSG = '#3f6fb0';
export const DUP = '#8e44ad';
export const DROP = '#d0342c';

export function line(g: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  g.beginPath();
  g.moveTo(x0, y0);
  g.lineTo(x1, y1);
  g.stroke();
}

export function cross(g: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  g.lineWidth = 1.8;
  g.beginPath();
  g.moveTo(x - r, y - r);
  g.lineTo(x + r, y + r);
  g.moveTo(x + r, y - r);
  g.lineTo(x - r, y + r);
  g.stroke();
}

export function head(g: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, colour: string): void {
  const a = Math.atan2(y1 - y0, x1 - x0);
  g.fillStyle = colour;
  g.beginPath();
  g.moveTo(x1, y1);
  g.lineTo(x1 - 7 * Math.cos(a - 0.4), y1 - 7 * Math.sin(a - 0.4));
  g.lineTo(x1 - 7 * Math.cos(a + 0.4), y1 - 7 * Math.sin(a + 0.4));
  g.closePath();
  g.fill();
}

export interface DensityBuffer {
  canvas: HTMLCanvasElement;
  context: CanvasRenderingContext2D;
  image: ImageData;
  pixels: Uint32Array;
}

// RGBA packed for a little-endian Uint32 view of ImageData (as every browser platform is).
export const STRONG_PX = (255 << 24) | (107 << 16) | (84 << 8) | 70;
export const PALE_PX = (60 << 24) | (107 << 16) | (84 << 8) | 70;
let cachedBuffer: DensityBuffer | undefined;

/** A cleared pixel buffer of the plot's size (reused between frames). */
export function densityBuffer(width: number, height: number): DensityBuffer {
  let b = cachedBuffer;
  if (b === undefined || b.image.width !== width || b.image.height !== height) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d')!;
    const image = context.createImageData(width, height);
    b = { canvas, context, image, pixels: new Uint32Array(image.data.buffer) };
    cachedBuffer = b;
  } else b.pixels.fill(0);
  return b;
}

/** One event's glyph. */
export function glyph(g: CanvasRenderingContext2D, s: Scene, f: FrameState, r: number, x: number, y: number, labels = true): void {
  const { model } = s;
  const k = model.rows.kind[r];
  if (k === K.state || k === K.clock) return;
  g.globalAlpha = f.mask !== undefined && f.mask[r] === 0 ? FADE : 1;
  switch (k) {
    case K.send:
      g.fillStyle = MSG;
      g.fillRect(x - 1.5, y - 1.5, 3, 3);
      break;
    case K.deliver:
      g.fillStyle = MSG;
      g.beginPath();
      g.arc(x, y, 2, 0, Math.PI * 2);
      g.fill();
      break;
    case K.drop:
      g.strokeStyle = DROP;
      cross(g, x, y, 3);
      break;
    case K.timer:
      g.fillStyle = '#8a93a3';
      g.fillRect(x - 0.5, y - 7, 1, 6);
      break;
    case K.crash:
      g.strokeStyle = DROP;
      g.lineWidth = 2.5;
      cross(g, x, y, 6);
      if (labels) label(g, 'crash', x + 8, y - 10, DROP);
      break;
    case K.restart:
      g.fillStyle = '#1e8e3e';
      g.beginPath();
      g.moveTo(x, y - 7);
      g.lineTo(x + 8, y);
      g.lineTo(x, y + 7);
      g.closePath();
      g.fill();
      if (labels) label(g, 'restart', x + 10, y - 10, '#1e8e3e');
      break;
    case K.pause:
    case K.resume:
      g.fillStyle = '#d68910';
      g.fillRect(x - 3, y - 7, 2, 14);
      g.fillRect(x + 1, y - 7, 2, 14);
      if (labels) label(g, k === K.pause ? 'pause' : 'resume', x + 5, y - 10, '#b9770e');
      break;
    case K.buggify:
      g.fillStyle = '#c2185b';
      diamond(g, x, y - 9, 4);
      break;
    case K.history: {
      const invoke = model.text(model.rows.label[r]).startsWith('invoke');
      g.fillStyle = invoke ? '#0b8043' : '#1a73e8';
      g.beginPath();
      if (invoke) {
        g.moveTo(x, y - 8);
        g.lineTo(x + 4, y - 2);
        g.lineTo(x - 4, y - 2);
      } else {
        g.moveTo(x, y + 8);
        g.lineTo(x + 4, y + 2);
        g.lineTo(x - 4, y + 2);
      }
      g.closePath();
      g.fill();
      break;
    }
    case K.fault:
      g.fillStyle = '#e67e22';
      diamond(g, x, y, 4);
      break;
    default:
      g.fillStyle = '#7b1fa2';
      g.fillRect(x - 2, y - 6, 4, 4);
  }
  g.globalAlpha = 1;
}

export function diamond(g: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  g.beginPath();
  g.moveTo(x, y - r);
  g.lineTo(x + r, y);
  g.lineTo(x, y + r);
  g.lineTo(x - r, y);
  g.closePath();
  g.fill();
}

export function label(g: CanvasRenderingContext2D, text: string, x: number, y: number, colour: string): void {
  g.fillStyle = colour;
  g.font = '10px system-ui, sans-serif';
  g.textBaseline = 'middle';
  g.fillText(text, x, y);
}
