package dev.qdrantloader.io.qdrant.local;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One named vector of every point, packed row after row in large float blocks so a search scans
 * memory sequentially instead of chasing a pointer per point. A row freed by a delete is reused.
 * Mutated only under the collection's write lock; scanned under its read lock.
 */
final class VectorColumn {
  static final int BLOCK_ROWS = 4096;

  final int dim;
  private float[][] blocks = new float[0][];
  private StoredPoint[][] owners = new StoredPoint[0][];
  private final Map<PointKey, Integer> rowOf = new HashMap<>();
  private int[] free = new int[16];
  private int freeCount;
  private int highWater;

  VectorColumn(int dim) {
    this.dim = dim;
  }

  /** Stores (or replaces) the vector of a point; {@code owner} is what a scan reports. */
  void put(StoredPoint owner, float[] vector) {
    Integer row = rowOf.get(owner.key);
    int r;
    if (row != null) {
      r = row;
    } else {
      r = freeCount > 0 ? free[--freeCount] : highWater++;
      ensureCapacity(r);
      rowOf.put(owner.key, r);
    }
    System.arraycopy(vector, 0, blocks[r / BLOCK_ROWS], (r % BLOCK_ROWS) * dim, dim);
    owners[r / BLOCK_ROWS][r % BLOCK_ROWS] = owner;
  }

  /** Points a row at a new version of its point (same vector, new payload). */
  void updateOwner(StoredPoint owner) {
    Integer row = rowOf.get(owner.key);
    if (row != null) {
      owners[row / BLOCK_ROWS][row % BLOCK_ROWS] = owner;
    }
  }

  void remove(PointKey key) {
    Integer row = rowOf.remove(key);
    if (row == null) {
      return;
    }
    owners[row / BLOCK_ROWS][row % BLOCK_ROWS] = null;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, free.length * 2);
    }
    free[freeCount++] = row;
  }

  private void ensureCapacity(int row) {
    int block = row / BLOCK_ROWS;
    if (block < blocks.length) {
      return;
    }
    blocks = Arrays.copyOf(blocks, block + 1);
    owners = Arrays.copyOf(owners, block + 1);
    blocks[block] = new float[BLOCK_ROWS * dim];
    owners[block] = new StoredPoint[BLOCK_ROWS];
  }

  /** Rows in use or freed: a scan covers {@code [0, rows())}. */
  int rows() {
    return highWater;
  }

  float[] block(int row) {
    return blocks[row / BLOCK_ROWS];
  }

  StoredPoint owner(int row) {
    return owners[row / BLOCK_ROWS][row % BLOCK_ROWS];
  }

  static int offset(int row, int dim) {
    return (row % BLOCK_ROWS) * dim;
  }
}
