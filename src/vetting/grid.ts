// The coarse grid sites count on for roles that may vet but not see sites: a target is widened to
// every cell it touches, so an answer never says more than "some buffer meets one of these
// cells". Cells are about `cellM` a side: rows of fixed latitude height, each row with its own
// longitude step (narrower degrees towards the poles). The whole grid is shifted by a secret of
// the deployment in latitude, and each row in longitude by a value derived from the secret and
// the row, so no cell edge can be known in advance or carried from one row to the next.
// Pure: no I/O.
import { createHash } from 'node:crypto';
import { PreparedArea, type BBox } from '../geo/shapes.ts';

/** Metres in a degree of latitude (nominal): cells are "about" the size, not exactly. */
const M_PER_DEG = 111_320;

export interface Cell {
  row: number;
  col: number;
  bbox: BBox;
}

/** A fraction in [0, 1) from the first 4 bytes of SHA-256(secret ‖ label). */
function fraction(secret: Uint8Array, label: string): number {
  return createHash('sha256').update(secret).update(label).digest().readUInt32BE(0) / 2 ** 32;
}

export class Grid {
  /** Row height in degrees of latitude. */
  readonly dLat: number;
  private readonly latOffset: number;
  private readonly rows = new Map<number, { step: number; offset: number }>();

  constructor(
    private readonly secret: Uint8Array,
    readonly cellM: number,
  ) {
    if (!(cellM > 0)) throw new RangeError('cellM must be positive');
    this.dLat = cellM / M_PER_DEG;
    this.latOffset = fraction(secret, 'lat') * this.dLat;
  }

  rowOf(lat: number): number {
    return Math.floor((lat - this.latOffset) / this.dLat);
  }

  /** A row's longitude step and shift (computed once per row). */
  private rowParams(row: number): { step: number; offset: number } {
    let p = this.rows.get(row);
    if (!p) {
      const mid = this.latOffset + (row + 0.5) * this.dLat;
      const cos = Math.cos((Math.min(89, Math.abs(mid)) * Math.PI) / 180);
      const step = Math.min(360, this.cellM / (M_PER_DEG * cos));
      p = { step, offset: fraction(this.secret, `row:${row}`) * step };
      if (this.rows.size > 10_000) this.rows.clear(); // a bound on the memo, never reached in one region
      this.rows.set(row, p);
    }
    return p;
  }

  cellOf(lon: number, lat: number): Cell {
    const row = this.rowOf(lat);
    const { step, offset } = this.rowParams(row);
    return this.cell(row, Math.floor((lon - offset) / step));
  }

  cell(row: number, col: number): Cell {
    const { step, offset } = this.rowParams(row);
    const minY = this.latOffset + row * this.dLat;
    const minX = offset + col * step;
    return { row, col, bbox: { minX, minY, maxX: minX + step, maxY: minY + this.dLat } };
  }

  /** Every cell whose box meets b (boundaries included), row by row. */
  cellsIn(b: BBox): Cell[] {
    const out: Cell[] = [];
    for (let row = this.rowOf(b.minY); row <= this.rowOf(b.maxY); row++) {
      const { step, offset } = this.rowParams(row);
      for (let col = Math.floor((b.minX - offset) / step); col <= Math.floor((b.maxX - offset) / step); col++) out.push(this.cell(row, col));
    }
    return out;
  }
}

/** A cell as an area the prepared shapes can measure against. */
export function cellArea(c: Cell): PreparedArea {
  const { minX, minY, maxX, maxY } = c.bbox;
  return new PreparedArea([
    [
      [
        [minX, minY],
        [maxX, minY],
        [maxX, maxY],
        [minX, maxY],
        [minX, minY],
      ],
    ],
  ]);
}
