package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.JsonWithInt.ListValue;
import io.qdrant.client.grpc.JsonWithInt.Struct;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Payload paths as Qdrant reads them: {@code a.b} descends into objects, {@code a[].b} visits each
 * element of the array {@code a}, {@code a[2]} picks one element, and an array at the end of a path
 * is one value whose elements conditions test one by one. Payload maps are never mutated: every
 * change returns a new map.
 */
final class Payloads {
  private Payloads() {}

  /** One step of a parsed path. */
  private static final class Step {
    final String key;
    final boolean flatten; // "a[]"
    final int index; // "a[2]", or -1

    Step(String key, boolean flatten, int index) {
      this.key = key;
      this.flatten = flatten;
      this.index = index;
    }
  }

  private static List<Step> parse(String path) {
    List<Step> steps = new ArrayList<>();
    for (String part : path.split("\\.", -1)) {
      if (part.endsWith("[]")) {
        steps.add(new Step(part.substring(0, part.length() - 2), true, -1));
      } else if (part.endsWith("]") && part.indexOf('[') > 0) {
        int open = part.indexOf('[');
        int idx;
        try {
          idx = Integer.parseInt(part.substring(open + 1, part.length() - 1));
        } catch (NumberFormatException e) {
          throw QdrantErrors.invalid("Wrong input: invalid payload key `" + path + "`");
        }
        steps.add(new Step(part.substring(0, open), false, idx));
      } else {
        steps.add(new Step(part, false, -1));
      }
    }
    return steps;
  }

  /** Whether the key is present at all (a null value counts as present). */
  static boolean exists(Map<String, Value> payload, String path) {
    return !collect(payload, path, false).isEmpty();
  }

  /**
   * The values at {@code path}, with an array at the end flattened into its elements. A missing key
   * gives an empty list; an explicit null gives a null value.
   */
  static List<Value> values(Map<String, Value> payload, String path) {
    return collect(payload, path, true);
  }

  /**
   * The raw values at the end of {@code path} (arrays at the end are not expanded), for counting
   * and emptiness.
   */
  static List<Value> rawValues(Map<String, Value> payload, String path) {
    return collect(payload, path, false);
  }

  private static List<Value> collect(Map<String, Value> payload, String path, boolean expandLeaf) {
    List<Step> steps = parse(path);
    List<Value> current = new ArrayList<>();
    Value first = payload.get(steps.get(0).key);
    if (first == null) {
      return Collections.emptyList();
    }
    current.add(first);
    current = applyIndex(current, steps.get(0));
    for (int s = 1; s < steps.size(); s++) {
      Step step = steps.get(s);
      List<Value> next = new ArrayList<>();
      for (Value v : current) {
        descend(v, step.key, next);
      }
      current = applyIndex(next, step);
    }
    if (!expandLeaf) {
      return current;
    }
    List<Value> out = new ArrayList<>(current.size());
    for (Value v : current) {
      if (v.hasListValue()) {
        out.addAll(v.getListValue().getValuesList());
      } else {
        out.add(v);
      }
    }
    return out;
  }

  /** Only objects are descended into: an array on the way needs {@code []}, as in Qdrant. */
  private static void descend(Value v, String key, List<Value> out) {
    if (v.hasStructValue()) {
      Value child = v.getStructValue().getFieldsMap().get(key);
      if (child != null) {
        out.add(child);
      }
    }
  }

  private static List<Value> applyIndex(List<Value> values, Step step) {
    if (step.index < 0 && !step.flatten) {
      return values;
    }
    List<Value> out = new ArrayList<>();
    for (Value v : values) {
      if (!v.hasListValue()) {
        continue;
      }
      List<Value> elements = v.getListValue().getValuesList();
      if (step.flatten) {
        out.addAll(elements);
      } else if (step.index < elements.size()) {
        out.add(elements.get(step.index));
      }
    }
    return out;
  }

