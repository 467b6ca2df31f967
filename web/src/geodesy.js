// Geodesic distance on the WGS84 ellipsoid for the distance tool, so atlas.json need not carry an
// all-pairs matrix (issue 16). Vincenty's inverse formula: sub-millimetre against GeographicLib
// (which gazmap's Rust side uses) except for nearly antipodal points, where it may not converge;
// there it falls back to the spherical distance on the mean radius (never the case in one atlas).

const A = 6378137.0;
const F = 1 / 298.257223563;
const B = A * (1 - F);

/** Geodesic distance in metres between [lon, lat] points (degrees). */
export function distanceM(p, q) {
  const rad = Math.PI / 180;
  const L = (q[0] - p[0]) * rad;
  const U1 = Math.atan((1 - F) * Math.tan(p[1] * rad));
  const U2 = Math.atan((1 - F) * Math.tan(q[1] * rad));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  for (let i = 0; i < 200; i += 1) {
    const sinL = Math.sin(lambda);
    const cosL = Math.cos(lambda);
    const sinSigma = Math.hypot(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL);
    if (sinSigma === 0) return 0; // the same point
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    const cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda = L + (1 - C) * F * sinAlpha
      * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-12) {
      const u2 = (cos2Alpha * (A * A - B * B)) / (B * B);
      const a = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const b = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const dSigma = b * sinSigma * (cos2SigmaM + (b / 4) * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)
        - (b / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
      return B * a * (sigma - dSigma);
    }
  }
  const R = (2 * A + B) / 3;
  const dp = (q[1] - p[1]) * rad;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(p[1] * rad) * Math.cos(q[1] * rad) * Math.sin(L / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The distance between two sites (objects with lon, lat, uncertainty_m), km, with the smallest
 * and largest distances their uncertainty radii allow (as `geodesy::distance_range_m`).
 */
export function siteDistance(a, b) {
  const d = distanceM([a.lon, a.lat], [b.lon, b.lat]);
  const slack = (Number(a.uncertainty_m) || 0) + (Number(b.uncertainty_m) || 0);
  return { km: d / 1000, min_km: Math.max(0, d - slack) / 1000, max_km: (d + slack) / 1000 };
}
