// Site symbols drawn on a canvas from atlas.json's `site_symbols` (generated from the atlas's kinds),
// so the map needs no sprite sheet and no request for one. Sizes are CSS pixels.

/**
 * Traces the symbol's outline centred on (cx, cy) with overall size `s` into `ctx` (a path, not
 * filled). The outline is the printed sheet's (`Shape::outline` in src/style/mod.rs), sent at
 * size 1 in atlas.json, so web and print draw each shape the same way.
 */
function trace(ctx, outline, cx, cy, s) {
  ctx.beginPath();
  outline.forEach(([x, y], i) => {
    if (i === 0) ctx.moveTo(cx + x * s, cy + y * s); else ctx.lineTo(cx + x * s, cy + y * s);
  });
  ctx.closePath();
}

/** Draws one symbol (`{outline, fill, stroke, size_px}`) centred on (cx, cy). */
export function drawSymbol(ctx, sym, cx, cy, scale = 1) {
  const s = sym.size_px * scale;
  trace(ctx, sym.outline, cx, cy, s);
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