  /** Applies a gRPC payload selector; an unset selector means no payload, as in Qdrant. */
  static Map<String, Value> select(Map<String, Value> payload, WithPayloadSelector selector) {
    if (selector == null) {
      return Collections.emptyMap();
    }
    switch (selector.getSelectorOptionsCase()) {
      case ENABLE:
        return selector.getEnable() ? payload : Collections.emptyMap();
      case INCLUDE:
        {
          Map<String, Value> out = new LinkedHashMap<>();
          for (String field : selector.getInclude().getFieldsList()) {
            copyPath(payload, out, field.split("\\.", -1), 0);
          }
          return out;
        }
      case EXCLUDE:
        {
          Map<String, Value> out = payload;
          for (String field : selector.getExclude().getFieldsList()) {
            out = delete(out, field);
          }
          return out;
        }
      default:
        return Collections.emptyMap();
    }
  }

  private static void copyPath(
      Map<String, Value> from, Map<String, Value> to, String[] parts, int at) {
    Value v = from.get(parts[at]);
    if (v == null) {
      return;
    }
    if (at == parts.length - 1 || !v.hasStructValue()) {
      if (at == parts.length - 1) {
        to.put(parts[at], v);
      }
      return;
    }
    Map<String, Value> child = new LinkedHashMap<>();
    Value existing = to.get(parts[at]);
    if (existing != null && existing.hasStructValue()) {
      child.putAll(existing.getStructValue().getFieldsMap());
    }
    copyPath(v.getStructValue().getFieldsMap(), child, parts, at + 1);
    if (!child.isEmpty()) {
      to.put(parts[at], struct(child));
    }
  }

  static Value struct(Map<String, Value> fields) {
    return Value.newBuilder().setStructValue(Struct.newBuilder().putAllFields(fields)).build();
  }

  /**
   * Merges {@code values} into the payload, at the top level or inside the object at {@code key}.
   */
  static Map<String, Value> merge(
      Map<String, Value> payload, String key, Map<String, Value> values) {
    Map<String, Value> out = new LinkedHashMap<>(payload);
    if (key == null || key.isEmpty()) {
      out.putAll(values);
      return Collections.unmodifiableMap(out);
    }
    String[] parts = key.split("\\.", -1);
    return Collections.unmodifiableMap(mergeAt(out, parts, 0, values));
  }

  private static Map<String, Value> mergeAt(
      Map<String, Value> map, String[] parts, int at, Map<String, Value> values) {
    Value existing = map.get(parts[at]);
    Map<String, Value> child =
        existing != null && existing.hasStructValue()
            ? new LinkedHashMap<>(existing.getStructValue().getFieldsMap())
            : new LinkedHashMap<>();
    if (at == parts.length - 1) {
      child.putAll(values);
    } else {
      child = mergeAt(child, parts, at + 1, values);
    }
    map.put(parts[at], struct(child));
    return map;
  }

  /** Removes the value at a (possibly nested) path; a missing path leaves the payload unchanged. */
  static Map<String, Value> delete(Map<String, Value> payload, String path) {
    String[] parts = path.split("\\.", -1);
    if (!payload.containsKey(parts[0])) {
      return payload;
    }
    Map<String, Value> out = new LinkedHashMap<>(payload);
    if (parts.length == 1) {
      out.remove(parts[0]);
    } else {
      Value v = out.get(parts[0]);
      Value replaced = deleteIn(v, parts, 1);
      if (replaced != v) {
        out.put(parts[0], replaced);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static Value deleteIn(Value v, String[] parts, int at) {
    if (v.hasStructValue()) {
      Map<String, Value> fields = v.getStructValue().getFieldsMap();
      if (!fields.containsKey(parts[at])) {
        return v;
      }
      Map<String, Value> copy = new LinkedHashMap<>(fields);
      if (at == parts.length - 1) {
        copy.remove(parts[at]);
      } else {
        copy.put(parts[at], deleteIn(fields.get(parts[at]), parts, at + 1));
      }
      return struct(copy);
    }
    if (v.hasListValue()) {
      ListValue.Builder list = ListValue.newBuilder();
      for (Value element : v.getListValue().getValuesList()) {
        list.addValues(deleteIn(element, parts, at));
      }
      return Value.newBuilder().setListValue(list).build();
    }
    return v;
  }
}
