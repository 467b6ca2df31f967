// Site symbols drawn on a canvas from atlas.json's `site_symbols` (generated from src/style.rs),
// so the map needs no sprite sheet and no request for one. Sizes are CSS pixels.

/** Traces `shape` centred on (cx, cy) with overall size `s` into `ctx` (a path, not filled). */
function trace(ctx, shape, cx, cy, s) {
  const r = s / 2;
  ctx.beginPath();
  switch (shape) {
    case 'square':
      ctx.rect(cx - r * 0.85, cy - r * 0.85, r * 1.7, r * 1.7);
      break;
    case 'triangle':
      ctx.moveTo(cx, cy - r);
      ctx.lineTo(cx + r * 0.95, cy + r * 0.75);
      ctx.lineTo(cx - r * 0.95, cy + r * 0.75);
      ctx.closePath();
      break;
    case 'diamond':
      ctx.moveTo(cx, cy - r);
      ctx.lineTo(cx + r * 0.8, cy);
      ctx.lineTo(cx, cy + r);
      ctx.lineTo(cx - r * 0.8, cy);
      ctx.closePath();
      break;
    case 'star':
      for (let i = 0; i < 10; i += 1) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const rr = i % 2 === 0 ? r : r * 0.45;
        const x = cx + rr * Math.cos(a);
        const y = cy + rr * Math.sin(a);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      ctx.closePath();
      break;
    case 'cross': {
      // A saltire: a plus sign as one 12-point polygon, turned 45 degrees, so it takes a fill
      // and an outline like the other shapes.
      const w = r * 0.3;
      const plus = [[-w, -r], [w, -r], [w, -w], [r, -w], [r, w], [w, w], [w, r], [-w, r],
        [-w, w], [-r, w], [-r, -w], [-w, -w]];
      plus.forEach(([x, y], i) => {
        const px = cx + (x - y) * Math.SQRT1_2;
        const py = cy + (x + y) * Math.SQRT1_2;
        if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
      ctx.closePath();
      break;
    }
    default:
      ctx.arc(cx, cy, r * 0.9, 0, Math.PI * 2);
  }
}

/** Draws one symbol (`{shape, fill, stroke, size_px}`) centred on (cx, cy). */
export function drawSymbol(ctx, sym, cx, cy, scale = 1) {
  const s = sym.size_px * scale;
  trace(ctx, sym.shape, cx, cy, s);
  ctx.fillStyle = sym.fill;
  ctx.fill();
  ctx.lineWidth = Math.max(1, 0.9 * scale);
  ctx.strokeStyle = sym.stroke;
  ctx.lineJoin = 'round';
  ctx.stroke();
}

/** A canvas with the symbol, `pixelRatio` device pixels per CSS pixel, 2 px of margin. */
export function symbolCanvas(sym, pixelRatio = 1) {
  const css = Math.ceil(sym.size_px + 4);
  const canvas = document.createElement('canvas');
  canvas.width = css * pixelRatio;
  canvas.height = css * pixelRatio;
  canvas.style.width = `${css}px`;
  canvas.style.height = `${css}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(pixelRatio, pixelRatio);
  drawSymbol(ctx, sym, css / 2, css / 2);
  return canvas;
}

/** The symbol as `ImageData`, for `map.addImage(name, data, {pixelRatio})`. */
export function symbolImage(sym, pixelRatio = 2) {
  const c = symbolCanvas(sym, pixelRatio);
  return c.getContext('2d').getImageData(0, 0, c.width, c.height);
}
