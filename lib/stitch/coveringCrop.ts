// The stitching crop that a scan needs: every pixel inside the scan's convex hull
// must lie in the central crop of some patch, or the stitched object has holes. A
// raster with a small step is covered by PtychoPINN's 20 px; a spiral or a sparse
// real scan needs more, so the crop follows the scan rather than a constant.
import Flatbush from 'flatbush';

type Point = [number, number];

/** The smallest even crop whose central squares, centred on `positions`, cover their convex hull. */
export function coveringCrop(positions: Float64Array): number {
  const count = positions.length / 2;
  const points: Point[] = Array.from({ length: count }, (_, i) => [positions[2 * i], positions[2 * i + 1]]);
  const hull = convexHull(points);
  if (hull.length < 3) return 2;
  const index = new Flatbush(count);
  for (const [x, y] of points) index.add(x, y, x, y);
  index.finish();
  // Sample the hull on a grid finer than the scan's spacing: a pixel's nearest
  // position (Euclidean) bounds its Chebyshev distance to the nearest crop centre.
  const area = Math.abs(polygonArea(hull));
  const step = Math.max(0.5, Math.sqrt(area / count) / 4);
  const xs = hull.map((p) => p[0]);
  const ys = hull.map((p) => p[1]);
  let reach = 0;
  for (let y = Math.min(...ys); y <= Math.max(...ys); y += step) {
    for (let x = Math.min(...xs); x <= Math.max(...xs); x += step) {
      if (!inside(hull, x, y)) continue;
      const [nearest] = index.neighbors(x, y, 1);
      reach = Math.max(reach, Math.max(Math.abs(points[nearest][0] - x), Math.abs(points[nearest][1] - y)));
    }
  }
  // Half a sampling step for pixels between samples, one pixel for the bilinear splat.
  const half = Math.ceil(reach + step / 2) + 1;
  return 2 * half;
}

/** Andrew's monotone chain, counter-clockwise, without collinear points. */
function convexHull(points: Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (list: Point[]) => {
    const out: Point[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...chain(sorted), ...chain([...sorted].reverse())];
}

function polygonArea(polygon: Point[]): number {
  let twice = 0;
  polygon.forEach((p, i) => {
    const q = polygon[(i + 1) % polygon.length];
    twice += p[0] * q[1] - q[0] * p[1];
  });
  return twice / 2;
}

/** Inside or on the edge of a counter-clockwise convex polygon. */
function inside(polygon: Point[], x: number, y: number): boolean {
  return polygon.every((p, i) => {
    const q = polygon[(i + 1) % polygon.length];
    return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]) >= -1e-9;
  });
}
