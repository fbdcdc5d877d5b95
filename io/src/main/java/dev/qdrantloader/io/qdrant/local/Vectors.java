package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.Points.DenseVector;
import io.qdrant.client.grpc.Points.NamedVectorsOutput;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.Points.VectorOutput;
import io.qdrant.client.grpc.Points.VectorsOutput;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import java.util.List;

/** Conversions between gRPC vector messages and the float arrays the server keeps. */
final class Vectors {
  private Vectors() {}

  // Primitive getters: going through getDataList() would box every float.
  static float[] toArray(DenseVector v) {
    float[] out = new float[v.getDataCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.getData(i);
    }
    return out;
  }

  private static float[] legacyData(Vector v) {
    float[] out = new float[v.getDataCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.getData(i);
    }
    return out;
  }

  /** The dense floats of an input vector; sparse, multi and inference inputs are refused. */
  static float[] dense(Vector v, String name) {
    switch (v.getVectorCase()) {
      case DENSE:
        return toArray(v.getDense());
      case VECTOR_NOT_SET:
        if (v.hasIndices()) {
          throw QdrantErrors.unimplemented("sparse vectors (vector `" + name + "`)");
        }
        return legacyData(v);
      default:
        throw QdrantErrors.unimplemented(
            v.getVectorCase().name().toLowerCase(java.util.Locale.ROOT)
                + " vectors (vector `"
                + name
                + "`)");
    }
  }

  static VectorOutput output(float[] v) {
    DenseVector.Builder dense = DenseVector.newBuilder();
    VectorOutput.Builder out = VectorOutput.newBuilder();
    for (float f : v) {
      dense.addData(f);
      // Older clients read the deprecated `data` field, newer ones `dense`: fill both.
      out.addData(f);
    }
    return out.setDense(dense).build();
  }

  /** Builds the vectors of a returned point, or null when the selector asks for none. */
  static VectorsOutput select(
      float[][] vectors, List<String> names, boolean unnamed, WithVectorsSelector selector) {
    if (selector == null) {
      return null;
    }
    List<String> wanted = null;
    switch (selector.getSelectorOptionsCase()) {
      case ENABLE:
        if (!selector.getEnable()) {
          return null;
        }
        break;
      case INCLUDE:
        wanted = selector.getInclude().getNamesList();
        break;
      default:
        return null;
    }
    if (unnamed) {
      if (vectors[0] == null || (wanted != null && !wanted.contains(""))) {
        return wanted != null ? null : VectorsOutput.getDefaultInstance();
      }
      return VectorsOutput.newBuilder().setVector(output(vectors[0])).build();
    }
    NamedVectorsOutput.Builder named = NamedVectorsOutput.newBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (vectors[i] != null && (wanted == null || wanted.contains(names.get(i)))) {
        named.putVectors(names.get(i), output(vectors[i]));
      }
    }
    return VectorsOutput.newBuilder().setVectors(named).build();
  }
}
